package io.chatrelay.shared.wnet;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Replies;

import io.vertx.core.json.JsonObject;

/**
 * One entry of the bot registry's table as {@link Addresses#WNET_LIST} and {@link Addresses#WNET_KICK} show it:
 * {@code {name, owner, registeredAt}}. {@code registeredAt} is when the owner got the name (register or takeover),
 * in epoch milliseconds; 0 when unknown (an entry written by a registry older than this field).
 */
public record BotRegistration(String name, BotOwner owner, long registeredAt) {
  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("owner", owner.toJson()).put("registeredAt", registeredAt);
  }

  public static BotRegistration fromJson(JsonObject json) {
    Object owner = json.getValue("owner");
    if (!(owner instanceof JsonObject ownerJson)) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "field 'owner' must be an object").exception();
    }
    Object at = json.getValue("registeredAt", 0L);
    if (!(at instanceof Number n)) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "field 'registeredAt' must be a number").exception();
    }
    return new BotRegistration(Replies.requireString(json, "name"), BotOwner.fromJson(ownerJson), n.longValue());
  }
}
