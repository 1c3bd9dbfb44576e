package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonObject;

/**
 * Who holds a wnet bot name. {@code address} is where deliveries for the bot go (a WS edge node's
 * {@link Addresses#wnetNode} address, or an in-cluster service's own address), {@code conn} the id of the bot's
 * connection at that address, {@code node} the Vert.x node id of the process that holds it (for liveness), and
 * {@code account} the authenticated account name that registered it.
 * <p>
 * {@link #encode()} is canonical (fixed field order): the registry compares owners by it.
 */
public record BotOwner(String address, String conn, String node, String account) {
  public JsonObject toJson() {
    return new JsonObject().put("address", address).put("conn", conn).put("node", node).put("account", account);
  }

  public static BotOwner fromJson(JsonObject json) {
    if (json == null) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "missing owner").exception();
    }
    Object account = json.getValue("account");
    if (account != null && !(account instanceof String)) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "field 'account' must be a string").exception();
    }
    return new BotOwner(Replies.requireString(json, "address"), Replies.requireString(json, "conn"),
      Replies.requireString(json, "node"), (String) account);
  }

  public String encode() {
    return toJson().encode();
  }

  public static BotOwner decode(String encoded) {
    return fromJson(new JsonObject(encoded));
  }
}
