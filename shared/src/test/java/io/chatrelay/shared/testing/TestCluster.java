package io.chatrelay.shared.testing;

import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Real Hazelcast members on 127.0.0.1 for tests: a unique cluster name per instance, fixed consecutive ports,
 * and the member list written WITH ports (without them members form separate one-member clusters).
 */
public final class TestCluster {
  private final String name = "chatrelay-test-" + UUID.randomUUID();
  /** The cluster's {@code cluster.bus-key}: every member gets it unless {@code extra} says otherwise. */
  private final String busKey = "test-bus-key-" + UUID.randomUUID();
  private final int basePort;
  private final int size;
  private final List<NodeBootstrap.Node> started = new ArrayList<>();

  public TestCluster(int size) {
    this.size = size;
    this.basePort = TestPorts.freeRange(size);
  }

  public String name() {
    return name;
  }

  /** Settings for member {@code index} (0-based); {@code extra} adds or replaces settings. */
  public ChatrelayConfig config(int index, Map<String, ?> extra) {
    List<String> members = new ArrayList<>();
    for (int i = 0; i < size; i++) members.add("127.0.0.1:" + (basePort + i));
    ChatrelayConfig cfg = ChatrelayConfig.load(null, Map.of(), Map.of(
      "cluster.enabled", true,
      "cluster.name", name,
      "cluster.port", basePort + index,
      "cluster.port-auto-increment", false,
      "cluster.members", members,
      "cluster.interface", "127.0.0.1",
      "cluster.eventbus-host", "127.0.0.1",
      "cluster.bus-key", busKey,
      "cluster.max-no-heartbeat-seconds", 5));
    for (Map.Entry<String, ?> e : extra.entrySet()) cfg = cfg.with(e.getKey(), e.getValue());
    return cfg;
  }

  public ChatrelayConfig config(int index) {
    return config(index, Map.of());
  }

  /** This cluster's bus key. */
  public String busKey() {
    return busKey;
  }

  /** Starts member {@code index}; it is closed by {@link #close()}. */
  public Future<NodeBootstrap.Node> start(int index) {
    return start(index, Map.of());
  }

  /**
   * Starts member {@code index} with {@code extra} settings (e.g. another {@code cluster.bus-key}: a member that
   * joins without the cluster's key); it is closed by {@link #close()}.
   */
  public Future<NodeBootstrap.Node> start(int index, Map<String, ?> extra) {
    return NodeBootstrap.start(config(index, extra)).onSuccess(n -> {
      synchronized (started) {
        started.add(n);
      }
    });
  }

  /** Closes every member this cluster started (ignores those already closed). */
  public Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    synchronized (started) {
      for (NodeBootstrap.Node n : started) all.add(n.close().recover(t -> Future.succeededFuture()));
      started.clear();
    }
    return Future.join(all).mapEmpty();
  }
}
