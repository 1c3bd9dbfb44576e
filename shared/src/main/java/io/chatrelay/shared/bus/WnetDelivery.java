package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonObject;

/**
 * What travels to a wnet endpoint's delivery address ({@link Addresses#wnetNode} for WS edges, or an in-cluster
 * bot's own address). Every body has {@code kind} and {@code to}, the connection id at that address it is for.
 * <p>
 * To a bot: {@link Connection} (request, reply {@code {}} or 404 when the bot is gone), {@link ClientMessage},
 * {@link ClientGone}, {@link IsAlive} (request, reply {@code {alive: bool}}), {@link NameRemoved} (from the registry).
 * To a client: {@link BotMessage}, {@link BotGone}.
 * <p>
 * Receivers dispatch with {@link #accept(Handler, Object)}: a {@link Handler} has one method per kind, so a new
 * kind does not compile until every receiver says what it does with it (no cast, no forgotten case).
 * On the clustered event bus the records travel in the binary form of {@link WnetDeliveryCodec}; the JSON form
 * ({@link #toJson()}, {@link #fromJson}) is the one documented for other senders and is accepted too.
 */
public sealed interface WnetDelivery {
  String KIND_CONNECTION = "connection";
  String KIND_CSSEND = "cssend";
  String KIND_DISCONNECTED = "disconnected";
  String KIND_ISALIVE = "isalive";
  String KIND_REMOVED = "removed";
  String KIND_MESS = "mess";
  String KIND_BOTGONE = "botgone";

  String to();

  /** The {@code kind} of the JSON form. */
  String kind();

  JsonObject toJson();

  /** Runs the {@code handler} method of this delivery's kind, with {@code context}. */
  <C, R> R accept(Handler<C, R> handler, C context);

  /** One method per kind of delivery; see {@link #accept}. */
  interface Handler<C, R> {
    R connection(C context, Connection delivery);

    R clientMessage(C context, ClientMessage delivery);

    R clientGone(C context, ClientGone delivery);

    R isAlive(C context, IsAlive delivery);

    R nameRemoved(C context, NameRemoved delivery);

    R botMessage(C context, BotMessage delivery);

    R botGone(C context, BotGone delivery);
  }

  /** A client connects to bot {@code bot}; {@code clientAddress} is where the bot's replies to {@code sid} go. */
  record Connection(String to, String bot, String sid, String clientAddress, String auth) implements WnetDelivery {
    public String kind() {
      return KIND_CONNECTION;
    }

    public JsonObject toJson() {
      return base(this).put("bot", bot).put("sid", sid).put("clientAddress", clientAddress).put("auth", auth);
    }

    public <C, R> R accept(Handler<C, R> handler, C context) {
      return handler.connection(context, this);
    }
  }

  /** Client {@code sid} sent {@code text} to the bot ({@code cssend}). */
  record ClientMessage(String to, String bot, String sid, String text) implements WnetDelivery {
    public String kind() {
      return KIND_CSSEND;
    }

    public JsonObject toJson() {
      return base(this).put("bot", bot).put("sid", sid).put("text", text);
    }

    public <C, R> R accept(Handler<C, R> handler, C context) {
      return handler.clientMessage(context, this);
    }
  }

  /** Client {@code sid} disconnected from the bot or its connection ended. */
  record ClientGone(String to, String bot, String sid) implements WnetDelivery {
    public String kind() {
      return KIND_DISCONNECTED;
    }

    public JsonObject toJson() {
      return base(this).put("bot", bot).put("sid", sid);
    }

    public <C, R> R accept(Handler<C, R> handler, C context) {
      return handler.clientGone(context, this);
    }
  }

  /** Someone wants the bot's name: prove you are alive within {@code windowMs}. */
  record IsAlive(String to, String bot, long windowMs) implements WnetDelivery {
    public String kind() {
      return KIND_ISALIVE;
    }

    public JsonObject toJson() {
      return base(this).put("bot", bot).put("windowMs", windowMs);
    }

    public <C, R> R accept(Handler<C, R> handler, C context) {
      return handler.isAlive(context, this);
    }
  }

