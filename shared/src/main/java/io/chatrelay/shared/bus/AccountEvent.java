package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonObject;

/**
 * Published on {@link Addresses#ACCOUNTS_EVENTS} by the message store once an account change is committed:
 * {@code {event, id, name, at}}. Edges end the sessions the change invalidates ({@link #ends}); the message store
 * drops what it remembers of the account's credentials.
 *
 * @param event {@link #KEY_ROTATED}, {@link #BANNED} or {@link #UNBANNED}
 * @param id    the account's id
 * @param name  the account's name
 * @param at    when the change was committed, epoch milliseconds
 */
public record AccountEvent(String event, long id, String name, long at) {
  /** The API key was replaced: it no longer authenticates anything. */
  public static final String KEY_ROTATED = "key-rotated";
  /** The account is banned: it no longer authenticates at all. */
  public static final String BANNED = "banned";
  /** The ban was lifted. */
  public static final String UNBANNED = "unbanned";

  /** How a session was authenticated. */
  public enum Method {
    /** by the account's API key (Tchatator LOGIN, wnet {@code type=token}) */
    API_KEY,
    /** by the account's password (wnet {@code type=password}) */
    PASSWORD
  }

  /** Whether a session of this account authenticated by {@code method} must end because of this change. */
  public boolean ends(Method method) {
    return switch (event) {
      case KEY_ROTATED -> method == Method.API_KEY;
      case BANNED -> true;
      default -> false;
    };
  }

  public JsonObject toJson() {
    return new JsonObject().put("event", event).put("id", id).put("name", name).put("at", at);
  }

  public static AccountEvent fromJson(JsonObject j) {
    return new AccountEvent(Replies.requireString(j, "event"), Replies.requireLong(j, "id"),
      Replies.requireString(j, "name"), Replies.requireLong(j, "at"));
  }
}
