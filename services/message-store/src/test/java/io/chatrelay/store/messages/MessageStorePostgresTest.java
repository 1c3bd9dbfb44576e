package io.chatrelay.store.messages;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;

import java.nio.file.Path;

/** The message-store suite on PostgreSQL, each test in a fresh schema that is dropped afterwards. */
class MessageStorePostgresTest extends MessageStoreContract {
  @Override
  protected ChatrelayConfig freshConfig() {
    return TestConfigs.postgres(TestConfigs.local());
  }

  @Override
  protected ChatrelayConfig durableConfig(Path dir) {
    return freshConfig();
  }
}
