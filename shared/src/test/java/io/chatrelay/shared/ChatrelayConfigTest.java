package io.chatrelay.shared;

import io.chatrelay.shared.config.ChatrelayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatrelayConfigTest {

  @Test
  void defaultsHaveTheDocumentedValues() {
    ChatrelayConfig cfg = ChatrelayConfig.defaults();
    assertThat(cfg.getInt("tchatator.port")).isEqualTo(4242);
    assertThat(cfg.getInt("wnet.takeover-window-ms")).isEqualTo(5000);
    assertThat(cfg.getString("wnet.path")).isEqualTo("/wnet/ws");
    assertThat(cfg.getBoolean("cluster.enabled")).isFalse();
    assertThat(cfg.getStringList("cluster.members")).containsExactly("127.0.0.1:5701");
  }

  @Test
  void fileThenEnvironmentThenOverridesWin(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "wnet:\n  port: 9000\n  max-frame-bytes: 1000\ntchatator:\n  port: 5000\n");
    ChatrelayConfig cfg = ChatrelayConfig.load(file,
      Map.of("CHATRELAY_WNET_PORT", "9100", "CHATRELAY_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701",
        "CHATRELAY_CLUSTER_ENABLED", "TRUE", "HOME", "/root"),
      Map.of("tchatator.port", 6000));
    assertThat(cfg.getInt("wnet.port")).isEqualTo(9100);
    assertThat(cfg.getInt("wnet.max-frame-bytes")).isEqualTo(1000);
    assertThat(cfg.getInt("tchatator.port")).isEqualTo(6000);
    assertThat(cfg.getBoolean("cluster.enabled")).isTrue();
    assertThat(cfg.getStringList("cluster.members")).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThat(cfg.warnings()).isEmpty();
  }

  @Test
  void everyKeyHasAnEnvironmentVariable() {
    ChatrelayConfig cfg = ChatrelayConfig.defaults();
    for (String key : cfg.keys()) {
      String env = ChatrelayConfig.envName(key);
      Object before = cfg.toJson().getValue(key.split("\\.")[0]);
      assertThat(env).matches("CHATRELAY_[A-Z0-9_]+");
      // setting it through the environment must reach exactly that key
      String value = cfg.getString(key).startsWith("[") ? "a:1" : cfg.getString(key);
      ChatrelayConfig reloaded = ChatrelayConfig.load(null, Map.of(env, value), Map.of());
      assertThat(reloaded.warnings()).as(env).isEmpty();
      assertThat(before).isNotNull();
    }
    assertThat(ChatrelayConfig.envName("tchatator.max-messages-per-minute"))
      .isEqualTo("CHATRELAY_TCHATATOR_MAX_MESSAGES_PER_MINUTE");
  }

  @Test
  void unknownKeysAndBadValuesAreClearErrors(@TempDir Path dir) throws Exception {
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "wnet:\n  prot: 9000\n");
    assertThatThrownBy(() -> ChatrelayConfig.load(typo, Map.of(), Map.of()))
      .hasMessageContaining("unknown setting wnet.prot");
    assertThatThrownBy(() -> ChatrelayConfig.load(null, Map.of("CHATRELAY_WNET_PORT", "eighty"), Map.of()))
      .hasMessageContaining("CHATRELAY_WNET_PORT").hasMessageContaining("whole number");
    assertThatThrownBy(() -> ChatrelayConfig.load(null, Map.of(), Map.of("cluster.enabled", "yes")))
      .hasMessageContaining("true or false");
    ChatrelayConfig cfg = ChatrelayConfig.load(null, Map.of("CHATRELAY_NOPE", "1"), Map.of());
    assertThat(cfg.warnings()).singleElement().asString().contains("CHATRELAY_NOPE");
  }

  @Test
  void listsAcceptYamlSequencesAndLists() {
    ChatrelayConfig cfg = ChatrelayConfig.defaults().with("cluster.members", List.of("a:1", "b:2"));
    assertThat(cfg.getStringList("cluster.members")).containsExactly("a:1", "b:2");
  }
}
