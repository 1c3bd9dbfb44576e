package io.chatrelay.shared.config;

import java.util.List;

/** {@code cluster.*} (documented in {@code chatrelay-defaults.yaml}); read at start. */
public record ClusterSettings(boolean enabled, String name, int port, boolean portAutoIncrement, List<String> members,
                              String interface_, String kubernetesServiceDns, String eventbusHost, int eventbusPort,
                              int maxNoHeartbeatSeconds, boolean liteMember, int dataMemberWaitSeconds) {
  public ClusterSettings {
    members = List.copyOf(members);
    if (enabled && kubernetesServiceDns.isEmpty() && members.isEmpty()) {
      throw new IllegalArgumentException("cluster.members may not be empty when cluster.enabled is true and "
        + "cluster.kubernetes-service-dns is empty (no way to find the other members)");
    }
  }
}
