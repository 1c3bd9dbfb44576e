package io.chatrelay.store.db;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.shared.testing.TestPorts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SqlErrors#isUnavailable} on the failures the real clients produce: an outage (refused connection, no
 * free connection in time, a closed H2 database) versus a statement's own error (a bug, kept 500).
 */
@ExtendWith(VertxExtension.class)
class SqlErrorsTest {

  /** The failure of {@code f}, which must fail. */
  private static Future<Throwable> failureOf(Future<?> f) {
    return f.transform(ar -> {
      assertThat(ar.failed()).as("expected a failure, got %s", ar.result()).isTrue();
      return Future.succeededFuture(ar.cause());
    });
  }

  @Test
  void aRefusedPostgresConnectionIsAnOutage(Vertx vertx, VertxTestContext ctx) {
    ChatrelayConfig cfg = TestConfigs.postgres(TestConfigs.local()).with("database.postgres.port", TestPorts.free());
    Database db = Database.create(vertx, cfg);
    failureOf(db.pool().query("SELECT 1").execute())
      .map(err -> assertThat(SqlErrors.isUnavailable(err)).as(err.toString()).isTrue())
      .eventually(db::close)
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void noFreeConnectionWithinTheAcquireTimeoutIsAnOutage(Vertx vertx, VertxTestContext ctx) {
    ChatrelayConfig cfg = TestConfigs.postgres(TestConfigs.local()).with("database.pool-size", 1)
      .with("database.acquire-timeout-ms", 200);
    Database db = Database.create(vertx, cfg);
    db.pool().getConnection().compose(held -> failureOf(db.pool().query("SELECT 1").execute())
        .map(err -> assertThat(SqlErrors.isUnavailable(err)).as(err.toString()).isTrue())
        .eventually(held::close))
      .eventually(db::close)
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aPostgresStatementErrorIsNoOutage(Vertx vertx, VertxTestContext ctx) {
    Database db = Database.create(vertx, TestConfigs.postgres(TestConfigs.local()));
    failureOf(db.pool().query("SELEC 1").execute())
      .map(err -> assertThat(SqlErrors.isUnavailable(err)).as(err.toString()).isFalse())
      .compose(v -> failureOf(db.pool().query("SELECT * FROM no_such_table").execute()))
      .map(err -> assertThat(SqlErrors.isUnavailable(err)).as(err.toString()).isFalse())
      .eventually(db::close)
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aClosedH2DatabaseIsAnOutageAndItsStatementErrorsAreNot(Vertx vertx, VertxTestContext ctx) {
    Database db = Database.create(vertx, TestConfigs.local().with("database.pool-size", 1));
    failureOf(db.pool().query("SELEC 1").execute())
      .map(err -> assertThat(SqlErrors.isUnavailable(err)).as(err.toString()).isFalse())
      .compose(v -> db.pool().getConnection().compose(conn -> conn.query("SHUTDOWN").execute()
        .transform(ar -> failureOf(conn.query("SELECT 1").execute()))
        .eventually(conn::close)))
      .map(err -> assertThat(SqlErrors.isUnavailable(err)).as(err.toString()).isTrue())
      .eventually(db::close)
      .onComplete(ctx.succeedingThenComplete());
  }
}
