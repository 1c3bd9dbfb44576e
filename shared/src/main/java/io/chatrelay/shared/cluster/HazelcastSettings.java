package io.chatrelay.shared.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/**
 * Builds the Hazelcast member configuration from our settings. Starts from Vert.x's own default
 * configuration (which declares the {@code __vertx.*} structures Vert.x needs) and changes only the network.
 */
public final class HazelcastSettings {
  private HazelcastSettings() {
  }

  public static Config fromConfig(ChatrelayConfig cfg) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cfg.getString("cluster.name"));
    // A lite member owns no partitions: its joining or leaving migrates nothing (edges scaled by an autoscaler).
    hz.setLiteMember(cfg.getBoolean("cluster.lite-member"));
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", cfg.getString("cluster.max-no-heartbeat-seconds"));
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");

    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cfg.getInt("cluster.port"));
    net.setPortAutoIncrement(cfg.getBoolean("cluster.port-auto-increment"));
    String iface = cfg.getString("cluster.interface");
    if (!iface.isBlank()) {
      hz.setProperty("hazelcast.socket.bind.any", "false");
      net.getInterfaces().setEnabled(true).addInterface(iface);
      net.setPublicAddress(null);
    }
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    String dns = cfg.getString("cluster.kubernetes-service-dns");
    if (!dns.isBlank()) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
        .setProperty("service-dns", dns)
        .setProperty("service-port", cfg.getString("cluster.port"));
    } else {
      join.getKubernetesConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(cfg.getStringList("cluster.members"));
    }
    return hz;
  }
}
