package io.chatrelay.shared.bus;

/**
 * The {@code reason} tokens of the {@link BusFailure}s the message store sends on the {@code chatrelay.messages.*}
 * addresses (documented in {@code docs/event-bus.md}). An edge maps them to its protocol's codes.
 */
public final class MessageReasons {
  private MessageReasons() {
  }

  /** 400: a field is missing or has the wrong type. */
  public static final String BAD_REQUEST = "bad-request";
  /** 400: the content is empty (or only white space). */
  public static final String EMPTY_CONTENT = "empty-content";
  /** 413: the content is longer than {@code tchatator.max-message-length} characters; details {@code length, maxLength}. */
  public static final String CONTENT_TOO_LONG = "content-too-long";
  /** 404: the recipient is not an account. */
  public static final String UNKNOWN_RECIPIENT = "unknown-recipient";
  /** 403: these two roles may not write to each other (e.g. member to member, or to oneself). */
  public static final String RECIPIENT_NOT_ALLOWED = "recipient-not-allowed";
  /** 403: the sender is banned; details {@code bannedAt, bannedAtText, setBy}. */
  public static final String BANNED = "banned";
  /** 403: the sender is blocked; details {@code until, untilText, scope ("recipient"|"everyone"), setBy}. */
  public static final String BLOCKED = "blocked";
  /** 429: too many messages; details {@code window ("minute"|"hour"), limit, retryAt, retryAtText}. */
  public static final String RATE_LIMITED = "rate-limited";
  /** 404: no such message, or it was deleted. */
  public static final String UNKNOWN_MESSAGE = "unknown-message";
  /** 403: only the sender may edit or delete a message. */
  public static final String NOT_SENDER = "not-sender";
  /** 403: the actor's role may not do this (a member blocking, a professional banning). */
  public static final String NOT_PERMITTED = "not-permitted";
  /** 403: this user may not be blocked or banned by this actor (an administrator, oneself, a non-member for a professional). */
  public static final String TARGET_NOT_ALLOWED = "target-not-allowed";
  /** 404: the user to block, unblock, ban or unban is not an account. */
  public static final String UNKNOWN_USER = "unknown-user";
  /** 404: there is no block in force that this actor could lift. */
  public static final String NOT_BLOCKED = "not-blocked";
  /** 403: the block was set by someone else (only its setter or an administrator may lift it). */
  public static final String NOT_SETTER = "not-setter";
  /** 404: the user is not banned. */
  public static final String NOT_BANNED = "not-banned";
  /** 400: the {@code clientId} idempotency key breaks its rules (1..64 of {@code A-Z a-z 0-9 . _ : -}). */
  public static final String BAD_CLIENT_ID = "bad-client-id";
  /** 503: the database cannot be reached; details {@code retryAfterMs}. Retrying later is safe. */
  public static final String STORE_UNAVAILABLE = "store-unavailable";
}
