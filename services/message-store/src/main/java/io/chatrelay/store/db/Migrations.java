package io.chatrelay.store.db;

import io.chatrelay.shared.config.ChatrelayConfig;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Versioned schema migrations, applied in order at start, each in its own transaction, recorded in
 * {@code schema_version}. The same SQL files serve H2 and PostgreSQL (portable SQL only). Two processes that
 * start at once both try; the loser's transaction fails on the version's primary key, it re-reads and goes on.
 * <p>
 * To change the schema add a file {@code db/migration/V<n>__<what>.sql} and list it in {@link #ALL}; never edit
 * a migration that has shipped.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** Every migration, in order. */
  static final List<String> ALL = List.of(
    "V1__accounts.sql",
    "V2__messages.sql");

  private Migrations() {
  }

  public static Future<Void> apply(Database db, ChatrelayConfig cfg) {
    Future<Void> ready = Future.succeededFuture();
    if (db.dialect() == SqlDialect.POSTGRES) {
      String schema = cfg.getString("database.postgres.schema");
      if (!schema.matches("[a-z_][a-z0-9_]*")) {
        return Future.failedFuture(new IllegalArgumentException("database.postgres.schema must match [a-z_][a-z0-9_]*"));
      }
      ready = db.pool().query("CREATE SCHEMA IF NOT EXISTS " + schema).execute().mapEmpty();
    }
    return ready
      .compose(v -> db.pool().query("CREATE TABLE IF NOT EXISTS schema_version ("
        + "version INT PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)").execute())
      .compose(v -> applyFrom(db, 0));
  }

  private static Future<Void> applyFrom(Database db, int index) {
    if (index >= ALL.size()) return Future.succeededFuture();
    String file = ALL.get(index);
    int version = index + 1;
    return applied(db).compose(done -> {
      if (done.contains(version)) return applyFrom(db, index + 1);
      List<String> statements = statements(read(file));
      return db.pool().withTransaction(conn -> run(conn, statements, 0)
          .compose(v -> conn.preparedQuery(db.dialect() == SqlDialect.POSTGRES
              ? "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)"
              : "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)")
            .execute(Tuple.of(version, file, System.currentTimeMillis()))))
        .<Void>mapEmpty()
        .onSuccess(v -> LOG.info("database migration {} applied", file))
        .recover(err -> applied(db).compose(now -> now.contains(version)
          ? Future.<Void>succeededFuture()     // another process applied it first
          : Future.<Void>failedFuture(new IllegalStateException("migration " + file + " failed: " + err.getMessage(), err))))
        .compose(v -> applyFrom(db, index + 1));
    });
  }

  private static Future<Set<Integer>> applied(Database db) {
    return db.pool().query("SELECT version FROM schema_version").execute().map(rows -> {
      Set<Integer> out = new HashSet<>();
      for (Row r : rows) out.add(r.getInteger(0));
      return out;
    });
  }

  private static Future<Void> run(SqlConnection conn, List<String> statements, int i) {
    if (i >= statements.size()) return Future.succeededFuture();
    return conn.query(statements.get(i)).execute().compose(v -> run(conn, statements, i + 1));
  }

  static String read(String file) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream("db/migration/" + file)) {
      if (in == null) throw new IllegalStateException("missing migration db/migration/" + file);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Splits a migration into statements: each ends with ';' at the end of a line; '--' comment lines are dropped. */
  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : sql.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) continue;
      cur.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String stmt = cur.toString().strip();
        out.add(stmt.substring(0, stmt.length() - 1));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) out.add(cur.toString().strip());
    return out;
  }
}
