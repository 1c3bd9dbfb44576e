package io.chatrelay.shared.config;

/** {@code admin.*}: the admin HTTP server (probes, metrics, operators' console); read at start. */
public record AdminSettings(boolean enabled, String host, int port, boolean metricsEnabled, long checkTimeoutMs) {
}
