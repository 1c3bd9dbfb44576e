package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.store.db.Database;
import io.chatrelay.store.db.Migrations;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The database layer as the accounts need it: migrations, durability, commits. */
@ExtendWith(VertxExtension.class)
class DatabaseTest {
  private static final String PASSWORD = "durable password";

  private TestDatabases databases;
  private final List<AccountStore> stores = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    databases = new TestDatabases(vertx);
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    Future.join(stores.stream().map(AccountStore::close).toList())
      .compose(v -> databases.closeAll())
      .onComplete(ctx.succeedingThenComplete());
  }

  private AccountStore store(Vertx vertx, Database db, ChatrelayConfig cfg) {
    AccountStore store = new AccountStore(vertx, db, cfg, Clock.systemUTC());
    stores.add(store);
    return store;
  }

  private static Future<List<String>> schemaVersions(Database db) {
    return db.pool().query("SELECT version, name, applied_at FROM schema_version ORDER BY version").execute()
      .map(rows -> {
        List<String> out = new ArrayList<>();
        for (Row r : rows) out.add(r.toJson().encode());
        return out;
      });
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void migratingAgainOrReopeningChangesNothing(Backend backend, Vertx vertx, VertxTestContext ctx) {
    ChatrelayConfig cfg = databases.config(backend);
    databases.open(cfg).compose(db -> store(vertx, db, cfg).create("kim", Role.MEMBER, PASSWORD)
      .compose(kim -> schemaVersions(db).compose(versions -> {
        assertThat(versions).isNotEmpty();
        return Migrations.apply(db, cfg)
          .compose(v -> schemaVersions(db))
          .map(again -> assertThat(again).isEqualTo(versions))
          // a second process (or a restart) on the same database
          .compose(v -> databases.open(cfg))
          .compose(second -> schemaVersions(second)
            .map(again -> assertThat(again).isEqualTo(versions))
            .compose(v -> store(vertx, second, cfg).authenticatePassword("kim", PASSWORD)))
          .map(found -> assertThat(found).isEqualTo(kim.account()));
      })))
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aFileDatabaseKeepsItsAccountsWhenReopened(@TempDir Path dir, Vertx vertx, VertxTestContext ctx) {
    ChatrelayConfig cfg = TestConfigs.local().with("node.data-dir", dir.toString()).with("database.embedded-file", "store");
    Database.open(vertx, cfg)
      .compose(db -> store(vertx, db, cfg).create("lena", Role.PROFESSIONAL, PASSWORD)
        .compose(lena -> schemaVersions(db).compose(versions -> db.close()
          .compose(v -> {
            assertThat(dir.resolve("store.mv.db")).exists();
            return databases.open(cfg);
          })
          .compose(reopened -> {
            AccountStore store = store(vertx, reopened, cfg);
            return schemaVersions(reopened)
              .map(again -> assertThat(again).isEqualTo(versions))
              .compose(v -> store.list())
              .map(list -> assertThat(list).extracting(Account::info).containsExactly(lena.account()))
              .compose(v -> store.authenticatePassword("lena", PASSWORD))
              .map(found -> assertThat(found).isEqualTo(lena.account()))
              .compose(v -> store.authenticateKey(lena.apiKey()))
              .map(found -> assertThat(found).isEqualTo(lena.account()));
          }))))
      .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Vert.x's JDBC client 5.0.10 left a connection in manual-commit mode after a transaction (the migrations run
   * in one): with a pool of one connection every later write would stay uncommitted, unseen by other connections.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void writesAfterATransactionAreCommittedAtOnce(Backend backend, Vertx vertx, VertxTestContext ctx) {
    ChatrelayConfig cfg = databases.config(backend).with("database.pool-size", 1);
    databases.open(cfg)
      .compose(db -> db.pool().withTransaction(conn -> conn.query("SELECT 1").execute())
        .compose(v -> store(vertx, db, cfg).create("mona", Role.MEMBER, null)))
      .compose(mona -> databases.open(cfg).compose(other -> store(vertx, other, cfg).authenticateKey(mona.apiKey()))
        .map(found -> assertThat(found).isEqualTo(mona.account())))
      .onComplete(ctx.succeedingThenComplete());
  }
}
