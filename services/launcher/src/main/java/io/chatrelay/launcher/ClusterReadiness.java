package io.chatrelay.launcher;

import com.hazelcast.core.HazelcastInstance;
import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.ops.HealthContributor;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The readiness condition {@value ChatrelayServer#CLUSTER_CHECK} of a clustered process. It never follows
 * Hazelcast's "cluster safe" for long, since that turns false on EVERY member whenever partitions migrate (a data
 * member joins, leaves or dies): readiness built on it would empty every Service at once.
 * <ul>
 *   <li>A lite member (the edges, {@code cluster.lite-member}) owns no partitions: it is ready while its cluster has
 *   a data member, without which no cluster-wide map (event-bus subscriptions, bot names) can be read.</li>
 *   <li>A data member (bot registry, message store) is ready once the cluster has been safe after it joined, so
 *   that its share of partitions and backups is in place before a rollout or a drain takes the next data member
 *   down; from then on, as long as its Hazelcast member runs.</li>
 * </ul>
 */
final class ClusterReadiness implements HealthContributor {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterReadiness.class);

  private final Vertx vertx;
  private final HazelcastInstance member;
  private volatile boolean safeSinceJoin;

  ClusterReadiness(Vertx vertx, HazelcastInstance member) {
    this.vertx = vertx;
    this.member = member;
  }

  @Override
  public Future<Void> check() {
    if (!member.getLifecycleService().isRunning()) return Future.failedFuture("no longer a cluster member");
    if (member.getCluster().getLocalMember().isLiteMember()) {
      return NodeBootstrap.hasDataMember(member) ? Future.succeededFuture()
        : Future.failedFuture("no data member in the cluster (bot registry, message store)");
    }
    if (safeSinceJoin) return Future.succeededFuture();
    // isClusterSafe() asks every member: not on the event loop.
    return vertx.executeBlocking(() -> member.getPartitionService().isClusterSafe(), false).compose(safe -> {
      if (!safe) return Future.failedFuture("joining: partitions migrating or backups missing");
      if (!safeSinceJoin) {
        safeSinceJoin = true;
        LOG.info("cluster safe since this data member joined; readiness no longer follows partition migrations");
      }
      return Future.succeededFuture();
    });
  }
}
