package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonObject;

/**
 * What travels to a wnet endpoint's delivery address ({@link Addresses#wnetNode} for WS edges, or an in-cluster
 * bot's own address). Every body has {@code kind} and {@code to}, the connection id at that address it is for.
 * <p>
 * To a bot: {@link Connection} (request, reply {@code {}} or 404 when the bot is gone), {@link ClientMessage},
 * {@link ClientGone}, {@link IsAlive} (request, reply {@code {alive: bool}}), {@link NameRemoved} (from the registry).
 * To a client: {@link BotMessage}, {@link BotGone}.
 */
public sealed interface WnetDelivery {
  String to();

  JsonObject toJson();

  /** A client connects to bot {@code bot}; {@code clientAddress} is where the bot's replies to {@code sid} go. */
  record Connection(String to, String bot, String sid, String clientAddress, String auth) implements WnetDelivery {
    public JsonObject toJson() {
      return base("connection", to).put("bot", bot).put("sid", sid).put("clientAddress", clientAddress).put("auth", auth);
    }
  }

  /** Client {@code sid} sent {@code text} to the bot ({@code cssend}). */
  record ClientMessage(String to, String bot, String sid, String text) implements WnetDelivery {
    public JsonObject toJson() {
      return base("cssend", to).put("bot", bot).put("sid", sid).put("text", text);
    }
  }

  /** Client {@code sid} disconnected from the bot or its connection ended. */
  record ClientGone(String to, String bot, String sid) implements WnetDelivery {
    public JsonObject toJson() {
      return base("disconnected", to).put("bot", bot).put("sid", sid);
    }
  }

  /** Someone wants the bot's name: prove you are alive within {@code windowMs}. */
  record IsAlive(String to, String bot, long windowMs) implements WnetDelivery {
    public JsonObject toJson() {
      return base("isalive", to).put("bot", bot).put("windowMs", windowMs);
    }
  }

  /**
   * The registry removed the bot's name {@code bot} from connection {@code to}: {@code reason} is
   * {@code "unregistered"} (someone unregistered it), {@code "taken-over"} (it was judged dead and the name given
   * to a newcomer) or {@code "kicked"} (an administrator freed it). The connection no longer holds the name.
   */
  record NameRemoved(String to, String bot, String reason) implements WnetDelivery {
    public JsonObject toJson() {
      return base("removed", to).put("bot", bot).put("reason", reason);
    }
  }

  /** Bot {@code bot} sent {@code text} to client {@code to} ({@code scsend}). */
  record BotMessage(String to, String bot, String text) implements WnetDelivery {
    public JsonObject toJson() {
      return base("mess", to).put("bot", bot).put("text", text);
    }
  }

  /** Bot {@code bot} went away (or dropped the client): the client is no longer connected to it. */
  record BotGone(String to, String bot) implements WnetDelivery {
    public JsonObject toJson() {
      return base("botgone", to).put("bot", bot);
    }
  }

  private static JsonObject base(String kind, String to) {
    return new JsonObject().put("kind", kind).put("to", to);
  }

  /** Parses a delivery body; a 400 {@code bad-request} failure for an unknown kind or a missing {@code to}. */
  public static WnetDelivery fromJson(JsonObject j) {
    String kind = Replies.requireString(j, "kind");
    String to = Replies.requireString(j, "to");
    return switch (kind) {
      case "connection" -> new Connection(to, j.getString("bot"), j.getString("sid"), j.getString("clientAddress"), j.getString("auth"));
      case "cssend" -> new ClientMessage(to, j.getString("bot"), j.getString("sid"), j.getString("text"));
      case "disconnected" -> new ClientGone(to, j.getString("bot"), j.getString("sid"));
      case "isalive" -> new IsAlive(to, j.getString("bot"), j.getLong("windowMs", 5000L));
      case "removed" -> new NameRemoved(to, j.getString("bot"), j.getString("reason"));
      case "mess" -> new BotMessage(to, j.getString("bot"), j.getString("text"));
      case "botgone" -> new BotGone(to, j.getString("bot"));
      default -> throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "unknown delivery kind " + kind).exception();
    };
  }
}
