package io.chatrelay.shared.bus;

/**
 * The {@code reason} tokens of the {@link BusFailure}s the message store sends on the {@code chatrelay.accounts.*}
 * addresses (documented in {@code docs/event-bus.md}). Every address may also fail 400 {@code bad-request} and
 * 503 {@link MessageReasons#STORE_UNAVAILABLE}.
 */
public final class AccountReasons {
  private AccountReasons() {
  }

  /** 400: the name breaks the name rules. */
  public static final String BAD_NAME = "bad-name";
  /** 400: the role is missing or not one of the three. */
  public static final String BAD_ROLE = "bad-role";
  /** 400: the password breaks the password rules. */
  public static final String BAD_PASSWORD = "bad-password";
  /** 409: an account with this name (in any case) exists; details {@code name}. */
  public static final String NAME_TAKEN = "name-taken";
  /** 404: no account with this id or name; details {@code id} or {@code name}. */
  public static final String UNKNOWN_ACCOUNT = "unknown-account";
  /** 401: unknown account, wrong password, account without password, unknown or rotated-away key: all alike. */
  public static final String BAD_CREDENTIALS = "bad-credentials";
  /** 403: the credentials are right but the account is banned; details {@code bannedAt, bannedAtText, setBy}. */
  public static final String BANNED = MessageReasons.BANNED;
  /**
   * 429: too many failed password logins from this address or for this account name; no password was checked.
   * Details {@code retryAt, retryAtText, scope ("address"|"account")}.
   */
  public static final String LOGIN_THROTTLED = "login-throttled";
  /**
   * 503: the password check was not run: {@code accounts.hash-queue-size} checks are already waiting, or the
   * caller's {@code timeoutMs} had passed when a worker was free. Retrying later is safe.
   */
  public static final String OVERLOADED = "overloaded";
}
