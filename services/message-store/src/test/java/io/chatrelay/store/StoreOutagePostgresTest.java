package io.chatrelay.store;

import io.chatrelay.shared.testing.Granted;
import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.ops.NodeOps;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.store.accounts.TestDatabases;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 item 5: the real PostgreSQL behind a proxy the test cuts. While it is cut every request is answered
 * 503 {@code store-unavailable} within the pool's timeouts, readiness is down, and the outage is logged once
 * (WARN) when it starts and once when it ends, with no ERROR line; once restored, requests succeed again.
 */
@ExtendWith(VertxExtension.class)
class StoreOutagePostgresTest {
  private static final long BOUND_MS = 3_000;

  private Vertx vertx;
  private CuttableProxy proxy;
  private ChatrelayConfig cfg;
  private int postgresPort;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void setUp(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    ChatrelayConfig direct = TestConfigs.postgres(TestConfigs.local());
    postgresPort = direct.getInt("database.postgres.port");
    proxy = new CuttableProxy(vertx, direct.getString("database.postgres.host"), postgresPort);
    proxy.start().onComplete(ctx.succeeding(port -> {
      cfg = direct.with("database.postgres.port", port).with("database.pool-size", 2)
        .with("database.connect-timeout-ms", 1000).with("database.acquire-timeout-ms", 1000);
      log.start();
      root.addAppender(log);
      ctx.completeNow();
    }));
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    root.detachAppender(log);
    // the schema is dropped on the server itself, not through the proxy
    proxy.close()
      .compose(v -> TestDatabases.dropSchema(vertx, cfg.with("database.postgres.port", postgresPort)))
      .onComplete(ctx.succeedingThenComplete());
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return Granted.request(vertx, address, body);
  }

  /** Fails unless {@code call} is refused 503 store-unavailable (with retryAfterMs) within the bound. */
  private Future<Void> unavailable(Supplier<Future<?>> call) {
    long started = System.nanoTime();
    return call.get().transform(ar -> {
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(ar.failed()).as("expected 503 store-unavailable, got %s", ar.result()).isTrue();
      BusFailure f = BusFailure.from(ar.cause());
      assertThat(f.code()).as(f.toString()).isEqualTo(BusFailure.UNAVAILABLE);
      assertThat(f.reason()).as(f.toString()).isEqualTo(MessageReasons.STORE_UNAVAILABLE);
      assertThat(f.details().getLong("retryAfterMs")).isEqualTo(2000L);
      assertThat(tookMs).as("answered within the pool's timeouts").isLessThan(BOUND_MS);
      return Future.succeededFuture();
    });
  }

  private Future<Boolean> ready() {
    return NodeOps.of(vertx).readiness().healthChecks().checkStatus().map(status -> status.getUp());
  }

  private List<String> lines(Level level) {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(log.list)) {
      if (e.getLevel() == level && e.getLoggerName().startsWith("io.chatrelay")) out.add(e.getFormattedMessage());
    }
    return out;
  }

  @Test
  void anOutageIsAnswered503AndLoggedOnceAndTheStoreRecovers(VertxTestContext ctx) {
    ServiceContext service = new ServiceContext(vertx, new LiveConfig(cfg), new LocalClusterView(), Clock.systemUTC());
    AccountInfo[] people = new AccountInfo[2];
    vertx.deployVerticle(new MessageStoreVerticle(service))
      .compose(id -> request(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "olga").put("role", "member")))
      .compose(olga -> request(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "shop").put("role", "professional"))
        .map(shop -> {
          people[0] = AccountInfo.fromJson(olga);
          people[1] = AccountInfo.fromJson(shop);
          return olga.getString("apiKey");
        }))
      .compose(apiKey -> request(Addresses.MESSAGES_SEND, new MessageRequest.Send(people[0], people[1].id(), "before").toJson())
        .compose(v -> ready()).map(up -> assertThat(up).isTrue())
        .compose(v -> proxy.cut())
        .compose(v -> {
          JsonObject login = new JsonObject().put("type", "token").put("apiKey", apiKey);
          Future<?> chain = Future.succeededFuture();
          for (int i = 0; i < 10; i++) {
            String text = "during " + i;
            chain = chain
              .compose(x -> unavailable(() -> request(Addresses.ACCOUNTS_AUTHENTICATE, login)))
              .compose(x -> unavailable(() -> request(Addresses.MESSAGES_SEND,
                new MessageRequest.Send(people[0], people[1].id(), text).toJson())))
              .compose(x -> unavailable(() -> request(Addresses.MESSAGES_UNREAD, new MessageRequest.Unread(people[1]).toJson())));
          }
          return chain;
        })
        .compose(v -> ready()).map(up -> assertThat(up).as("not ready during the outage").isFalse())
        .map(v -> {
          assertThat(lines(Level.WARN)).as("one WARN for the whole outage").hasSize(1)
            .allSatisfy(line -> assertThat(line).contains("database unreachable"));
          assertThat(lines(Level.ERROR)).isEmpty();
          return v;
        })
        .compose(v -> proxy.restore())
        .compose(v -> untilSent(people[0], people[1], System.currentTimeMillis() + 10_000)))
      .compose(v -> ready()).map(up -> assertThat(up).as("ready again").isTrue())
      .map(v -> {
        assertThat(lines(Level.WARN)).hasSize(1);
        assertThat(lines(Level.INFO).stream().filter(l -> l.contains("database reachable again"))).hasSize(1);
        assertThat(lines(Level.ERROR)).isEmpty();
        return v;
      })
      .onComplete(ctx.succeedingThenComplete());
  }

  /** Sends until a send succeeds (the pool reconnects), at most until {@code deadline}. */
  private Future<Void> untilSent(AccountInfo from, AccountInfo to, long deadline) {
    return request(Addresses.MESSAGES_SEND, new MessageRequest.Send(from, to.id(), "after").toJson()).<Void>mapEmpty()
      .recover(err -> {
        if (System.currentTimeMillis() > deadline) return Future.failedFuture(err);
        return vertx.timer(100).compose(t -> untilSent(from, to, deadline));
      });
  }
}
