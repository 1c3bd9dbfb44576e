package io.chatrelay.shared.bus;

import io.chatrelay.shared.config.ChatrelayConfig;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code cluster.bus-key} as loaded: required in a cluster, at least 32 characters, random when alone. */
class BusKeyTest {
  private static ChatrelayConfig settings(boolean clustered, String key) {
    return ChatrelayConfig.load(null, Map.of(), Map.of("cluster.enabled", clustered, "cluster.bus-key", key));
  }

  @Test
  void aClusterWithoutAKeyOrWithAShortOneIsRefusedAndAProcessAloneGetsARandomOne() {
    assertThatThrownBy(() -> BusKey.fromConfig(settings(true, ""), "n1"))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster.bus-key is required with cluster.enabled");
    assertThatThrownBy(() -> BusKey.fromConfig(settings(true, "short"), "n1"))
      .hasMessageContaining("at least 32 characters, not 5");
    assertThatThrownBy(() -> BusKey.fromConfig(settings(false, "short"), null)).hasMessageContaining("at least 32");
    BusKey alone = BusKey.fromConfig(settings(false, ""), null);
    assertThat(alone.generated()).isTrue();
    assertThat(alone.nodeId()).isEqualTo(BusKey.LOCAL_NODE);
    BusKey other = BusKey.fromConfig(settings(false, ""), null);
    // two processes alone do not share a key: a grant of one does not verify with the other
    String grant = alone.adminGrant();
    String payload = grant.substring(0, grant.lastIndexOf('.'));
    byte[] mac = java.util.Base64.getUrlDecoder().decode(grant.substring(grant.lastIndexOf('.') + 1));
    assertThat(alone.matches(payload, mac)).isTrue();
    assertThat(other.matches(payload, mac)).isFalse();
    BusKey configured = BusKey.fromConfig(settings(true, "x".repeat(32)), "node-7");
    assertThat(configured.generated()).isFalse();
    assertThat(configured.nodeGrant()).startsWith("v1.node.-.node-7.");
  }
}
