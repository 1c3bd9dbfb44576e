package io.chatrelay.shared.cluster;

import io.chatrelay.shared.bus.BusKey;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.bus.WnetDeliveryCodec;
import io.chatrelay.shared.ops.NodeOps;
import io.chatrelay.shared.tls.EventBusTls;
import io.chatrelay.shared.tls.TlsFiles;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
  public static final class Node {
    private final Vertx vertx;
    private final ClusterView cluster;
    /** The Hazelcast member this class started itself (lite members), shut down after Vert.x; else null. */
    private final HazelcastInstance ownedMember;

    private Node(Vertx vertx, ClusterView cluster, HazelcastInstance ownedMember) {
      this.vertx = vertx;
      this.cluster = cluster;
      this.ownedMember = ownedMember;
    }

    public Vertx vertx() {
      return vertx;
    }

    public ClusterView cluster() {
      return cluster;
    }

    /** Closes Vert.x, then leaves the cluster (Vert.x leaves it itself unless the member was started here). */
    public Future<Void> close() {
      if (ownedMember == null) return vertx.close();
      // Vert.x's threads are gone once it is closed: the member's (blocking) shutdown gets a thread of its own.
      return vertx.close().eventually(() -> onOwnThread("chatrelay-cluster-leave", () -> {
        ownedMember.getLifecycleService().shutdown();
        return null;
      }));
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
    BusKey localKey;
    try {
      localKey = BusKey.fromConfig(cfg, null);     // refuse a missing (clustered) or short key before starting anything
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (!cfg.getBoolean("cluster.enabled")) {
      Vertx vertx = builder.with(options).build();
      NodeOps.install(vertx, registry, checkTimeoutMs);
      WnetDeliveryCodec.register(vertx);
      BusKey.install(vertx, localKey);
      return Future.succeededFuture(new Node(vertx, new LocalClusterView(), null));
    }
    EventBusOptions bus = options.getEventBusOptions();
    String host = cfg.getString("cluster.eventbus-host");
    if (!host.isBlank()) {
      bus.setHost(host);
      bus.setClusterPublicHost(host);
    }
    bus.setPort(cfg.getInt("cluster.eventbus-port"));
    try {
      EventBusTls tls = EventBusTls.read(cfg);
      if (tls != null) {
        TlsFiles.KeyCert own = tls.applyTo(bus);
        LOG.info("event bus over TLS: this member's certificate {}; peers must present one trusted by {}", own.describe(),
          tls.trustFile());
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    long started = System.nanoTime();
    Config hazelcast = HazelcastSettings.fromConfig(cfg);
    Future<HazelcastInstance> liteMember = hazelcast.isLiteMember()
      ? onOwnThread("chatrelay-cluster-join", () -> joinAsLiteMember(hazelcast, cfg.getInt("cluster.data-member-wait-seconds")))
      : Future.succeededFuture();
    return liteMember.compose(member -> {
      HazelcastClusterManager manager = member == null ? new HazelcastClusterManager(hazelcast) : new HazelcastClusterManager(member);
      // With a member started here, Vert.x no longer takes the event-bus host from Hazelcast: give it the same one.
      if (member != null && host.isBlank()) bus.setHost(member.getCluster().getLocalMember().getAddress().getHost());
      return builder.with(options).withClusterManager(manager).buildClustered()
        .map(vertx -> {
          NodeOps.install(vertx, registry, checkTimeoutMs);
          WnetDeliveryCodec.register(vertx);
          HazelcastClusterView view = new HazelcastClusterView(manager);
          BusKey.install(vertx, BusKey.fromConfig(cfg, view.nodeId()));
          LOG.info("joined cluster '{}' as node {} ({} members{}) in {} ms", cfg.getString("cluster.name"),
            view.nodeId(), view.members().size(), member == null ? "" : ", as a lite member",
            (System.nanoTime() - started) / 1_000_000);
          return new Node(vertx, view, member);
        })
        .recover(err -> {
          if (member != null) member.getLifecycleService().terminate();
          return Future.failedFuture(err);
        });
    });
  }

  /**
   * Starts a lite member and waits until the cluster has a data member: the maps Vert.x writes at join (node
   * information, event-bus subscriptions) live only on data members, so joining a cluster of lite members fails.
   * Edges that start before the bot registry or the message store (a first install) therefore wait for them.
   */
  private static HazelcastInstance joinAsLiteMember(Config config, int waitSeconds) throws InterruptedException {
    // The attribute HazelcastClusterManager sets on members it starts itself; it reads it back from this one.
    config.getMemberAttributeConfig().setAttribute(HazelcastClusterView.VERTX_NODE_ID_ATTRIBUTE, UUID.randomUUID().toString());
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    CountDownLatch dataMember = new CountDownLatch(1);
    UUID listener = member.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        if (!event.getMember().isLiteMember()) dataMember.countDown();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
      }
    });
    try {
      if (hasDataMember(member)) return member;
      LOG.info("lite member: waiting up to {} s for a data member (bot registry, message store) to join", waitSeconds);
      if (dataMember.await(waitSeconds, TimeUnit.SECONDS)) return member;
    } catch (InterruptedException e) {
      member.getLifecycleService().terminate();
      throw e;
    } finally {
      member.getCluster().removeMembershipListener(listener);
    }
    member.getLifecycleService().terminate();
    throw new IllegalStateException("no data member joined the cluster within " + waitSeconds
      + " s (cluster.data-member-wait-seconds); a lite member needs a bot registry or message store running");
  }

  /** Whether a member holding partitions (not a lite member) is in {@code member}'s cluster. */
  public static boolean hasDataMember(HazelcastInstance member) {
    return member.getCluster().getMembers().stream().anyMatch(m -> !m.isLiteMember());
  }

  /** Runs blocking work on a thread of its own (no Vert.x thread exists yet, or any more). */
  private static <T> Future<T> onOwnThread(String name, Callable<T> work) {
    Promise<T> done = Promise.promise();
    Thread thread = new Thread(() -> {
      try {
        done.complete(work.call());
      } catch (Throwable e) {
        done.fail(e);
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return done.future();
  }
}
