package io.chatrelay.shared;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.Setting;
import io.chatrelay.shared.config.SettingDefinitions;
import io.chatrelay.shared.config.SettingsException;
import io.chatrelay.shared.config.SettingsReference;
import io.chatrelay.shared.config.StoreSettings;
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

  /** Issue 9: a value of the wrong type, out of range or not among the choices is refused, naming key and reason. */
  @Test
  void invalidValuesAreRefusedAtLoadNamingTheKeyAndTheReason(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "wnet:\n  port: 70000\ndatabase:\n  kind: mongo\ntchatator:\n  max-connections: many\n"
      + "  max-messages-per-minute: -1\n");
    assertThatThrownBy(() -> ChatrelayConfig.load(file, Map.of(), Map.of()))
      .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.errors()).containsExactly(
        file + ": wnet.port must be between 0 and 65535, got 70000",
        file + ": database.kind expects one of embedded, postgres, got 'mongo'",
        file + ": tchatator.max-connections expects a whole number, got 'many'",
        file + ": tchatator.max-messages-per-minute must be at least 0, got -1"));
    assertThatThrownBy(() -> ChatrelayConfig.load(null, Map.of("CHATRELAY_ACCOUNTS_HASH_THREADS", "-1"), Map.of()))
      .hasMessage("environment variable CHATRELAY_ACCOUNTS_HASH_THREADS: accounts.hash-threads must be between 0 and 1024, got -1");
    assertThatThrownBy(() -> ChatrelayConfig.defaults().with("wnet.path", "ws"))
      .hasMessageContaining("wnet.path must match /.*, got 'ws'");
    assertThatThrownBy(() -> ChatrelayConfig.defaults().with("wnet.port", true))
      .hasMessageContaining("wnet.port expects a whole number, got 'true'");
    assertThatThrownBy(() -> ChatrelayConfig.defaults().with("wnet.max-frame-bytes", 0))
      .hasMessageContaining("wnet.max-frame-bytes must be at least 1, got 0");
    // a rule between keys, checked by the typed section
    assertThatThrownBy(() -> ChatrelayConfig.load(null, Map.of(), Map.of("cluster.enabled", true, "cluster.members", List.of())))
      .hasMessageContaining("cluster.members may not be empty when cluster.enabled is true");
  }

  /** logback.xml reads CHATRELAY_LOG_LEVEL: it is no setting, and not reported as an unknown one. */
  @Test
  void theLogLevelVariableIsNotReportedAsUnknown() {
    assertThat(ChatrelayConfig.load(null, Map.of("CHATRELAY_LOG_LEVEL", "DEBUG"), Map.of()).warnings()).isEmpty();
    assertThat(ChatrelayConfig.load(null, Map.of("CHATRELAY_LOG_LEVL", "DEBUG"), Map.of()).warnings())
      .singleElement().asString().contains("CHATRELAY_LOG_LEVL");
  }

  @Test
  void everyKeyHasADefinitionAndTheSectionsAreTyped() {
    ChatrelayConfig cfg = ChatrelayConfig.defaults();
    assertThat(SettingDefinitions.all()).extracting(Setting::key).containsExactlyElementsOf(cfg.keys());
    assertThat(cfg.cluster().port()).isEqualTo(5701);
    assertThat(cfg.cluster().interface_()).isEmpty();
    assertThat(cfg.store().kind()).isEqualTo(StoreSettings.Kind.EMBEDDED);
    assertThat(cfg.store().postgres().port()).isEqualTo(5432);
    assertThat(cfg.accounts().loginThrottle().windowSeconds()).isEqualTo(60);
    assertThat(cfg.admin().port()).isEqualTo(9400);
    assertThat(cfg.node().dataDir()).isEqualTo("data");
    assertThat(cfg.shutdown().timeoutSeconds()).isEqualTo(25);
    assertThat(cfg.with("database.kind", "POSTGRES").store().kind()).isEqualTo(StoreSettings.Kind.POSTGRES);
  }

  @Test
  void secretsAreMaskedWhenPrinted() {
    ChatrelayConfig cfg = ChatrelayConfig.defaults().with("tchatator.admin-api-key", "s3cret-admin")
      .with("database.postgres.password", "s3cret-db");
    assertThat(cfg.toMaskedJson().encode()).doesNotContain("s3cret").contains("\"admin-api-key\":\"****\"");
    assertThat(cfg.store().postgres().toString()).doesNotContain("s3cret");
    assertThat(cfg.getString("tchatator.admin-api-key")).isEqualTo("s3cret-admin");
    assertThat(ChatrelayConfig.defaults().printable("tchatator.admin-api-key")).isEqualTo("");
  }

  /** One meaning everywhere: every count limit accepts 0, which its documentation calls "no limit". */
  @Test
  void zeroMeansNoLimitForEveryCountLimitAndTheDocsSaySo() {
    Map<String, String> docs = SettingsReference.docs();
    List<Setting> limits = SettingDefinitions.all().stream()
      .filter(s -> s.key().matches(".*(max-connections|-per-second|max-messages-per-|failures-per-).*")).toList();
    assertThat(limits).hasSizeGreaterThanOrEqualTo(9);
    for (Setting s : limits) {
      assertThat(s.limit()).as(s.key() + " is a limit()").isTrue();
      assertThat(ChatrelayConfig.defaults().with(s.key(), 0).getInt(s.key())).isZero();
      assertThat(docs.get(s.key())).as(s.key()).contains("0: no limit");
    }
  }

  /** docs/configuration.md holds the reference table of every key; regenerate with `config --reference`. */
  @Test
  void theConfigurationDocListsEveryKey() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    assertThat(doc).as("docs/configuration.md is stale: java -jar chatrelay.jar config --reference")
      .contains(SettingsReference.markdown());
    assertThat(SettingsReference.docs().get("wnet.dead-after-ms")).contains("ping-interval-ms");
  }
}
