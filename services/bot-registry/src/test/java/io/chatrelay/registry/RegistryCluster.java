package io.chatrelay.registry;

import io.chatrelay.shared.cluster.HazelcastClusterView;
import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.TestCluster;
import io.chatrelay.shared.wnet.BotRegistryClient;

import io.vertx.core.Future;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Real Hazelcast members on 127.0.0.1 (see {@link TestCluster}), each running one bot registry instance. */
final class RegistryCluster {
  private final TestCluster cluster;
  private final long windowMs;
  private final List<NodeBootstrap.Node> nodes = new ArrayList<>();

  private RegistryCluster(int size, long windowMs) {
    this.cluster = new TestCluster(size);
    this.windowMs = windowMs;
  }

  /** Starts {@code size} members one after the other (the first forms the cluster) with a registry on each. */
  static Future<RegistryCluster> start(int size, long windowMs) {
    RegistryCluster rc = new RegistryCluster(size, windowMs);
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < size; i++) {
      int index = i;
      chain = chain.compose(v -> rc.cluster.start(index)).compose(node -> {
        rc.nodes.add(node);
        return rc.deployRegistry(index).mapEmpty();
      });
    }
    return chain.map(rc);
  }

  /** Deploys one more registry instance on member {@code index}; completes with its deployment id. */
  Future<String> deployRegistry(int index) {
    NodeBootstrap.Node node = nodes.get(index);
    LiveConfig config = new LiveConfig(cluster.config(index).with("wnet.takeover-window-ms", windowMs));
    return node.vertx().deployVerticle(new BotRegistryVerticle(new ServiceContext(node.vertx(), config, node.cluster(),
      Clock.systemUTC())));
  }

  NodeBootstrap.Node node(int index) {
    return nodes.get(index);
  }

  String nodeId(int index) {
    return nodes.get(index).cluster().nodeId();
  }

  HazelcastClusterView view(int index) {
    return (HazelcastClusterView) nodes.get(index).cluster();
  }

  BotRegistryClient client(int index) {
    return new BotRegistryClient(nodes.get(index).vertx());
  }

  Future<Void> close() {
    return cluster.close();
  }
}
