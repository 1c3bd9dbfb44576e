package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.store.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Announces on {@code chatrelay.accounts.events} the account changes that a process off the event bus made — the
 * launcher's {@code accounts rotate-key} works on the database directly — so that the edges end the sessions the
 * old key opened, as they do for a rotation through the bus. The writer {@link #record records} the event in the
 * {@code account_event} table; every message store polls it every {@code accounts.event-poll-ms} and publishes
 * what is new. With several stores each publishes it (an event is idempotent: a session ends once).
 */
public final class AccountEventRelay {
  /** Rows kept this long for stores that were briefly unable to read them. */
  private static final long KEEP_MS = TimeUnit.HOURS.toMillis(1);
  private static final int BATCH = 100;

  private final Vertx vertx;
  private final Database db;
  private final LiveConfig settings;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> newer;
  private long lastSeen = -1;
  private long timer = -1;
  private boolean stopped;

  public AccountEventRelay(Vertx vertx, Database db, LiveConfig settings) {
    this.vertx = vertx;
    this.db = db;
    this.settings = settings;
    this.newer = SqlTemplate.forQuery(db.pool(),
      "SELECT id, event, account_id, account_name, at FROM account_event WHERE id > #{after} ORDER BY id LIMIT " + BATCH);
  }

  /** Stores {@code event} for the stores to announce (and deletes rows past their time). */
  public static Future<Void> record(Database db, AccountEvent event) {
    return SqlTemplate.forUpdate(db.pool(), "DELETE FROM account_event WHERE at < #{before}")
      .execute(Map.of("before", event.at() - KEEP_MS))
      .compose(deleted -> SqlTemplate.forUpdate(db.pool(),
          "INSERT INTO account_event (event, account_id, account_name, at) VALUES (#{event}, #{id}, #{name}, #{at})")
        .execute(Map.of("event", event.event(), "id", event.id(), "name", event.name(), "at", event.at())))
      .mapEmpty();
  }

  /** Starts polling after the newest event already recorded: what was announced before this store started is old. */
  public Future<Void> start() {
    return db.pool().query("SELECT COALESCE(MAX(id), 0) AS last FROM account_event").execute()
      .map(rows -> {
        lastSeen = rows.iterator().next().getLong("last");
        schedule();
        return null;
      });
  }

  public void stop() {
    stopped = true;
    if (timer >= 0) vertx.cancelTimer(timer);
  }

  private void schedule() {
    long every = settings.get().getLong("accounts.event-poll-ms");
    // 0: not polled; the setting is read again every second, so a reload can turn it on
    timer = vertx.setTimer(every > 0 ? every : 1000, id -> {
      if (stopped) return;
      if (every <= 0) {
        schedule();
        return;
      }
      poll().onComplete(done -> {
        if (!stopped) schedule();
      });
    });
  }

  /** Publishes the events newer than the last one seen; a database that does not answer is retried next time. */
  private Future<Void> poll() {
    return newer.execute(Map.of("after", lastSeen))
      .map(rows -> {
        for (Row row : rows) {
          lastSeen = row.getLong("id");
          AccountEvent event = new AccountEvent(row.getString("event"), row.getLong("account_id"),
            row.getString("account_name"), row.getLong("at"));
          vertx.eventBus().publish(Addresses.ACCOUNTS_EVENTS, event.toJson());
        }
        return (Void) null;
      })
      .otherwiseEmpty();
  }
}
