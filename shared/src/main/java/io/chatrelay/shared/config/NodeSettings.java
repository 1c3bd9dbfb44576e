package io.chatrelay.shared.config;

/** {@code node.*}: this process's name in logs (empty: the host name) and its local state directory. */
public record NodeSettings(String name, String dataDir) {
}
