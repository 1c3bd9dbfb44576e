package io.chatrelay.launcher;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.AdminRequests;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.ops.NodeReports;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.web.StaticResources;
import io.chatrelay.shared.wnet.BotRegistration;
import io.chatrelay.shared.wnet.BotRegistryClient;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The operators' page ({@code /} on the admin port) and the JSON API it uses ({@code /api/...}), behind the
 * administrator's key ({@code tchatator.admin-api-key}, sent as {@code Authorization: Bearer <key>}; read at each
 * request, so a reload applies). Everything goes through the event bus: the nodes' status addresses, the bot
 * registry, the message store's {@code chatrelay.admin.*} addresses with an admin grant (the settings-file
 * administrator acts). Endpoints: docs/console.md.
 */
final class OperatorsConsole {
  static final String API = "/api";
  private static final Logger LOG = LoggerFactory.getLogger(OperatorsConsole.class);
  /** How long a node may take to send its status before it is listed as not answering. */
  static final long NODE_TIMEOUT_MS = 2000;
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final int MAX_BODY_BYTES = 16 * 1024;
  private static final StaticResources FILES = StaticResources.page("/console/", "io/chatrelay/launcher/console/",
    "strings.js", "operators.js", "operators.css");
  /** The limits shown next to the refusals, when this build has them. */
  private static final List<String> LIMITS = List.of("wnet.max-connections", "wnet.max-connections-per-address",
    "wnet.max-frames-per-second", "wnet.max-frame-bytes", "wnet.max-queued-bytes", "wnet.handshake-timeout-ms",
    "wnet.takeover-window-ms", "tchatator.max-message-length", "tchatator.max-messages-per-minute",
    "tchatator.max-messages-per-hour");

  private final ServiceContext ctx;
  private final BotRegistryClient registry;

  OperatorsConsole(ServiceContext ctx) {
    this.ctx = ctx;
    this.registry = new BotRegistryClient(ctx.vertx());
  }

