package io.chatrelay.shared.config;

/** {@code database.*}: where the message store keeps accounts and messages (read at start, but the two live ones). */
public record StoreSettings(Kind kind, String embeddedFile, int poolSize, int connectTimeoutMs, int acquireTimeoutMs,
                            long unavailableRetryAfterMs, long stopGraceMs, Postgres postgres) {
  public enum Kind { EMBEDDED, POSTGRES }

  /** {@code database.postgres.*}; {@link #toString()} never shows the password. */
  public record Postgres(String host, int port, String database, String user, String password, String schema) {
    @Override
    public String toString() {
      return "Postgres[" + user + "@" + host + ":" + port + "/" + database + ", schema " + schema + "]";
    }
  }
}
