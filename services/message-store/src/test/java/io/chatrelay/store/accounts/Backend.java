package io.chatrelay.store.accounts;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;

/** The two databases the store runs on; every store test runs on each ({@code @EnumSource(Backend.class)}). */
enum Backend {
  /** A private in-memory embedded H2 database. */
  H2 {
    @Override
    ChatrelayConfig config() {
      return TestConfigs.local();
    }
  },
  /** The test machine's PostgreSQL, in a fresh schema that {@link TestDatabases#closeAll()} drops. */
  POSTGRES {
    @Override
    ChatrelayConfig config() {
      return TestConfigs.postgres(TestConfigs.local());
    }
  };

  /** Fresh settings (a database nobody else uses), fast password hashing. */
  abstract ChatrelayConfig config();
}