  /** Adds the page and the API to the admin server's router. */
  void mount(Router router) {
    router.route("/").handler(this::page);
    router.route("/console/*").handler(this::page);
    router.route(API + "/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::authorize);
    router.get(API + "/nodes").handler(rc -> answer(rc, nodes()));
    router.get(API + "/bots").handler(rc -> answer(rc, bots(rc.queryParams().get("prefix"))));
    router.post(API + "/bots/:name/kick").handler(rc -> answer(rc, registry.kick(rc.pathParam("name"))
      .map(kicked -> new JsonObject().put("kicked", kicked.toJson()))));
    router.get(API + "/accounts").handler(rc -> answer(rc, admin(Addresses.ADMIN_ACCOUNTS_LIST, new JsonObject())));
    router.post(API + "/accounts").handler(rc -> withBody(rc, body -> admin(Addresses.ADMIN_ACCOUNTS_CREATE, body), 201));
    router.post(API + "/accounts/:id/rotate-key").handler(rc -> withId(rc, id ->
      request(Addresses.ACCOUNTS_GET, new JsonObject().put("id", id))
        .compose(account -> admin(Addresses.ADMIN_ACCOUNTS_ROTATE_KEY, new JsonObject().put("name", account.getString("name"))))));
    router.post(API + "/accounts/:id/ban").handler(rc -> withId(rc, id ->
      admin(Addresses.ADMIN_ACCOUNTS_BAN, new JsonObject().put("userId", id))));
    router.post(API + "/accounts/:id/unban").handler(rc -> withId(rc, id ->
      admin(Addresses.ADMIN_ACCOUNTS_UNBAN, new JsonObject().put("userId", id))));
    router.get(API + "/refusals").handler(rc -> answer(rc, refusals()));
    router.route(API + "/*").handler(rc -> fail(rc, 404, "not-found", "no such endpoint: " + rc.request().method() + " "
      + rc.request().path() + " (see docs/console.md)"));
  }

  private void page(RoutingContext rc) {
    if (!FILES.serve(rc.request())) rc.next();
  }

  // ---- authorization ----

  /**
   * 403 while no administrator key is set (the API is off), 401 without the right {@code Bearer} key. The key is
   * compared in constant time and never logged.
   */
  private void authorize(RoutingContext rc) {
    String key = ctx.config().get().getString("tchatator.admin-api-key");
    if (key == null || key.isEmpty()) {
      fail(rc, 403, "api-disabled", "the operators' API is disabled: set tchatator.admin-api-key (the administrator's key) to use it");
      return;
    }
    String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
      rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"chatrelay operators\"");
      fail(rc, 401, "unauthenticated", presented == null
        ? "send the administrator's key as Authorization: Bearer <key>" : "wrong administrator key");
      return;
    }
    rc.next();
  }

  // ---- nodes ----

  /** Each live member's status, asked on its own address; members that do not answer in time are listed apart. */
  private Future<JsonObject> nodes() {
    return statuses().map(s -> new JsonObject().put("nodes", new JsonArray(s.answered())).put("unanswered", new JsonArray(s.unanswered())));
  }

  private record Statuses(List<JsonObject> answered, List<String> unanswered) {
  }

  private Future<Statuses> statuses() {
    Set<String> members = new TreeSet<>(ctx.cluster().members());
    members.add(ctx.cluster().nodeId());
    Map<String, Future<JsonObject>> asks = new LinkedHashMap<>();
    for (String node : members) {
      asks.put(node, ctx.vertx().eventBus().<JsonObject>request(Addresses.opsNode(node), new JsonObject(),
        new DeliveryOptions().setSendTimeout(NODE_TIMEOUT_MS)).map(Message::body));
    }
    return Future.join(new ArrayList<>(asks.values())).transform(ignored -> {
      List<JsonObject> answered = new ArrayList<>();
      List<String> unanswered = new ArrayList<>();
      asks.forEach((node, ask) -> {
        if (ask.succeeded()) answered.add(ask.result());
        else unanswered.add(node);
      });
      return Future.succeededFuture(new Statuses(answered, unanswered));
    });
  }

  // ---- bots ----

  /** Every registration, with the clients each has: the WS edges' counts (clients by bot and holder) summed. */
  private Future<JsonObject> bots(String prefix) {
    return Future.all(registry.list(prefix == null ? "" : prefix), statuses()).map(all -> {
      List<BotRegistration> bots = all.resultAt(0);
      Statuses statuses = all.resultAt(1);
      Map<String, Integer> clients = new HashMap<>();
      for (JsonObject status : statuses.answered()) {
        JsonObject section = status.getJsonObject("reports", new JsonObject()).getJsonObject(NodeReports.WNET_CLIENTS);
        if (section == null) continue;
        for (Object o : section.getJsonArray("bots", new JsonArray())) {
          JsonObject count = (JsonObject) o;
          clients.merge(count.getString("bot") + "@" + count.getString("conn"), count.getInteger("clients", 0), Integer::sum);
        }
      }
      JsonArray out = new JsonArray();
      for (BotRegistration bot : bots) {
        out.add(new JsonObject().put("name", bot.name()).put("account", bot.owner().account()).put("node", bot.owner().node())
          .put("conn", bot.owner().conn()).put("registeredAt", bot.registeredAt())
          .put("clients", clients.getOrDefault(bot.name() + "@" + bot.owner().conn(), 0)));
      }
      return new JsonObject().put("bots", out).put("unansweredNodes", new JsonArray(statuses.unanswered()));
    });
  }

  // ---- refusals and limits ----

  /** The refusal and takeover counters summed over the nodes that answered, and the limits in force here. */
  private Future<JsonObject> refusals() {
    return statuses().map(statuses -> {
      Map<String, JsonObject> sums = new LinkedHashMap<>();
      for (JsonObject status : statuses.answered()) {
        for (Object o : status.getJsonArray("counters", new JsonArray())) {
          JsonObject counter = (JsonObject) o;
          String series = counter.getString("meter") + counter.getJsonObject("tags", new JsonObject()).encode();
          sums.merge(series, counter.copy(), (a, b) -> a.put("count", a.getLong("count") + b.getLong("count")));
        }
      }
      ChatrelayConfig cfg = ctx.config().get();
      JsonObject limits = new JsonObject();
      for (String key : LIMITS) if (cfg.has(key)) limits.put(key, cfg.getLong(key));
      return new JsonObject().put("counters", new JsonArray(new ArrayList<>(sums.values()))).put("limits", limits)
        .put("unansweredNodes", new JsonArray(statuses.unanswered()));
    });
  }

  // ---- plumbing ----

  private Future<JsonObject> request(String address, JsonObject body) {
    return ctx.vertx().eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS))
      .map(Message::body);
  }

  /** A {@code chatrelay.admin.*} request, with an admin grant (the caller has checked the administrator's key). */
  private Future<JsonObject> admin(String address, JsonObject body) {
    return AdminRequests.request(ctx.vertx(), address, body, REQUEST_TIMEOUT_MS);
  }

  private void withId(RoutingContext rc, Function<Long, Future<JsonObject>> call) {
    long id;
    try {
      id = Long.parseLong(rc.pathParam("id"));
    } catch (NumberFormatException e) {
      fail(rc, 400, "bad-request", "the account id must be a whole number, not '" + rc.pathParam("id") + "'");
      return;
    }
    answer(rc, call.apply(id));
  }

  private void withBody(RoutingContext rc, Function<JsonObject, Future<JsonObject>> call, int status) {
    JsonObject body;
    try {
      body = rc.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      fail(rc, 400, "bad-request", "the request body must be a JSON object");
      return;
    }
    answer(rc, call.apply(body), status);
  }

  private void answer(RoutingContext rc, Future<JsonObject> result) {
    answer(rc, result, 200);
  }

  /** The result as JSON, or the event-bus failure with its own code (they are HTTP-like) and {@code {reason, text}}. */
  private void answer(RoutingContext rc, Future<JsonObject> result, int status) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        json(rc, status, ar.result());
        return;
      }
      BusFailure f = BusFailure.from(ar.cause());
      if (f.code() == BusFailure.INTERNAL) LOG.warn("operators' API {} {} failed: {}", rc.request().method(), rc.request().path(), f.text());
      json(rc, f.code(), f.toJson());
    });
  }

  private static void fail(RoutingContext rc, int status, String reason, String text) {
    json(rc, status, new JsonObject().put("reason", reason).put("text", text));
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    if (rc.response().ended()) return;
    rc.response().setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
      .putHeader("X-Content-Type-Options", "nosniff")
      .end(body.encode());
  }
}
