package io.chatrelay.tchatator.codec;

import java.util.HashMap;
import java.util.Map;

/** A request parameter: its wire name, the other names clients use for it, and what its value is. */
public enum Parameter {
  API_TOKEN("api-token", Kind.SECRET),
  TOKEN("token", Kind.SECRET),
  /** The original C client sends {@code receiver-id} where the document says {@code recipient-id}. */
  RECIPIENT_ID("recipient-id", Kind.ID, "receiver-id"),
  MESSAGE_ID("message-id", Kind.ID),
  USER_ID("user-id", Kind.ID),
  FOR_USER_ID("for-user-id", Kind.ID),
  BEFORE_MESSAGE_ID("before-message-id", Kind.ID),
  /** Length of {@code content} in UTF-8 bytes or in characters, its inner line breaks counted or not. */
  MESSAGE_LENGTH("message-length", Kind.ID),
  /**
   * chatrelay's extension of SEND_MSG: the sender's idempotency key (a retry with the same one stores nothing
   * twice), passed to the store as {@code clientId}, which checks its form.
   */
  CLIENT_ID("client-id", Kind.TEXT),
  /** Always the last parameter; several lines when {@code message-length} precedes it. */
  CONTENT("content", Kind.CONTENT);

  /** What a value is: an API key (never logged), a whole number, a short text (logged), or message text. */
  public enum Kind { SECRET, ID, TEXT, CONTENT }

  private static final Map<String, Parameter> BY_NAME = new HashMap<>();

  static {
    for (Parameter p : values()) {
      BY_NAME.put(p.wire, p);
      for (String alias : p.aliases) BY_NAME.put(alias, p);
    }
  }

  private final String wire;
  private final Kind kind;
  private final String[] aliases;

  Parameter(String wire, Kind kind, String... aliases) {
    this.wire = wire;
    this.kind = kind;
    this.aliases = aliases;
  }

  public String wire() {
    return wire;
  }

  public Kind kind() {
    return kind;
  }

  /** The parameter a wire name or alias stands for, or null. */
  public static Parameter byName(String name) {
    return BY_NAME.get(name);
  }
}
