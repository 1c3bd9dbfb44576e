package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.shared.testing.TestPorts;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The operators' JSON API on the admin port of a real {@link ChatrelayServer} running all four services. */
@ExtendWith(VertxExtension.class)
class OperatorsApiTest {
  private static final String KEY = "operators-test-key-0123456789";
  private final List<ChatrelayServer> running = new ArrayList<>();

  record Reply(int status, String contentType, String text) {
    JsonObject json() {
      return new JsonObject(text);
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (ChatrelayServer server : running) server.stop().otherwiseEmpty().await(30, TimeUnit.SECONDS);
  }

  private ChatrelayConfig start(String adminKey) throws Exception {
    ChatrelayConfig cfg = TestConfigs.local()
      .with("admin.host", "127.0.0.1")
      .with("admin.port", TestPorts.free())
      .with("shutdown.drain-seconds", 0)
      .with("wnet.takeover-window-ms", 200)
      .with("tchatator.admin-api-key", adminKey);
    running.add(ChatrelayServer.start(cfg, List.of(ServiceCatalog.values()), () -> cfg, null).await(60, TimeUnit.SECONDS));
    return cfg;
  }

  @Test
  void everyEndpointNeedsTheAdministratorsKey(Vertx vertx) throws Exception {
    ChatrelayConfig cfg = start(KEY);
    HttpClient http = vertx.createHttpClient();
    int admin = cfg.getInt("admin.port");
    for (String path : List.of("/api/nodes", "/api/bots", "/api/accounts", "/api/refusals", "/api/nowhere")) {
      Reply none = call(http, admin, HttpMethod.GET, path, null, null);
      assertThat(none.status()).as(path).isEqualTo(401);
      assertThat(none.contentType()).startsWith("application/json");
      assertThat(none.json().getString("reason")).isEqualTo("unauthenticated");
      assertThat(none.json().getString("text")).contains("Authorization: Bearer");
      Reply wrong = call(http, admin, HttpMethod.GET, path, KEY + "x", null);
      assertThat(wrong.status()).as(path).isEqualTo(401);
      assertThat(wrong.json().getString("text")).isEqualTo("wrong administrator key");
    }
    assertThat(call(http, admin, HttpMethod.POST, "/api/accounts", null, new JsonObject().put("name", "sneaky").put("role", "admin"))
      .status()).isEqualTo(401);
    assertThat(call(http, admin, HttpMethod.POST, "/api/bots/Any/kick", "Bearer-less", null).status()).isEqualTo(401);
    assertThat(call(http, admin, HttpMethod.GET, "/api/nowhere", KEY, null).status()).isEqualTo(404);
    // the page itself is static and carries no data: it is served without the key, and asks for it
    Reply page = call(http, admin, HttpMethod.GET, "/", null, null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text()).contains("/console/operators.js");
    // never on the public port
    assertThat(call(http, cfg.getInt("wnet.port"), HttpMethod.GET, "/api/nodes", KEY, null).status()).isEqualTo(426);
    assertThat(call(http, cfg.getInt("wnet.port"), HttpMethod.GET, "/console/operators.js", null, null).status()).isEqualTo(426);
  }

  @Test
  void withoutAnAdministratorKeyTheApiIsDisabled(Vertx vertx) throws Exception {
    ChatrelayConfig cfg = start("");
    HttpClient http = vertx.createHttpClient();
    Reply reply = call(http, cfg.getInt("admin.port"), HttpMethod.GET, "/api/nodes", "", null);
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().getString("reason")).isEqualTo("api-disabled");
    assertThat(reply.json().getString("text")).contains("tchatator.admin-api-key");
  }

  @Test
  void nodesBotsKickAccountsAndRefusals(Vertx vertx) throws Exception {
    ChatrelayConfig cfg = start(KEY);
    HttpClient http = vertx.createHttpClient();
    int admin = cfg.getInt("admin.port");
    int wnet = cfg.getInt("wnet.port");

    JsonObject nodes = ok(call(http, admin, HttpMethod.GET, "/api/nodes", KEY, null));
    assertThat(nodes.getJsonArray("nodes")).hasSize(1);
    JsonObject node = nodes.getJsonArray("nodes").getJsonObject(0);
    assertThat(node.getJsonArray("services")).containsExactly("message-store", "bot-registry", "ws-edge", "tcp-edge");
    assertThat(node.getLong("uptimeMs")).isPositive();
    assertThat(nodes.getJsonArray("unanswered")).isEmpty();

    // accounts: create (the key shown once), list
    Reply created = call(http, admin, HttpMethod.POST, "/api/accounts", KEY,
      new JsonObject().put("name", "botowner").put("role", "member").put("password", "botowner-pass"));
    assertThat(created.status()).isEqualTo(201);
    String apiKey = created.json().getString("apiKey");
    long ownerId = created.json().getLong("id");
    assertThat(apiKey).hasSize(64);
    JsonArray accounts = ok(call(http, admin, HttpMethod.GET, "/api/accounts", KEY, null)).getJsonArray("accounts");
    assertThat(accounts).hasSize(1);
    assertThat(accounts.getJsonObject(0).encode()).contains("\"name\":\"botowner\"").doesNotContain(apiKey);
    Reply taken = call(http, admin, HttpMethod.POST, "/api/accounts", KEY, new JsonObject().put("name", "BOTOWNER").put("role", "member"));
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.json().getString("reason")).isEqualTo("name-taken");
    assertThat(call(http, admin, HttpMethod.POST, "/api/accounts", KEY, null).status()).isEqualTo(400);

