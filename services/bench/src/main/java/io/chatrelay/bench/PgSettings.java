package io.chatrelay.bench;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The PostgreSQL the benchmarks use (and pgbench's reference runs against): trust authentication. */
record PgSettings(String host, int port, String database, String user) {
  PgConnectOptions options() {
    return new PgConnectOptions().setHost(host).setPort(port).setDatabase(database).setUser(user)
      .addProperty("application_name", "chatrelay-bench").addProperty("client_min_messages", "warning");
  }

  /** Runs statements on a new connection and returns the rows of the last one as lists of strings. */
  List<List<String>> run(Vertx vertx, String... statements) {
    PgConnection conn = PgConnection.connect(vertx, options()).timeout(10, TimeUnit.SECONDS).await();
    try {
      List<List<String>> rows = new ArrayList<>();
      for (String sql : statements) {
        rows.clear();
        for (Row row : conn.query(sql).execute().timeout(60, TimeUnit.SECONDS).await()) {
          List<String> values = new ArrayList<>();
          for (int i = 0; i < row.size(); i++) values.add(String.valueOf(row.getValue(i)));
          rows.add(values);
        }
      }
      return rows;
    } finally {
      conn.close().timeout(10, TimeUnit.SECONDS).await();
    }
  }

  /** The server's version, or why it could not be asked. */
  String version(Vertx vertx) {
    try {
      return "PostgreSQL " + run(vertx, "SHOW server_version").get(0).get(0);
    } catch (RuntimeException e) {
      return "unreachable (" + e.getMessage() + ")";
    }
  }
}
