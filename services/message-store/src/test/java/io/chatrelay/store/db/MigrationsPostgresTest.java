package io.chatrelay.store.db;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 item 12: two message-store replicas starting at once on a fresh PostgreSQL schema (two pools migrating
 * at the same moment) both start, and every migration is applied exactly once. Ten rounds, a fresh schema each.
 */
@ExtendWith(VertxExtension.class)
class MigrationsPostgresTest {
  private static final int ROUNDS = 10;

  @Test
  void twoReplicasStartingAtOnceOnAFreshSchemaBothStart(Vertx vertx, VertxTestContext ctx) {
    Future<?> chain = Future.succeededFuture();
    for (int i = 0; i < ROUNDS; i++) {
      int round = i;
      chain = chain.compose(v -> round(vertx, round));
    }
    chain.onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> round(Vertx vertx, int round) {
    ChatrelayConfig cfg = TestConfigs.postgres(TestConfigs.local());
    List<Future<Database>> opened = List.of(Database.open(vertx, cfg), Database.open(vertx, cfg));
    return Future.join(opened).transform(all -> {
      List<Database> dbs = opened.stream().filter(Future::succeeded).map(Future::result).toList();
      Future<Void> checked = all.succeeded()
        ? versions(dbs.get(0)).map(versions -> {
          assertThat(versions).as("round %d", round).containsExactlyElementsOf(
            IntStream.rangeClosed(1, Migrations.ALL.size()).boxed().toList());
          return null;
        })
        : Future.failedFuture(new AssertionError("round " + round + ": a replica failed to start: "
          + opened.stream().filter(Future::failed).map(f -> f.cause().toString()).toList(), all.cause()));
      return checked.eventually(() -> cleanUp(vertx, cfg, dbs));
    });
  }

  private static Future<List<Integer>> versions(Database db) {
    return db.pool().query("SELECT version FROM schema_version ORDER BY version").execute().map(rows -> {
      List<Integer> out = new ArrayList<>();
      for (Row r : rows) out.add(r.getInteger(0));
      return out;
    });
  }

  private static Future<Void> cleanUp(Vertx vertx, ChatrelayConfig cfg, List<Database> dbs) {
    Database admin = Database.create(vertx, cfg);
    return admin.pool().query("DROP SCHEMA IF EXISTS " + cfg.getString("database.postgres.schema") + " CASCADE").execute()
      .eventually(admin::close)
      .eventually(() -> Future.join(dbs.stream().map(Database::close).toList()))
      .mapEmpty();
  }
}
