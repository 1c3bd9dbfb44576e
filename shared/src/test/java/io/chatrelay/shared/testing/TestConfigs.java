package io.chatrelay.shared.testing;

import io.chatrelay.shared.config.ChatrelayConfig;

import java.util.Map;
import java.util.UUID;

/** Settings for tests: one process, a private in-memory embedded database, fast password hashing, free ports. */
public final class TestConfigs {
  private TestConfigs() {
  }

  /** Local (non-clustered) settings with a fresh in-memory H2 database and free wnet/tchatator ports. */
  public static ChatrelayConfig local() {
    return ChatrelayConfig.load(null, Map.of(), Map.of(
      "database.kind", "embedded",
      "database.embedded-file", "mem:test-" + UUID.randomUUID(),
      "accounts.password-iterations", 1000,
      "wnet.host", "127.0.0.1",
      "wnet.port", TestPorts.free(),
      "tchatator.host", "127.0.0.1",
      "tchatator.port", TestPorts.free()));
  }

  /**
   * Settings for the PostgreSQL of the test machines (127.0.0.1:5432, database {@code test}, trust auth) in a
   * fresh schema, so concurrent test runs never see each other's rows. The caller drops the schema.
   */
  public static ChatrelayConfig postgres(ChatrelayConfig base) {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    return base
      .with("database.kind", "postgres")
      .with("database.postgres.host", env("CHATRELAY_TEST_PG_HOST", "127.0.0.1"))
      .with("database.postgres.port", env("CHATRELAY_TEST_PG_PORT", "5432"))
      .with("database.postgres.database", env("CHATRELAY_TEST_PG_DATABASE", "test"))
      .with("database.postgres.user", env("CHATRELAY_TEST_PG_USER", "postgres"))
      .with("database.postgres.password", env("CHATRELAY_TEST_PG_PASSWORD", ""))
      .with("database.postgres.schema", schema);
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
