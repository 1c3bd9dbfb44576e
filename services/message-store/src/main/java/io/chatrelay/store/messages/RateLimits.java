package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.config.ChatrelayConfig;

import java.time.Instant;

/**
 * The per-user send limits ({@code tchatator.max-messages-per-minute} and {@code -per-hour}, read live; 0 or less:
 * no limit), over sliding windows, counted in the {@code message} table so they hold cluster-wide and across
 * restarts. The send reads, under the sender's account row lock, the send time of the limit-th newest message in
 * each window ({@link MessageRepository#RATE_WINDOW}: at most limit rows, whatever the history); a window is full
 * when there is one. A place frees when that message leaves the window: that is {@code retryAt}.
 */
final class RateLimits {
  record Window(String name, long millis, String setting) {
  }

  static final Window MINUTE = new Window("minute", 60_000L, "tchatator.max-messages-per-minute");
  static final Window HOUR = new Window("hour", 3_600_000L, "tchatator.max-messages-per-hour");

  private RateLimits() {
  }

  static int limit(ChatrelayConfig cfg, Window w) {
    return cfg.getInt(w.setting);
  }

  /**
   * The 429 {@code rate-limited} refusal, from the send time of the limit-th newest message of each window
   * (null: that window is not full); when both are full, the one that frees a place last.
   */
  static BusFailure refusal(ChatrelayConfig cfg, Long minuteFullAt, Long hourFullAt) {
    BusFailure minute = minuteFullAt == null ? null : refusal(MINUTE, limit(cfg, MINUTE), minuteFullAt);
    BusFailure hour = hourFullAt == null ? null : refusal(HOUR, limit(cfg, HOUR), hourFullAt);
    if (minute == null || hour == null) return minute == null ? hour : minute;
    return hour.details().getLong("retryAt") > minute.details().getLong("retryAt") ? hour : minute;
  }

  private static BusFailure refusal(Window w, int limit, long sentAt) {
    long retryAt = sentAt + w.millis;
    String retryText = Instant.ofEpochMilli(retryAt).toString();
    return BusFailure.of(BusFailure.RATE_LIMITED, MessageReasons.RATE_LIMITED,
        "at most " + limit + " messages per " + w.name + "; next one possible at " + retryText)
      .with("window", w.name).with("limit", limit).with("retryAt", retryAt).with("retryAtText", retryText);
  }
}
