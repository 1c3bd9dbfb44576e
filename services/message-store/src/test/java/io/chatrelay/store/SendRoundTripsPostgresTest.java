package io.chatrelay.store;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.store.accounts.TestDatabases;

import io.chatrelay.shared.testing.Granted;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8 item 1: on PostgreSQL a Tchatator send is ONE round trip (V4's {@code chatrelay_send} in autocommit
 * mode), and so are a refused send, a replayed send, a delete, an unread and a mark-read. The store's connections
 * go through a proxy that counts what the client asks the database ({@link PgRoundTrips}: every Sync and simple
 * Query); one pooled connection, each kind of request made once before counting (a statement's first use on a
 * connection also prepares it). Before issue 8 a send was 8 (BEGIN, 6 statements, COMMIT).
 */
@ExtendWith(VertxExtension.class)
class SendRoundTripsPostgresTest {
  private Vertx vertx;
  private CuttableProxy proxy;
  private final PgRoundTrips trips = new PgRoundTrips();
  private ChatrelayConfig cfg;
  private int postgresPort;

  @BeforeEach
  void setUp(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    ChatrelayConfig direct = TestConfigs.postgres(TestConfigs.local());
    postgresPort = direct.getInt("database.postgres.port");
    proxy = new CuttableProxy(vertx, direct.getString("database.postgres.host"), postgresPort)
      .tapUpstream(trips::newConnection);
    proxy.start().onComplete(ctx.succeeding(port -> {
      cfg = direct.with("database.postgres.port", port).with("database.pool-size", 1)
        // the account-event poll would be counted among the round trips
        .with("accounts.event-poll-ms", 0)
        .with("tchatator.max-messages-per-minute", 1000).with("tchatator.max-messages-per-hour", 1000);
      ctx.completeNow();
    }));
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    // the schema is dropped on the server itself, not through the proxy
    proxy.close()
      .compose(v -> TestDatabases.dropSchema(vertx, cfg.with("database.postgres.port", postgresPort)))
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aSendIsOneRoundTrip(VertxTestContext ctx) {
    ServiceContext service = new ServiceContext(vertx, new LiveConfig(cfg), new LocalClusterView(), Clock.systemUTC());
    AccountInfo[] people = new AccountInfo[2];
    vertx.deployVerticle(new MessageStoreVerticle(service))
      .compose(id -> account("olga", "member")).map(olga -> people[0] = olga)
      .compose(v -> account("shop", "professional")).map(shop -> people[1] = shop)
      .compose(v -> everyKindOnce(people[0], people[1], "warm-up"))
      .compose(v -> {
        AccountInfo olga = people[0];
        AccountInfo shop = people[1];
        return roundTrips(() -> send(olga, shop, "plain", null)).map(n -> assertThat(n).as("a send").isEqualTo(1))
          .compose(v2 -> roundTrips(() -> send(olga, shop, "keyed", "key-1")))
          .map(n -> assertThat(n).as("a send with a client id").isEqualTo(1))
          .compose(v2 -> roundTrips(() -> send(olga, shop, "again", "key-1")
            .map(reply -> assertThat(reply.getBoolean("replayed")).isTrue())))
          .map(n -> assertThat(n).as("a replayed send").isEqualTo(1))
          .compose(v2 -> roundTrips(() -> refused(send(olga, olga, "to myself", null), MessageReasons.RECIPIENT_NOT_ALLOWED)))
          .map(n -> assertThat(n).as("a refused send").isEqualTo(1))
          .compose(v2 -> roundTrips(() -> {
            Future<?> ten = Future.succeededFuture();
            for (int i = 0; i < 10; i++) {
              String text = "burst " + i;
              ten = ten.compose(x -> send(olga, shop, text, null));
            }
            return ten;
          }))
          .map(n -> assertThat(n).as("ten sends").isEqualTo(10))
          .compose(v2 -> send(olga, shop, "to delete", null))
          .compose(sent -> roundTrips(() -> request(Addresses.MESSAGES_DELETE,
            new MessageRequest.Delete(olga, sent.getJsonObject("message").getLong("id")).toJson())))
          .map(n -> assertThat(n).as("a delete").isEqualTo(1))
          .compose(v2 -> roundTrips(() -> request(Addresses.MESSAGES_UNREAD, new MessageRequest.Unread(shop).toJson())))
          .map(n -> assertThat(n).as("an unread").isEqualTo(1))
          .compose(v2 -> roundTrips(() -> request(Addresses.MESSAGES_MARK_READ,
            new MessageRequest.MarkRead(shop, List.of(1L, 2L, 3L)).toJson())))
          .map(n -> assertThat(n).as("a mark-read").isEqualTo(1));
      })
      .onComplete(ctx.succeedingThenComplete());
  }

  /** One request of each kind counted above (each statement's first use prepares it on the connection). */
  private Future<?> everyKindOnce(AccountInfo from, AccountInfo to, String text) {
    return send(from, to, text, null)
      .compose(v -> send(from, to, text, "warm-key"))
      .compose(v -> send(from, to, text, "warm-key"))
      .compose(v -> refused(send(from, from, text, null), MessageReasons.RECIPIENT_NOT_ALLOWED))
      .compose(sent -> send(from, to, text, null))
      .compose(sent -> request(Addresses.MESSAGES_DELETE,
        new MessageRequest.Delete(from, sent.getJsonObject("message").getLong("id")).toJson()))
      .compose(v -> request(Addresses.MESSAGES_UNREAD, new MessageRequest.Unread(to).toJson()))
      .compose(v -> request(Addresses.MESSAGES_MARK_READ, new MessageRequest.MarkRead(to, List.of(1L)).toJson()));
  }

  /** How many round trips {@code work} made. */
  private Future<Long> roundTrips(Supplier<Future<?>> work) {
    long before = trips.count();
    return work.get().map(v -> trips.count() - before);
  }

  private Future<AccountInfo> account(String name, String role) {
    return request(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", name).put("role", role))
      .map(AccountInfo::fromJson);
  }

  private Future<JsonObject> send(AccountInfo from, AccountInfo to, String text, String clientId) {
    return request(Addresses.MESSAGES_SEND, new MessageRequest.Send(from, to.id(), text, clientId).toJson());
  }

  private static Future<JsonObject> refused(Future<JsonObject> f, String reason) {
    return f.transform(ar -> {
      assertThat(ar.failed()).as("expected a refusal, got %s", ar.result()).isTrue();
      assertThat(BusFailure.from(ar.cause()).reason()).isEqualTo(reason);
      return Future.succeededFuture(new JsonObject());
    });
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return Granted.request(vertx, address, body);
  }
}
