package io.chatrelay.bench;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A sampling profile of the database side: every 20 ms, the state of each backend of chatrelay's pool
 * ({@code application_name = 'chatrelay'}) in {@code pg_stat_activity} — active (and what it waits for), idle in
 * transaction (waiting for chatrelay's next statement), idle.
 */
final class PgActivity implements AutoCloseable {
  private static final String QUERY = "SELECT coalesce(state, '?') || coalesce(' / ' || wait_event_type || ':' || wait_event, '')"
    + " FROM pg_stat_activity WHERE application_name = 'chatrelay'";
  private final BenchEnv env;
  private final PgConnection conn;
  private final Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
  private volatile String label;
  private long timer = -1;
  private boolean querying;

  PgActivity(BenchEnv env) {
    this.env = env;
    this.conn = PgConnection.connect(env.vertx(), env.pg().options()).timeout(10, TimeUnit.SECONDS).await();
  }

  /** Starts sampling; the samples are counted under {@code label}. */
  void start(String label) {
    this.label = label;
    timer = env.vertx().setPeriodic(20, id -> sample());
  }

  void stop() {
    if (timer >= 0) env.vertx().cancelTimer(timer);
    timer = -1;
  }

  private void sample() {
    synchronized (this) {
      if (querying) return;
      querying = true;
    }
    String into = label;
    conn.query(QUERY).execute().onComplete(ar -> {
      synchronized (this) {
        querying = false;
        if (ar.succeeded()) {
          Map<String, Long> byState = counts.computeIfAbsent(into, k -> new TreeMap<>());
          for (Row row : ar.result()) byState.merge(row.getString(0), 1L, Long::sum);
        }
      }
    });
  }

  /** The share of samples in each state, per label; also printed. */
  synchronized JsonObject summary(Report report) {
    JsonObject out = new JsonObject();
    counts.forEach((lbl, byState) -> {
      long total = byState.values().stream().mapToLong(Long::longValue).sum();
      JsonObject shares = new JsonObject();
      StringBuilder line = new StringBuilder("PostgreSQL backends of chatrelay's pool at " + lbl + " (" + total + " samples):");
      byState.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e -> {
        shares.put(e.getKey(), (double) e.getValue() / total);
        line.append(String.format(" %s %.0f%%;", e.getKey(), 100.0 * e.getValue() / total));
      });
      out.put(lbl, shares.put("samples", total));
      report.note(line.toString());
    });
    return out;
  }

  @Override
  public void close() {
    stop();
    conn.close().timeout(10, TimeUnit.SECONDS).await();
  }
}
