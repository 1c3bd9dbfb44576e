package io.chatrelay.store.messages;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;

import java.nio.file.Path;

/** The message-store suite on the embedded H2 database (in memory; a file for the durability test). */
class MessageStoreH2Test extends MessageStoreContract {
  @Override
  protected ChatrelayConfig freshConfig() {
    return TestConfigs.local();
  }

  @Override
  protected ChatrelayConfig durableConfig(Path dir) {
    return TestConfigs.local().with("database.embedded-file", dir.resolve("durable").toAbsolutePath().toString());
  }
}