  /**
   * The registry removed the bot's name {@code bot} from connection {@code to}: {@code reason} is
   * {@value #UNREGISTERED} (someone unregistered it), {@value #TAKEN_OVER} (it was judged dead and the name given
   * to a newcomer) or {@value #KICKED} (an administrator freed it). The connection no longer holds the name.
   */
  record NameRemoved(String to, String bot, String reason) implements WnetDelivery {
    public static final String UNREGISTERED = "unregistered";
    public static final String TAKEN_OVER = "taken-over";
    public static final String KICKED = "kicked";

    public String kind() {
      return KIND_REMOVED;
    }

    public JsonObject toJson() {
      return base(this).put("bot", bot).put("reason", reason);
    }

    public <C, R> R accept(Handler<C, R> handler, C context) {
      return handler.nameRemoved(context, this);
    }
  }

  /** Bot {@code bot} sent {@code text} to client {@code to} ({@code scsend}). */
  record BotMessage(String to, String bot, String text) implements WnetDelivery {
    public String kind() {
      return KIND_MESS;
    }

    public JsonObject toJson() {
      return base(this).put("bot", bot).put("text", text);
    }

    public <C, R> R accept(Handler<C, R> handler, C context) {
      return handler.botMessage(context, this);
    }
  }

  /** Bot {@code bot} went away (or dropped the client): the client is no longer connected to it. */
  record BotGone(String to, String bot) implements WnetDelivery {
    public String kind() {
      return KIND_BOTGONE;
    }

    public JsonObject toJson() {
      return base(this).put("bot", bot);
    }

    public <C, R> R accept(Handler<C, R> handler, C context) {
      return handler.botGone(context, this);
    }
  }

  private static JsonObject base(WnetDelivery d) {
    return new JsonObject().put("kind", d.kind()).put("to", d.to());
  }

  /**
   * Parses a delivery body; a 400 {@code bad-request} failure (naming the field) for an unknown kind, a missing
   * {@code to} or a field missing or of the wrong type. {@code auth} may be absent or null; {@code text} may be empty.
   */
  static WnetDelivery fromJson(JsonObject j) {
    String kind = Replies.requireString(j, "kind");
    String to = Replies.requireString(j, "to");
    return switch (kind) {
      case KIND_CONNECTION -> new Connection(to, Replies.requireString(j, "bot"), Replies.requireString(j, "sid"),
        Replies.requireString(j, "clientAddress"), optionalString(j, "auth"));
      case KIND_CSSEND -> new ClientMessage(to, Replies.requireString(j, "bot"), Replies.requireString(j, "sid"), text(j));
      case KIND_DISCONNECTED -> new ClientGone(to, Replies.requireString(j, "bot"), Replies.requireString(j, "sid"));
      case KIND_ISALIVE -> new IsAlive(to, Replies.requireString(j, "bot"),
        j.getValue("windowMs") == null ? 5000L : Replies.requireLong(j, "windowMs"));
      case KIND_REMOVED -> new NameRemoved(to, Replies.requireString(j, "bot"), Replies.requireString(j, "reason"));
      case KIND_MESS -> new BotMessage(to, Replies.requireString(j, "bot"), text(j));
      case KIND_BOTGONE -> new BotGone(to, Replies.requireString(j, "bot"));
      default -> throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "unknown delivery kind " + cut(kind)).exception();
    };
  }

  /** The delivery in {@code body}: a record (local, or decoded by the codec) or its JSON form; else 400 {@code bad-request}. */
  static WnetDelivery from(Object body) {
    if (body instanceof WnetDelivery d) return d;
    if (body instanceof JsonObject j) return fromJson(j);
    if (body instanceof WnetDeliveryCodec.Malformed m) throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", m.problem()).exception();
    throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request",
      body == null ? "empty delivery" : "a delivery is a WnetDelivery or its JSON object").exception();
  }

  private static String text(JsonObject j) {
    Object v = j.getValue("text");
    if (!(v instanceof String s)) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request",
        v == null ? "missing string field 'text'" : "field 'text' must be a string").exception();
    }
    return s;
  }

  private static String optionalString(JsonObject j, String field) {
    Object v = j.getValue(field);
    if (v == null || v instanceof String) return (String) v;
    throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "field '" + field + "' must be a string").exception();
  }

  private static String cut(String s) {
    return s.length() <= 32 ? s : s.substring(0, 32);
  }
}
