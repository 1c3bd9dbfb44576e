package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.MutableClock;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.store.db.CompiledSql;
import io.chatrelay.store.db.SqlDialect;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.chatrelay.store.messages.StoreFixture.verify;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8 item 1: the rate-limit check of a send reads at most limit rows of the sender's history, however long
 * it is. A sender with 3,000 messages in the last half hour (limits lowered live from a generous setting) sends
 * once more: the rows the check reads are counted by the database itself — PostgreSQL's
 * {@code pg_stat_get_xact_tuples_returned} of the table and its indexes around the real {@code chatrelay_send} call, H2's
 * {@code EXPLAIN ANALYZE} scan counts of the real checks statement. The former check (a {@code COUNT} over the
 * window) is measured the same way as a control: it reads the whole history, so the probe can tell.
 */
@ExtendWith(VertxExtension.class)
class SendReadsTest {
  private static final int HISTORY = 3_000;
  private static final int PER_MINUTE = 12;
  private static final int PER_HOUR = 90;
  /** What the check read before issue 8: every message of the sender in the hour window. */
  private static final String FORMER_COUNT = "SELECT COUNT(CASE WHEN sent_at > #{recent} THEN 1 END) AS recent,"
    + " COUNT(*) AS total FROM message WHERE sender_id = #{sender} AND sent_at > #{from}";
  /** A scan of {@code message} in H2's plan and the rows it read. */
  private static final Pattern SCAN_COUNT = Pattern.compile("\"message\"(?:(?!scanCount).)*scanCount: (\\d+)", Pattern.DOTALL);

  private final MutableClock clock = new MutableClock();
  private StoreFixture store;

  @AfterEach
  void stop(VertxTestContext test) {
    (store == null ? Future.succeededFuture() : store.dropAndClose()).onComplete(test.succeedingThenComplete());
  }

  @Test
  void onPostgresTheRateLimitCheckReadsAtMostTheLimits(Vertx vertx, VertxTestContext test) {
    run(vertx, TestConfigs.postgres(TestConfigs.local()), test);
  }

  @Test
  void onH2TheRateLimitCheckReadsAtMostTheLimits(Vertx vertx, VertxTestContext test) {
    run(vertx, TestConfigs.local(), test);
  }

  private void run(Vertx vertx, ChatrelayConfig cfg, VertxTestContext test) {
    long now = clock.millis();
    StoreFixture.start(vertx, cfg, clock)
      .compose(s -> {
        store = s;
        return Future.all(s.account("alice", Role.MEMBER), s.account("creperie", Role.PROFESSIONAL));
      })
      .compose(all -> {
        AccountInfo alice = all.resultAt(0);
        AccountInfo pro = all.resultAt(1);
        MessageRepository.SendArgs send = new MessageRepository.SendArgs(alice.id(), true,
          MessagePolicy.allowedRecipientRoles(alice), pro.id(), "one more", null, now, PER_MINUTE, PER_HOUR);
        Map<String, Object> former = Map.of("sender", alice.id(), "recent", now - 60_000, "from", now - 3_600_000);
        return history(alice.id(), pro.id(), now)
          .compose(v -> sendCheckReads(send))
          .map(verify(reads -> assertThat(reads).as("rows the send's checks read")
            .isLessThanOrEqualTo(PER_MINUTE + PER_HOUR + 2)))
          .compose(v -> postgres() ? pgReads(c -> statement(FORMER_COUNT).execute(c, former)) : h2Reads(FORMER_COUNT, former))
          .map(verify(reads -> assertThat(reads).as("rows the former COUNT read (the control)")
            .isGreaterThanOrEqualTo(HISTORY)));
      })
      .onComplete(test.succeedingThenComplete());
  }

  /** The sender's history: {@link #HISTORY} messages in the last half hour, one every 0.6 s. */
  private Future<Void> history(long sender, long recipient, long now) {
    String rows = postgres() ? "generate_series(1, " + HISTORY + ") AS g(x)" : "SYSTEM_RANGE(1, " + HISTORY + ") AS g(x)";
    return statement("INSERT INTO message (sender_id, recipient_id, content, sent_at, deleted, read)"
        + " SELECT CAST(#{sender} AS BIGINT), CAST(#{recipient} AS BIGINT), 'earlier', CAST(#{now} AS BIGINT) - x * 600, FALSE, FALSE FROM " + rows)
      .execute(store.sql.pool(), Map.of("sender", sender, "recipient", recipient, "now", now))
      .compose(v -> postgres() ? store.sql.pool().query("ANALYZE message").execute().mapEmpty() : Future.succeededFuture());
  }

  /** The rows the send's checks read as the store runs them: PostgreSQL's function (refused: the windows are full), H2's statement. */
  private Future<Long> sendCheckReads(MessageRepository.SendArgs send) {
    MessageRepository repo = new MessageRepository(store.sql.dialect());
    if (postgres()) {
      return pgReads(c -> repo.sendInOneStatement(c, send)
        .map(verify(outcome -> assertThat(outcome.code()).isEqualTo("rate-limited"))));
    }
    Map<String, Object> p = new HashMap<>();
    p.put("sender", send.senderId());
    p.put("recipient", send.recipientId());
    p.put("now", send.now());
    p.put("minuteFrom", send.now() - 60_000L);
    p.put("minuteSkip", PER_MINUTE - 1);
    p.put("hourFrom", send.now() - 3_600_000L);
    p.put("hourSkip", PER_HOUR - 1);
    return h2Reads(MessageRepository.SEND_CHECKS, p);
  }

  /** PostgreSQL: rows of {@code message} (index entries and table rows) that {@code work} read in its transaction. */
  private Future<Long> pgReads(Function<SqlClient, Future<?>> work) {
    return store.sql.pool().withTransaction(c -> work.apply(c)
      .compose(v -> c.query("SELECT (SELECT COALESCE(SUM(pg_stat_get_xact_tuples_returned(indexrelid)), 0)"
        + " FROM pg_index WHERE indrelid = 'message'::regclass)"
        + " + pg_stat_get_xact_tuples_returned('message'::regclass)").execute())
      .map(rows -> rows.iterator().next().getLong(0)));
  }

  /** H2: the rows of {@code message} the statement reads, the sum of its plan's scan counts ({@code EXPLAIN ANALYZE}). */
  private Future<Long> h2Reads(String template, Map<String, Object> params) {
    return statement("EXPLAIN ANALYZE " + template).execute(store.sql.pool(), params).map(rows -> {
      StringBuilder plan = new StringBuilder();
      for (Row r : rows) plan.append(r.getString(0));
      long sum = 0;
      Matcher m = SCAN_COUNT.matcher(plan);
      while (m.find()) sum += Long.parseLong(m.group(1));
      return sum;
    });
  }

  private CompiledSql statement(String template) {
    return CompiledSql.of(template, store.sql.dialect());
  }

  private boolean postgres() {
    return store.sql.dialect() == SqlDialect.POSTGRES;
  }
}
