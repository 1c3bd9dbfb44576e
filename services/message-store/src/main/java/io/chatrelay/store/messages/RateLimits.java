package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.config.ChatrelayConfig;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;

/**
 * The per-user send limits ({@code tchatator.max-messages-per-minute} and {@code -per-hour}, read live; 0 or less:
 * no limit), over sliding windows, counted in the {@code message} table so they hold cluster-wide and across
 * restarts. The caller runs {@link #check} and the insert in one transaction holding the sender's account row
 * lock, so concurrent sends of one user (on any node) are counted one after the other.
 */
final class RateLimits {
  private record Window(String name, long millis, String setting) {
  }

  private static final Window MINUTE = new Window("minute", 60_000L, "tchatator.max-messages-per-minute");
  private static final Window HOUR = new Window("hour", 3_600_000L, "tchatator.max-messages-per-hour");

  private final MessageRepository repo;

  RateLimits(MessageRepository repo) {
    this.repo = repo;
  }

  /** Succeeds if {@code senderId} may send one more message at {@code now}, else fails 429 {@code rate-limited}. */
  Future<Void> check(SqlClient c, long senderId, long now, ChatrelayConfig cfg) {
    int perMinute = cfg.getInt(MINUTE.setting);
    int perHour = cfg.getInt(HOUR.setting);
    if (perMinute <= 0 && perHour <= 0) return Future.succeededFuture();
    return repo.sentSince(c, senderId, now - MINUTE.millis, now - HOUR.millis)
      .compose(counts -> refusalIfFull(c, senderId, now, MINUTE, perMinute, counts.sinceRecent())
        .compose(minute -> refusalIfFull(c, senderId, now, HOUR, perHour, counts.sinceFrom())
          .map(hour -> later(minute, hour))))
      .compose(refusal -> refusal == null ? Future.<Void>succeededFuture() : Future.failedFuture(refusal.exception()));
  }

  /** When both windows are full, the one that frees a place last is the answer. */
  private static BusFailure later(BusFailure a, BusFailure b) {
    if (a == null || b == null) return a == null ? b : a;
    return b.details().getLong("retryAt") > a.details().getLong("retryAt") ? b : a;
  }

  private Future<BusFailure> refusalIfFull(SqlClient c, long senderId, long now, Window w, int limit, long count) {
    return limit > 0 && count >= limit ? refusal(c, senderId, now, w, limit, count) : Future.succeededFuture();
  }

  /** The refusal for a full window: a place frees when the oldest message that exceeds the limit leaves it. */
  private Future<BusFailure> refusal(SqlClient c, long senderId, long now, Window w, int limit, long count) {
    return repo.sentAtFrom(c, senderId, now - w.millis, count - limit).map(sentAt -> {
      long retryAt = sentAt + w.millis;
      String retryText = Instant.ofEpochMilli(retryAt).toString();
      return BusFailure.of(BusFailure.RATE_LIMITED, MessageReasons.RATE_LIMITED,
          "at most " + limit + " messages per " + w.name + "; next one possible at " + retryText)
        .with("window", w.name).with("limit", limit).with("retryAt", retryAt).with("retryAtText", retryText);
    });
  }
}
