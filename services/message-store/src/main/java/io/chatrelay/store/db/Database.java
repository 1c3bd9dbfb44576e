package io.chatrelay.store.db;

import io.chatrelay.shared.config.ChatrelayConfig;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The message store's connection pool: the embedded H2 database (through Vert.x's JDBC client, which runs the
 * blocking JDBC calls on worker threads) or PostgreSQL (vertx-pg-client, non-blocking). Both are a Vert.x
 * {@link Pool}; queries are written once with {@code SqlTemplate} ({@code #{name}} parameters).
 * <p>
 * A database that cannot be reached must be noticed in seconds, not after the clients' defaults (60 s to connect,
 * 30 s to wait for a connection): {@code database.connect-timeout-ms} bounds a new connection,
 * {@code database.acquire-timeout-ms} the wait for a free one; both failures are outages
 * ({@link SqlErrors#isUnavailable}).
 */
public final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final int H2_QUERY_CACHE_SIZE = 64;

  private final Pool pool;
  private final SqlDialect dialect;
  private final String description;
  private final Runnable onClose;

  private Database(Pool pool, SqlDialect dialect, String description, Runnable onClose) {
    this.pool = pool;
    this.dialect = dialect;
    this.description = description;
    this.onClose = onClose;
  }

  public Pool pool() {
    return pool;
  }

  public SqlDialect dialect() {
    return dialect;
  }

  /** Where the data is, for logs (never the password). */
  public String description() {
    return description;
  }

  /** Opens the pool the settings describe and applies the migrations; closes it again if they fail. */
  public static Future<Database> open(Vertx vertx, ChatrelayConfig cfg) {
    Database db = create(vertx, cfg);
    LOG.info("database: {}", db.description());
    return Migrations.apply(db, cfg).map(db)
      .recover(err -> db.close().transform(closed -> Future.failedFuture(err)));
  }

  static Database create(Vertx vertx, ChatrelayConfig cfg) {
    PoolOptions poolOptions = new PoolOptions().setMaxSize(cfg.getInt("database.pool-size"))
      .setConnectionTimeout(cfg.getInt("database.acquire-timeout-ms")).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    String kind = cfg.getString("database.kind");
    switch (kind) {
      case "embedded": {
        String file = cfg.getString("database.embedded-file");
        String target;
        if (file.startsWith("mem:")) {
          target = file + ";DB_CLOSE_DELAY=-1";
        } else {
          Path path = Path.of(file);
          if (!path.isAbsolute()) path = Path.of(cfg.getString("node.data-dir")).resolve(path);
          // AUTO_SERVER lets the `accounts` command use the file while `serve` holds it open;
          // WRITE_DELAY=0 makes every commit durable before it is acknowledged.
          target = "file:" + path.toAbsolutePath() + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
        }
        // QUERY_CACHE_SIZE: each session keeps the parsed form of this many statement texts (H2's default, 8, is
        // fewer than the store's statements, so they were parsed again and again)
        String url = "jdbc:h2:" + target + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
          + ";QUERY_CACHE_SIZE=" + H2_QUERY_CACHE_SIZE;
        JdbcConnectionPool ds = JdbcConnectionPool.create(url, "sa", "");
        ds.setMaxConnections(poolOptions.getMaxSize());
        // seconds, at least 1: how long H2's own pool lets a caller wait for a connection
        ds.setLoginTimeout(Math.max(1, (cfg.getInt("database.acquire-timeout-ms") + 999) / 1000));
        return new Database(JDBCPool.pool(vertx, AutoCommitRestoring.wrap(ds), poolOptions), SqlDialect.H2,
          "embedded H2 " + target, ds::dispose);
      }
      case "postgres": {
        String schema = cfg.getString("database.postgres.schema");
        PgConnectOptions connect = new PgConnectOptions()
          .setHost(cfg.getString("database.postgres.host"))
          .setPort(cfg.getInt("database.postgres.port"))
          .setDatabase(cfg.getString("database.postgres.database"))
          .setUser(cfg.getString("database.postgres.user"))
          .setPassword(cfg.getString("database.postgres.password"))
          .setProperties(Map.of("search_path", schema, "application_name", "chatrelay"))
          // every statement is parsed and planned once per connection (named prepared statements), not per call
          .setCachePreparedStatements(true);
        // keep-alive: a connection to a database host that vanished without a FIN is noticed by the OS
        NetClientOptions transport = new NetClientOptions().setConnectTimeout(cfg.getInt("database.connect-timeout-ms"))
          .setTcpKeepAlive(true);
        Pool pool = PgBuilder.pool().with(poolOptions).with(transport).connectingTo(connect).using(vertx).build();
        return new Database(pool, SqlDialect.POSTGRES, "PostgreSQL " + connect.getUser() + "@" + connect.getHost() + ":"
          + connect.getPort() + "/" + connect.getDatabase() + " schema " + schema, () -> { });
      }
      default:
        throw new IllegalArgumentException("database.kind must be 'embedded' or 'postgres', not '" + kind + "'");
    }
  }

  public Future<Void> close() {
    return pool.close().onComplete(ar -> onClose.run());
  }
}
