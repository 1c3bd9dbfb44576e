package io.chatrelay.shared.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.chatrelay.shared.testing.TestCluster;

import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code cluster.lite-member}: a member that holds no partitions, waits at start for a data member (Vert.x writes
 * to the cluster's maps when it joins), and leaves the cluster when its node closes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LiteMemberBootstrapTest {
  private static final Map<String, Object> LITE = Map.of("cluster.lite-member", true);

  private final TestCluster cluster = new TestCluster(2);
  private final List<NodeBootstrap.Node> nodes = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (NodeBootstrap.Node n : nodes) n.close().await(30, TimeUnit.SECONDS);
  }

  private NodeBootstrap.Node started(Future<NodeBootstrap.Node> start) throws Exception {
    NodeBootstrap.Node node = start.await(60, TimeUnit.SECONDS);
    nodes.add(node);
    return node;
  }

  private static HazelcastInstance hazelcast(NodeBootstrap.Node node) {
    return ((HazelcastClusterView) node.cluster()).hazelcast();
  }

  /** The Hazelcast members of this test's cluster running in this JVM. */
  private List<HazelcastInstance> membersOfThisCluster() {
    return Hazelcast.getAllHazelcastInstances().stream()
      .filter(h -> h.getLifecycleService().isRunning() && h.getConfig().getClusterName().equals(cluster.name())).toList();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 30 s: " + what);
      Thread.sleep(20);
    }
  }

  @Test
  void aLiteMemberStartedFirstWaitsForADataMemberAndHoldsNoPartitions() throws Exception {
    Future<NodeBootstrap.Node> liteStart = NodeBootstrap.start(cluster.config(0, LITE));
    // Its Hazelcast member is up, alone in the cluster: the node must not be started yet.
    await(() -> membersOfThisCluster().size() == 1 && membersOfThisCluster().get(0).getCluster().getMembers().size() == 1,
      "the lite member alone in the cluster");
    assertThat(membersOfThisCluster().get(0).getCluster().getLocalMember().isLiteMember()).isTrue();
    assertThat(liteStart.isComplete()).as("started without a data member").isFalse();

    NodeBootstrap.Node data = started(NodeBootstrap.start(cluster.config(1)));
    NodeBootstrap.Node lite = started(liteStart);
    assertThat(hazelcast(lite).getCluster().getLocalMember().isLiteMember()).isTrue();
    assertThat(hazelcast(data).getCluster().getLocalMember().isLiteMember()).isFalse();
    // Vert.x node ids of both are known on both (the lite member's id attribute was set before it started).
    assertThat(lite.cluster().members()).containsExactlyInAnyOrder(lite.cluster().nodeId(), data.cluster().nodeId());
    assertThat(data.cluster().members()).isEqualTo(lite.cluster().members());

    // Every partition is owned by the data member; entries written through the lite member live there.
    IMap<Integer, Integer> map = hazelcast(lite).getMap("lite-test");
    for (int i = 0; i < 500; i++) map.put(i, i);
    assertThat(hazelcast(lite).getPartitionService().getPartitions())
      .allSatisfy(p -> assertThat(p.getOwner()).isEqualTo(hazelcast(data).getCluster().getLocalMember()));
    assertThat(map.getLocalMapStats().getOwnedEntryCount()).isZero();
    assertThat(hazelcast(data).getMap("lite-test").getLocalMapStats().getOwnedEntryCount()).isEqualTo(500);

    // The event bus works both ways between them.
    data.vertx().eventBus().consumer("lite-test.data", m -> m.reply("from data")).completion().await(10, TimeUnit.SECONDS);
    lite.vertx().eventBus().consumer("lite-test.lite", m -> m.reply("from lite")).completion().await(10, TimeUnit.SECONDS);
    assertThat(lite.vertx().eventBus().request("lite-test.data", "?").await(10, TimeUnit.SECONDS).body()).isEqualTo("from data");
    assertThat(data.vertx().eventBus().request("lite-test.lite", "?").await(10, TimeUnit.SECONDS).body()).isEqualTo("from lite");

    // Closing the node leaves the cluster: the member it started is shut down.
    String liteId = lite.cluster().nodeId();
    nodes.remove(lite);
    lite.close().await(30, TimeUnit.SECONDS);
    assertThat(membersOfThisCluster()).singleElement().isSameAs(hazelcast(data));
    await(() -> !data.cluster().isMember(liteId), "the lite member gone from the data member's view");
  }

  @Test
  void aLiteMemberGivesUpWhenNoDataMemberJoinsInTime() throws Exception {
    long started = System.nanoTime();
    Future<NodeBootstrap.Node> start = NodeBootstrap.start(cluster.config(0, LITE).with("cluster.data-member-wait-seconds", 1));
    assertThatThrownBy(() -> start.await(30, TimeUnit.SECONDS))
      .hasMessageContaining("no data member joined the cluster within 1 s (cluster.data-member-wait-seconds)");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(1000);
    // It left: nothing of it keeps the port or the cluster name.
    assertThat(membersOfThisCluster()).isEmpty();
  }
}
