package io.chatrelay.shared.config;

/** {@code shutdown.*}: the graceful stop on SIGTERM (read when it starts, so a reload applies). */
public record ShutdownSettings(long drainSeconds, long timeoutSeconds) {
}
