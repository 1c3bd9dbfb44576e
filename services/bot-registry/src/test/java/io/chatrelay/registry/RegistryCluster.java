package io.chatrelay.registry;

import io.chatrelay.shared.cluster.HazelcastClusterView;
import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.TestCluster;
import io.chatrelay.shared.wnet.BotRegistryClient;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.junit5.VertxTestContext;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Real Hazelcast members on 127.0.0.1 (see {@link TestCluster}), each running one bot registry instance. */
final class RegistryCluster {
  private final TestCluster cluster;
  private final long windowMs;
  private final List<NodeBootstrap.Node> nodes = new ArrayList<>();

  private RegistryCluster(int capacity, long windowMs) {
    this.cluster = new TestCluster(capacity);
    this.windowMs = windowMs;
  }

  /** Starts {@code size} members one after the other (the first forms the cluster) with a registry on each. */
  static Future<RegistryCluster> start(int size, long windowMs) {
    return start(size, 0, windowMs);
  }

  /** As {@link #start(int, long)}, with room for {@code spares} more members ({@link #startMember()}). */
  static Future<RegistryCluster> start(int size, int spares, long windowMs) {
    RegistryCluster rc = new RegistryCluster(size + spares, windowMs);
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < size; i++) chain = chain.compose(v -> rc.startMember()).mapEmpty();
    return chain.map(rc);
  }

  /** Starts the next member (a new process: new port, new node id) with a registry; completes with its index. */
  Future<Integer> startMember() {
    int index = nodes.size();
    return cluster.start(index).compose(node -> {
      nodes.add(node);
      return deployRegistry(index).map(index);
    });
  }

  /**
   * Starts the next member with a bus key of its own (a member that joined without the cluster's key) and no
   * registry; it counts as member {@code index} for {@link #node}, {@link #nodeId} and {@link #client}.
   */
  Future<Integer> startStranger() {
    int index = nodes.size();
    return cluster.start(index, java.util.Map.of("cluster.bus-key", "a-key-that-is-not-the-clusters-" + java.util.UUID.randomUUID()))
      .map(node -> {
        nodes.add(node);
        return index;
      });
  }

  /** Deploys one more registry instance on member {@code index}; completes with its deployment id. */
  Future<String> deployRegistry(int index) {
    NodeBootstrap.Node node = nodes.get(index);
    LiveConfig config = new LiveConfig(cluster.config(index).with("wnet.takeover-window-ms", windowMs));
    return node.vertx().deployVerticle(new BotRegistryVerticle(new ServiceContext(node.vertx(), config, node.cluster(),
      Clock.systemUTC())));
  }

  /**
   * Kills member {@code index} as a crash would: its Hazelcast stops without leaving, so the others notice only
   * when the connection drops. (Its Vert.x lives on in this JVM: tests make its endpoints fall silent too.)
   */
  Future<Void> kill(int index) {
    HazelcastInstance doomed = view(index).hazelcast();
    return nodes.get(0).vertx().executeBlocking(() -> {
      doomed.getLifecycleService().terminate();
      return null;
    });
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

  /** Closes {@code cluster} if it was started, then completes {@code test} (for {@code @AfterEach}/{@code @AfterAll}). */
  static void closeThenComplete(RegistryCluster cluster, VertxTestContext test) {
    if (cluster == null) {
      test.completeNow();
      return;
    }
    cluster.close().onComplete(test.succeedingThenComplete());
  }
}
