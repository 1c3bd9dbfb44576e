package io.chatrelay.launcher;

import io.chatrelay.shared.cluster.HazelcastClusterView;
import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.ops.NodeOps;
import io.chatrelay.shared.ops.ReadinessFlag;
import io.chatrelay.shared.service.ServiceContext;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One running chatrelay process: the node (local or clustered Vert.x), the admin server (probes, metrics, the
 * operators' console), the node's status responder ({@link NodeStatusVerticle}), the chosen services deployed in
 * start order, and the settings kept live by {@link ConfigReloader}.
 * <p>
 * Readiness ({@code /health/ready}) holds the condition {@value #SERVICES_CHECK}: down until every service has
 * started, down again as the very first step of {@link #stop()}; with {@code cluster.enabled} also
 * {@value #CLUSTER_CHECK} ({@link ClusterReadiness}: a data member once the cluster was safe after it joined, a lite
 * member while the cluster has a data member).
 */
public final class ChatrelayServer {
  static final String SERVICES_CHECK = "services";
  static final String CLUSTER_CHECK = "cluster";
  private static final Logger LOG = LoggerFactory.getLogger(ChatrelayServer.class);

  private final NodeBootstrap.Node node;
  private final LiveConfig config;
  private final AdminServer admin;
  private final ReadinessFlag servicesReady;
  private final List<String> deployments;
  private final ConfigReloader reloader;

  private ChatrelayServer(NodeBootstrap.Node node, LiveConfig config, AdminServer admin, ReadinessFlag servicesReady,
                          List<String> deployments, ConfigReloader reloader) {
    this.node = node;
    this.config = config;
    this.admin = admin;
    this.servicesReady = servicesReady;
    this.deployments = deployments;
    this.reloader = reloader;
  }

  /**
   * Starts the node, the admin server (unless {@code admin.enabled} is false) and deploys {@code services} one after
   * the other; {@code reload} re-reads the settings (file, environment, options) when asked. If anything fails to
   * start, everything started is closed.
   */
  public static Future<ChatrelayServer> start(ChatrelayConfig initial, List<? extends ServiceFactory> services,
                                              Supplier<ChatrelayConfig> reload, Path watchedFile) {
    initial.warnings().forEach(LOG::warn);
    LiveConfig live = new LiveConfig(initial);
    return NodeBootstrap.start(initial).compose(node -> {
      Vertx vertx = node.vertx();
      ReadinessFlag servicesReady = NodeOps.of(vertx).readiness().flag(SERVICES_CHECK);
      if (node.cluster() instanceof HazelcastClusterView member) {
        NodeOps.of(vertx).readiness().register(CLUSTER_CHECK, new ClusterReadiness(vertx, member.hazelcast()));
      }
      ServiceContext ctx = new ServiceContext(vertx, live, node.cluster(), Clock.systemUTC());
      AdminServer admin = initial.admin().enabled() ? new AdminServer(initial, new OperatorsConsole(ctx)::mount) : null;
      List<String> ids = new ArrayList<>();
      Future<Void> chain = admin == null ? Future.succeededFuture() : vertx.deployVerticle(admin).mapEmpty();
      List<String> names = services.stream().map(ServiceFactory::serviceName).toList();
      chain = chain.compose(v -> vertx.deployVerticle(new NodeStatusVerticle(ctx, names)).mapEmpty());
      for (ServiceFactory service : services) {
        chain = chain.compose(v -> vertx.deployVerticle(service.create(ctx))
          .onSuccess(id -> LOG.info("service {} started", service.serviceName()))
          .recover(err -> Future.failedFuture(new IllegalStateException(
            "service " + service.serviceName() + " failed to start: " + err.getMessage(), err)))
          .map(id -> {
            ids.add(id);
            return null;
          }));
      }
      return chain
        .map(v -> {
          servicesReady.up();
          return new ChatrelayServer(node, live, admin, servicesReady, ids,
            new ConfigReloader(vertx, live, reload, watchedFile));
        })
        .recover(err -> node.close().transform(ignored -> Future.failedFuture(err)));
    });
  }

  public NodeBootstrap.Node node() {
    return node;
  }

  public LiveConfig config() {
    return config;
  }

  public ConfigReloader reloader() {
    return reloader;
  }

  /** The admin server's port, or -1 when {@code admin.enabled} is false. */
  public int adminPort() {
    return admin == null ? -1 : admin.actualPort();
  }

  /**
   * The graceful stop, bounded by {@code shutdown.timeout-seconds} (read now, so a reload applies): readiness
   * turns false first; after {@code shutdown.drain-seconds} the services are undeployed in reverse start order
   * (each one's {@code stop()} closes its peers cleanly); then the node leaves the cluster and Vert.x closes.
   * Services that overrun their share of the time are abandoned, so that leaving the cluster still happens.
   */
  public Future<Void> stop() {
    servicesReady.down("shutting down");
    reloader.stop();
    ChatrelayConfig cfg = config.get();
    long timeoutMs = TimeUnit.SECONDS.toMillis(cfg.shutdown().timeoutSeconds());
    long drainMs = Math.min(TimeUnit.SECONDS.toMillis(cfg.shutdown().drainSeconds()), timeoutMs / 2);
    // Leaving the cluster (Hazelcast hands this member's partitions over) keeps a fifth of the time for itself.
    long servicesDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs - timeoutMs / 5);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    Vertx vertx = node.vertx();
    Future<Void> chain = Future.succeededFuture();
    if (drainMs > 0) {
      LOG.info("not ready any more; waiting {} ms for load balancers to stop sending connections", drainMs);
      chain = vertx.timer(drainMs).mapEmpty();
    }
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id).recover(err -> {
        LOG.warn("stopping a service failed: {}", err.getMessage());
        return Future.succeededFuture();
      }));
    }
    Future<Void> servicesStopped = chain
      .timeout(remainingMs(servicesDeadline), TimeUnit.MILLISECONDS)
      .recover(err -> {
        LOG.warn("services did not stop within shutdown.timeout-seconds; leaving the cluster anyway");
        return Future.succeededFuture();
      });
    // Vert.x's own threads are gone once it is closed: the last step must not be bound to one of its contexts.
    Promise<Void> closed = Promise.promise();
    servicesStopped.onComplete(v -> Future.fromCompletionStage(node.close().toCompletionStage().toCompletableFuture()
      .orTimeout(remainingMs(deadline), TimeUnit.MILLISECONDS)).onComplete(closed));
    return closed.future();
  }

  private static long remainingMs(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }
}
