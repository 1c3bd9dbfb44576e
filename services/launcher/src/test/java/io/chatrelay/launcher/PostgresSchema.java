package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fresh schema in the test machines' PostgreSQL (127.0.0.1:5432, database {@code test}, as
 * {@link TestConfigs#postgres} chooses it) for processes started by a test; {@link #drop} removes it afterwards.
 */
public final class PostgresSchema {
  private final ChatrelayConfig cfg;

  public PostgresSchema() {
    cfg = TestConfigs.postgres(TestConfigs.local());
  }

  /** A fresh schema in another PostgreSQL (user {@code postgres}, trust): a {@link PrivatePostgres} of a test. */
  PostgresSchema(String host, int port, String database) {
    cfg = TestConfigs.postgres(TestConfigs.local()).with("database.postgres.host", host)
      .with("database.postgres.port", String.valueOf(port)).with("database.postgres.database", database)
      .with("database.postgres.user", "postgres").with("database.postgres.password", "");
  }

  /** The {@code database.*} settings that point a process at this schema. */
  public Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("database.kind", "postgres");
    for (String key : new String[] {"host", "port", "database", "user", "password", "schema"}) {
      settings.put("database.postgres." + key, cfg.getString("database.postgres." + key));
    }
    return settings;
  }

  /** The same settings as {@code --set KEY=VALUE} options of a command line. */
  public List<String> options() {
    List<String> options = new ArrayList<>();
    settings().forEach((key, value) -> options.addAll(List.of("--set", key + "=" + value)));
    return options;
  }

  /** One of {@code host, port, database, user, password, schema}. */
  public String get(String key) {
    return cfg.getString("database.postgres." + key);
  }

  /** DROP SCHEMA ... CASCADE, with the Vert.x PostgreSQL client. */
  public void drop(Vertx vertx) throws Exception {
    query(vertx, "DROP SCHEMA IF EXISTS " + get("schema") + " CASCADE");
  }

  /** One statement on a connection of its own (names in it may use the schema: {@code schema + ".message"}). */
  public List<Row> query(Vertx vertx, String sql) throws Exception {
    Pool admin = PgBuilder.pool().connectingTo(new PgConnectOptions()
      .setHost(get("host")).setPort(Integer.parseInt(get("port"))).setDatabase(get("database"))
      .setUser(get("user")).setPassword(get("password"))).using(vertx).build();
    try {
      List<Row> rows = new ArrayList<>();
      admin.query(sql).execute().await(30, TimeUnit.SECONDS).forEach(rows::add);
      return rows;
    } finally {
      admin.close().await(10, TimeUnit.SECONDS);
    }
  }
}