    // a bot with two clients; a second bot claims its name and wins the takeover (the first never answers isalive)
    try (WnetSocket bot = WnetSocket.connect(vertx, wnet, apiKey); WnetSocket one = WnetSocket.connect(vertx, wnet, null);
         WnetSocket two = WnetSocket.connect(vertx, wnet, null); WnetSocket next = WnetSocket.connect(vertx, wnet, apiKey)) {
      bot.send("add@Helper").expect("info@You added as bot");
      one.send("connect@Helper").expect("connectedto@Helper");
      two.send("connect@Helper").expect("connectedto@Helper");
      JsonObject listed = awaitJson(http, admin, "/api/bots", r -> r.getJsonArray("bots").size() == 1
        && r.getJsonArray("bots").getJsonObject(0).getInteger("clients") == 2);
      JsonObject helper = listed.getJsonArray("bots").getJsonObject(0);
      assertThat(helper.getString("name")).isEqualTo("Helper");
      assertThat(helper.getString("account")).isEqualTo("botowner");
      assertThat(helper.getString("node")).isEqualTo(node.getString("nodeId"));
      assertThat(helper.getLong("registeredAt")).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());

      // kicking frees the name at once, whoever holds it
      JsonObject kicked = ok(call(http, admin, HttpMethod.POST, "/api/bots/Helper/kick", KEY, null));
      assertThat(kicked.getJsonObject("kicked").getString("name")).isEqualTo("Helper");
      // the kicked bot's connection is closed with the reason, and its clients are told it is gone
      assertThat(bot.awaitClose()).isEqualTo("1008 Kicked: an operator freed the bot name Helper");
      one.expect("disconnectedfrom@Helper");
      two.expect("disconnectedfrom@Helper");
      assertThat(ok(call(http, admin, HttpMethod.GET, "/api/bots", KEY, null)).getJsonArray("bots")).isEmpty();
      next.send("add@Helper").expect("info@You added as bot");
      Reply again = call(http, admin, HttpMethod.POST, "/api/bots/Nobody/kick", KEY, null);
      assertThat(again.status()).isEqualTo(404);
      assertThat(again.json().getString("reason")).isEqualTo("unknown-bot");

      // a takeover, counted: the newcomer waits for the holder's isalive window, then holds the name
      try (WnetSocket third = WnetSocket.connect(vertx, wnet, apiKey)) {
        third.send("add@Helper").expect("error@Such bot connected. Sending ping to confirm that bot is alive.");
        next.expect("isalive");
        third.expect("info@You added as bot");
        JsonObject refusals = ok(call(http, admin, HttpMethod.GET, "/api/refusals", KEY, null));
        assertThat(refusals.getJsonArray("counters").stream().map(JsonObject.class::cast)
          .filter(c -> c.getString("meter").equals(ChatrelayMeters.PROMETHEUS_TAKEOVERS))
          .map(c -> c.getJsonObject("tags").getString("outcome") + "=" + c.getLong("count")).toList())
          .containsExactly("taken-over=1");
        assertThat(refusals.getJsonObject("limits").getLong("wnet.max-frame-bytes")).isEqualTo(cfg.getLong("wnet.max-frame-bytes"));
        assertThat(refusals.getJsonObject("limits").getLong("tchatator.max-messages-per-minute"))
          .isEqualTo(cfg.getLong("tchatator.max-messages-per-minute"));
      }
    }

    // keys and bans, through the message store with the settings-file administrator as actor
    JsonObject rotated = ok(call(http, admin, HttpMethod.POST, "/api/accounts/" + ownerId + "/rotate-key", KEY, null));
    assertThat(rotated.getString("name")).isEqualTo("botowner");
    assertThat(rotated.getString("apiKey")).hasSize(64).isNotEqualTo(apiKey);
    JsonObject banned = ok(call(http, admin, HttpMethod.POST, "/api/accounts/" + ownerId + "/ban", KEY, null));
    assertThat(banned.getLong("userId")).isEqualTo(ownerId);
    assertThat(banned.getLong("setBy")).isZero();
    ok(call(http, admin, HttpMethod.POST, "/api/accounts/" + ownerId + "/unban", KEY, null));
    Reply notBanned = call(http, admin, HttpMethod.POST, "/api/accounts/" + ownerId + "/unban", KEY, null);
    assertThat(notBanned.status()).isEqualTo(404);
    assertThat(notBanned.json().getString("reason")).isEqualTo("not-banned");
    assertThat(call(http, admin, HttpMethod.POST, "/api/accounts/999/rotate-key", KEY, null).status()).isEqualTo(404);
    Reply badId = call(http, admin, HttpMethod.POST, "/api/accounts/abc/ban", KEY, null);
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.json().getString("text")).contains("'abc'");
  }

  private static JsonObject ok(Reply reply) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json();
  }

  /** Asks {@code path} every 100 ms until the reply matches (the edges' client counts follow the connects). */
  private static JsonObject awaitJson(HttpClient http, int port, String path, Predicate<JsonObject> wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = ok(call(http, port, HttpMethod.GET, path, KEY, null));
      if (wanted.test(last)) return last;
      Thread.sleep(100);
    }
    throw new AssertionError(path + " never matched; last reply " + last);
  }

  static Reply call(HttpClient http, int port, HttpMethod method, String path, String key, JsonObject body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    if (key != null) options.putHeader("Authorization", "Bearer " + key);
    return http.request(options)
      .compose(req -> body == null ? req.send() : req.putHeader("Content-Type", "application/json").send(body.encode()))
      .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.getHeader("Content-Type"), b.toString())))
      .await(10, TimeUnit.SECONDS);
  }
}
