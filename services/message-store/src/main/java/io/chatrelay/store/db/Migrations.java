package io.chatrelay.store.db;

import io.chatrelay.shared.config.ChatrelayConfig;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
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
 * Versioned schema migrations, applied in order at start, recorded in {@code schema_version}. The same SQL files
 * serve H2 and PostgreSQL (portable SQL only).
 * <p>
 * Replicas that start at once on one PostgreSQL schema must not migrate it together ({@code CREATE SCHEMA IF NOT
 * EXISTS} and {@code CREATE TABLE IF NOT EXISTS} are not safe against each other): everything runs in ONE
 * transaction that first takes a transaction-level advisory lock named after the schema
 * ({@code pg_advisory_xact_lock}), so the second replica waits, then finds the versions applied and does nothing.
 * The lock ends with the transaction, also when the process dies. H2 has one process on a database file (another
 * one goes through its {@code AUTO_SERVER}); if a migration fails there, the versions are read again and a run
 * that someone else completed counts as done.
 * <p>
 * To change the schema add a file {@code db/migration/V<n>__<what>.sql} and list it in {@link #ALL}; never edit
 * a migration that has shipped. A migration that differs between the databases (V4: PostgreSQL's send function)
 * is two files, {@code db/migration/postgres/V<n>__<what>.sql} and {@code db/migration/h2/V<n>__<what>.sql}
 * (which may hold only comments); a file of the database's own folder is taken before a shared one.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  /** First key of the advisory lock ("chat" in ASCII); the second is the schema name's hash. */
  private static final int LOCK_NAMESPACE = 0x63686174;

  /** Every migration, in order. */
  static final List<String> ALL = List.of(
    "V1__accounts.sql",
    "V2__messages.sql",
    "V3__message_client_id.sql",
    "V4__send_function.sql",
    "V5__account_event.sql");

  private Migrations() {
  }

  public static Future<Void> apply(Database db, ChatrelayConfig cfg) {
    boolean postgres = db.dialect() == SqlDialect.POSTGRES;
    String schema = postgres ? cfg.getString("database.postgres.schema") : null;
    if (postgres && !schema.matches("[a-z_][a-z0-9_]*")) {
      return Future.failedFuture(new IllegalArgumentException("database.postgres.schema must match [a-z_][a-z0-9_]*"));
    }
    Future<Void> migrated = db.pool().withTransaction(conn -> {
      Future<?> ready = Future.succeededFuture();
      if (postgres) {
        // the NOTICEs "already exists, skipping" of every restart are no news: the client logs them as WARN
        ready = conn.query("SET LOCAL client_min_messages TO warning").execute()
          .compose(v -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1, $2)").execute(Tuple.of(LOCK_NAMESPACE, schema.hashCode())))
          .compose(locked -> conn.query("CREATE SCHEMA IF NOT EXISTS " + schema).execute());
      }
      return ready
        .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS schema_version ("
          + "version INT PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)").execute())
        .compose(v -> applied(conn))
        .compose(done -> applyFrom(conn, db.dialect(), done, 0));
    });
    return migrated.recover(err -> applied(db.pool()).transform(ar -> ar.succeeded() && ar.result().size() >= ALL.size()
      ? Future.<Void>succeededFuture()     // another process applied them first
      : Future.<Void>failedFuture(new IllegalStateException("database migration failed: " + err.getMessage(), err))));
  }

  private static Future<Void> applyFrom(SqlConnection conn, SqlDialect dialect, Set<Integer> done, int index) {
    if (index >= ALL.size()) return Future.succeededFuture();
    String file = ALL.get(index);
    int version = index + 1;
    if (done.contains(version)) return applyFrom(conn, dialect, done, index + 1);
    return run(conn, statements(read(file, dialect)), 0)
      .compose(v -> conn.preparedQuery(dialect == SqlDialect.POSTGRES
          ? "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)"
          : "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)")
        .execute(Tuple.of(version, file, System.currentTimeMillis())))
      .onSuccess(v -> LOG.info("database migration {} applied", file))
      .compose(v -> applyFrom(conn, dialect, done, index + 1));
  }

  private static Future<Set<Integer>> applied(SqlClient client) {
    return client.query("SELECT version FROM schema_version").execute().map(rows -> {
      Set<Integer> out = new HashSet<>();
      for (Row r : rows) out.add(r.getInteger(0));
      return out;
    });
  }

  private static Future<Void> run(SqlConnection conn, List<String> statements, int i) {
    if (i >= statements.size()) return Future.succeededFuture();
    return conn.query(statements.get(i)).execute().compose(v -> run(conn, statements, i + 1));
  }

  /** The migration's text for {@code dialect}: its own folder's file if there is one, else the shared file. */
  static String read(String file, SqlDialect dialect) {
    String own = "db/migration/" + (dialect == SqlDialect.POSTGRES ? "postgres/" : "h2/") + file;
    return Migrations.class.getClassLoader().getResource(own) != null ? read(own) : read("db/migration/" + file);
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing migration " + resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Splits a migration into statements: each ends with ';' at the end of a line; '--' comment lines are dropped.
   * Between two {@code $$} (a function's body) lines ending with ';' do not end the statement.
   */
  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inBody = false;
    for (String line : sql.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) continue;
      cur.append(line).append('\n');
      if ((line.split("\\$\\$", -1).length - 1) % 2 == 1) inBody = !inBody;
      if (!inBody && trimmed.endsWith(";")) {
        String stmt = cur.toString().strip();
        out.add(stmt.substring(0, stmt.length() - 1));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) out.add(cur.toString().strip());
    return out;
  }
}
