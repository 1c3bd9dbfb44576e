package io.chatrelay.launcher;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.core.HazelcastInstance;
import io.chatrelay.shared.cluster.HazelcastClusterView;
import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestCluster;
import io.chatrelay.shared.testing.TestPorts;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.chatrelay.launcher.ChatrelayServer.CLUSTER_CHECK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readiness condition "cluster" on real Hazelcast members (issue 9: readiness must not flap every pod when a
 * partition migrates). The cluster is made unsafe on purpose and kept so: in state NO_MIGRATION, a data member
 * that dies leaves its backups missing until the state is ACTIVE again.
 */
@ExtendWith(VertxExtension.class)
class ClusterReadinessTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private final TestCluster cluster = new TestCluster(5);
  private final List<ChatrelayServer> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ChatrelayServer server : servers) server.stop().otherwiseEmpty().await(30, TimeUnit.SECONDS);
    cluster.close().await(30, TimeUnit.SECONDS);
  }

  /** A process with an admin server and no service, as member {@code index}. */
  private ChatrelayServer server(int index, boolean lite) throws Exception {
    ChatrelayConfig cfg = cluster.config(index, Map.of("admin.host", "127.0.0.1", "admin.port", TestPorts.free(),
      "shutdown.drain-seconds", 0, "cluster.lite-member", lite));
    ChatrelayServer server = ChatrelayServer.start(cfg, List.of(), () -> cfg, null).await(60, TimeUnit.SECONDS);
    servers.add(server);
    return server;
  }

  private static HazelcastInstance hazelcast(NodeBootstrap.Node node) {
    return ((HazelcastClusterView) node.cluster()).hazelcast();
  }

  private static AdminProbe.Reply probe(Vertx vertx, ChatrelayServer server) throws Exception {
    return new AdminProbe(vertx, server.adminPort()).getNow(AdminServer.READY_PATH);
  }

  private static AdminProbe.Reply awaitReady(Vertx vertx, ChatrelayServer server) throws Exception {
    return AdminProbe.awaitReadiness(vertx, server.adminPort(), r -> r.status() == 200, PATIENCE);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + PATIENCE + ": " + what);
      Thread.sleep(20);
    }
  }

  /** Kills a data member with migrations off: the cluster stays unsafe (backups missing) until {@link #migrate}. */
  private static void makeUnsafe(HazelcastInstance any, NodeBootstrap.Node victim) throws InterruptedException {
    any.getCluster().changeClusterState(ClusterState.NO_MIGRATION);
    int before = any.getCluster().getMembers().size();
    hazelcast(victim).getLifecycleService().terminate();
    await(() -> any.getCluster().getMembers().size() == before - 1, "the killed member removed");
    await(() -> !any.getPartitionService().isClusterSafe(), "the cluster unsafe");
  }

  private static void migrate(HazelcastInstance any) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try {
        any.getCluster().changeClusterState(ClusterState.ACTIVE);
        return;
      } catch (IllegalStateException pendingMigrations) {
        if (System.nanoTime() > deadline) throw pendingMigrations;
        Thread.sleep(50);
      }
    }
  }

  @Test
  void dataMembersAreReadyOnceSafeAfterJoiningAndStayReadyWhileTheClusterIsUnsafe(Vertx vertx) throws Exception {
    ChatrelayServer first = server(0, false);
    NodeBootstrap.Node second = cluster.start(1).await(60, TimeUnit.SECONDS);
    NodeBootstrap.Node third = cluster.start(2).await(60, TimeUnit.SECONDS);
    ChatrelayServer edge = server(3, true);
    HazelcastInstance hz = hazelcast(first.node());
    for (int i = 0; i < 1000; i++) hz.getMap("readiness-test").put(i, i);
    assertThat(awaitReady(vertx, first).check(CLUSTER_CHECK)).isEqualTo("UP");
    assertThat(awaitReady(vertx, edge).check(CLUSTER_CHECK)).isEqualTo("UP");

    // Partitions are being re-protected after a death: nobody that was ready stops being ready.
    makeUnsafe(hz, third);
    AdminProbe.Reply dataDuringMigration = probe(vertx, first);
    assertThat(dataDuringMigration.status()).as("%s", dataDuringMigration).isEqualTo(200);
    assertThat(dataDuringMigration.check(CLUSTER_CHECK)).isEqualTo("UP");
    AdminProbe.Reply liteDuringMigration = probe(vertx, edge);
    assertThat(liteDuringMigration.status()).as("%s", liteDuringMigration).isEqualTo(200);

    // A data member joining now is not ready until it has its share: a rollout waits for it.
    ChatrelayServer joining = server(4, false);
    AdminProbe.Reply waiting = probe(vertx, joining);
    assertThat(waiting.status()).isEqualTo(503);
    assertThat(waiting.check(CLUSTER_CHECK)).isEqualTo("DOWN");
    assertThat(waiting.body()).contains("joining: partitions migrating or backups missing");
    assertThat(hz.getPartitionService().isClusterSafe()).as("still unsafe when the newcomer was asked").isFalse();

    migrate(hz);
    assertThat(awaitReady(vertx, joining).check(CLUSTER_CHECK)).isEqualTo("UP");

    // Once ready, it no longer follows migrations either.
    makeUnsafe(hz, second);
    AdminProbe.Reply joinedDuringMigration = probe(vertx, joining);
    assertThat(joinedDuringMigration.status()).as("%s", joinedDuringMigration).isEqualTo(200);
    assertThat(probe(vertx, first).status()).isEqualTo(200);
    assertThat(probe(vertx, edge).status()).isEqualTo(200);
    migrate(hz);
  }

  @Test
  void aLiteMemberIsReadyWhileTheClusterHasADataMember(Vertx vertx) throws Exception {
    NodeBootstrap.Node data = cluster.start(0).await(60, TimeUnit.SECONDS);
    ChatrelayServer edge = server(1, true);
    assertThat(awaitReady(vertx, edge).check(CLUSTER_CHECK)).isEqualTo("UP");

    // Without a data member no cluster-wide map answers (subscriptions, bot names): not ready.
    data.close().await(30, TimeUnit.SECONDS);
    AdminProbe.Reply alone = AdminProbe.awaitReadiness(vertx, edge.adminPort(), r -> r.status() != 200, PATIENCE);
    assertThat(alone.status()).isEqualTo(503);
    assertThat(alone.check(CLUSTER_CHECK)).isEqualTo("DOWN");
    assertThat(alone.body()).contains("no data member in the cluster");

    cluster.start(2).await(60, TimeUnit.SECONDS);
    assertThat(awaitReady(vertx, edge).check(CLUSTER_CHECK)).isEqualTo("UP");
  }
}
