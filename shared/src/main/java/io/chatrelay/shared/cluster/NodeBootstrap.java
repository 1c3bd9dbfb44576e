package io.chatrelay.shared.cluster;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates this process's {@link Vertx}: local, or a member of the Hazelcast cluster the settings describe. */
public final class NodeBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(NodeBootstrap.class);

  private NodeBootstrap() {
  }

  /** A started node: the Vert.x instance and its view of the cluster. */
  public record Node(Vertx vertx, ClusterView cluster) {
    public Future<Void> close() {
      return vertx.close();
    }
  }

  public static Future<Node> start(ChatrelayConfig cfg) {
    VertxOptions options = new VertxOptions();
    if (!cfg.getBoolean("cluster.enabled")) {
      Vertx vertx = Vertx.vertx(options);
      return Future.succeededFuture(new Node(vertx, new LocalClusterView()));
    }
    EventBusOptions bus = options.getEventBusOptions();
    String host = cfg.getString("cluster.eventbus-host");
    if (!host.isBlank()) {
      bus.setHost(host);
      bus.setClusterPublicHost(host);
    }
    bus.setPort(cfg.getInt("cluster.eventbus-port"));
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastSettings.fromConfig(cfg));
    long started = System.nanoTime();
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
      .map(vertx -> {
        HazelcastClusterView view = new HazelcastClusterView(manager);
        LOG.info("joined cluster '{}' as node {} ({} members) in {} ms", cfg.getString("cluster.name"),
          view.nodeId(), view.members().size(), (System.nanoTime() - started) / 1_000_000);
        return new Node(vertx, view);
      });
  }
}
