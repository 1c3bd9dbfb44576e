package io.chatrelay.store;

import io.chatrelay.shared.testing.Granted;
import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.MessageView;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.store.db.Database;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 item 12: the store's stop unregisters its consumers first, lets the requests in flight finish (at most
 * {@code database.stop-grace-ms}), then closes the pool. A send held up by a row lock the test holds is in flight
 * while the store stops; it must be answered. (The bound of the wait: {@code StoreRequestsTest}.)
 */
@ExtendWith(VertxExtension.class)
class StoreStopPostgresTest {
  private static final long WAIT_MS = 10_000;

  private Vertx vertx;
  private ChatrelayConfig cfg;
  private Database helper;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    cfg = TestConfigs.postgres(TestConfigs.local());
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    if (helper == null) {
      ctx.completeNow();
      return;
    }
    helper.pool().query("DROP SCHEMA " + cfg.getString("database.postgres.schema") + " CASCADE").execute()
      .eventually(helper::close).onComplete(ctx.succeedingThenComplete());
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return Granted.request(vertx, address, body);
  }

  /** A deployed store, two accounts made through it, and the helper pool. */
  private Future<String> deploy(long graceMs, AccountInfo[] people) {
    ServiceContext ctx = new ServiceContext(vertx, new LiveConfig(cfg.with("database.stop-grace-ms", graceMs)),
      new LocalClusterView(), Clock.systemUTC());
    return vertx.deployVerticle(new MessageStoreVerticle(ctx)).compose(id -> Database.open(vertx, cfg)
      .compose(db -> {
        helper = db;
        return request(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "mia").put("role", "member"));
      })
      .compose(mia -> request(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "bakery").put("role", "professional"))
        .map(bakery -> {
          people[0] = AccountInfo.fromJson(mia);
          people[1] = AccountInfo.fromJson(bakery);
          return id;
        })));
  }

  /** A transaction of the helper pool holding {@code account}'s row lock (a send of that user waits for it). */
  private record Held(SqlConnection conn, Transaction tx, int pid) {
  }

  private Future<Held> holdRowLock(AccountInfo account) {
    return helper.pool().getConnection().compose(conn -> conn.begin()
      .compose(tx -> conn.query("SELECT pg_backend_pid()").execute()
        .compose(pid -> conn.preparedQuery("SELECT id FROM account WHERE id = $1 FOR UPDATE").execute(Tuple.of(account.id()))
          .map(locked -> new Held(conn, tx, pid.iterator().next().getInteger(0))))));
  }

  /** Until some session waits for the lock {@code held} holds. */
  private Future<Void> someoneWaitsFor(Held held) {
    return until(() -> helper.pool().preparedQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))")
      .execute(Tuple.of(held.pid())).map(rows -> rows.iterator().next().getLong(0) > 0));
  }

  /** Until the store no longer takes requests (its consumers are gone). */
  private Future<Void> consumersGone(AccountInfo someone) {
    return until(() -> request(Addresses.MESSAGES_UNREAD, new MessageRequest.Unread(someone).toJson())
      .transform(ar -> Future.succeededFuture(ar.failed() && BusFailure.from(ar.cause()).reason().equals("unavailable"))));
  }

  private Future<Void> until(Supplier<Future<Boolean>> condition) {
    return Conditions.until(vertx, WAIT_MS, condition);
  }

  @Test
  void aRequestInFlightWhenTheStoreStopsIsAnswered(VertxTestContext ctx) {
    AccountInfo[] people = new AccountInfo[2];
    deploy(5_000, people).compose(id -> holdRowLock(people[0]).compose(held -> {
      Future<JsonObject> sent = request(Addresses.MESSAGES_SEND,
        new MessageRequest.Send(people[0], people[1].id(), "sent while the store stops").toJson());
      return someoneWaitsFor(held).compose(v -> {
        Future<Void> undeployed = vertx.undeploy(id);
        return consumersGone(people[0])
          .map(v2 -> {
            assertThat(undeployed.isComplete()).as("stop waits for the send in flight").isFalse();
            return v2;
          })
          .compose(v2 -> held.tx().commit())
          .eventually(held.conn()::close)
          .compose(v2 -> sent)
          .map(reply -> assertThat(MessageView.fromJson(reply.getJsonObject("message")).content())
            .isEqualTo("sent while the store stops"))
          .compose(v2 -> undeployed);
      });
    }))
      .compose(v -> helper.pool().query("SELECT COUNT(*) FROM message").execute())
      .map(rows -> assertThat(rows.iterator().next().getLong(0)).isEqualTo(1))
      .onComplete(ctx.succeedingThenComplete());
  }
}
