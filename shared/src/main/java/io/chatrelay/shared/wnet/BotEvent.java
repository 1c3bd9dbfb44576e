package io.chatrelay.shared.wnet;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Replies;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/** Published on {@link Addresses#WNET_BOT_EVENTS}: {@code {event:"online"|"offline", name, owner}}. */
public record BotEvent(Kind kind, String name, BotOwner owner) {
  public enum Kind {
    ONLINE, OFFLINE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static BotEvent online(String name, BotOwner owner) {
    return new BotEvent(Kind.ONLINE, name, owner);
  }

  public static BotEvent offline(String name, BotOwner owner) {
    return new BotEvent(Kind.OFFLINE, name, owner);
  }

  public JsonObject toJson() {
    return new JsonObject().put("event", kind.wire()).put("name", name).put("owner", owner.toJson());
  }

  public static BotEvent fromJson(JsonObject json) {
    String event = Replies.requireString(json, "event");
    for (Kind k : Kind.values()) {
      if (k.wire().equals(event)) {
        return new BotEvent(k, Replies.requireString(json, "name"), BotOwner.fromJson(json.getJsonObject("owner")));
      }
    }
    throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "unknown bot event '" + event + "'").exception();
  }
}
