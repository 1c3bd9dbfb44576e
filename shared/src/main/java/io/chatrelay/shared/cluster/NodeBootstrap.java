package io.chatrelay.shared.cluster;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.ops.NodeOps;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.UUID;

/**
 * Creates this process's {@link Vertx}: local, or a member of the Hazelcast cluster the settings describe. With
 * {@code admin.metrics-enabled}, Vert.x and the JVM report to a Prometheus registry that is installed, with the
 * readiness conditions, as the node's {@link NodeOps}.
 */
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
    MeterRegistry registry = cfg.getBoolean("admin.metrics-enabled")
      ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
      : new SimpleMeterRegistry();
    VertxBuilder builder = Vertx.builder();
    if (registry instanceof PrometheusMeterRegistry) {
      // A registry name of our own: Vert.x keeps registries by name JVM-wide, and tests run several nodes per JVM.
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setRegistryName("chatrelay-" + UUID.randomUUID())
        // `local` tells the servers apart (admin, WebSocket, TCP, event bus) in vertx_*_server_* series.
        .setLabels(EnumSet.of(Label.LOCAL, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
          Label.EB_SIDE)));
      builder.withMetrics(new MicrometerMetricsFactory(registry));
    }
    long checkTimeoutMs = cfg.getLong("admin.check-timeout-ms");
    if (!cfg.getBoolean("cluster.enabled")) {
      Vertx vertx = builder.with(options).build();
      NodeOps.install(vertx, registry, checkTimeoutMs);
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
    return builder.with(options).withClusterManager(manager).buildClustered()
      .map(vertx -> {
        NodeOps.install(vertx, registry, checkTimeoutMs);
        HazelcastClusterView view = new HazelcastClusterView(manager);
        LOG.info("joined cluster '{}' as node {} ({} members) in {} ms", cfg.getString("cluster.name"),
          view.nodeId(), view.members().size(), (System.nanoTime() - started) / 1_000_000);
        return new Node(vertx, view);
      });
  }
}
