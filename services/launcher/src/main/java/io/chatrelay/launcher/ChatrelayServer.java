package io.chatrelay.launcher;

import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One running chatrelay process: the node (local or clustered Vert.x), the chosen services deployed in start
 * order, and the settings kept live by {@link ConfigReloader}.
 */
public final class ChatrelayServer {
  private static final Logger LOG = LoggerFactory.getLogger(ChatrelayServer.class);

  private final NodeBootstrap.Node node;
  private final LiveConfig config;
  private final List<String> deployments;
  private final ConfigReloader reloader;

  private ChatrelayServer(NodeBootstrap.Node node, LiveConfig config, List<String> deployments, ConfigReloader reloader) {
    this.node = node;
    this.config = config;
    this.deployments = deployments;
    this.reloader = reloader;
  }

  /**
   * Starts the node and deploys {@code services} one after the other; {@code reload} re-reads the settings
   * (file, environment, options) when asked. If any service fails to start, everything started is closed.
   */
  public static Future<ChatrelayServer> start(ChatrelayConfig initial, List<ServiceCatalog> services,
                                              Supplier<ChatrelayConfig> reload, java.nio.file.Path watchedFile) {
    initial.warnings().forEach(LOG::warn);
    LiveConfig live = new LiveConfig(initial);
    return NodeBootstrap.start(initial).compose(node -> {
      ServiceContext ctx = new ServiceContext(node.vertx(), live, node.cluster(), Clock.systemUTC());
      List<String> ids = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (ServiceCatalog service : services) {
        chain = chain.compose(v -> node.vertx().deployVerticle(service.create(ctx))
          .onSuccess(id -> LOG.info("service {} started", service.serviceName()))
          .recover(err -> Future.failedFuture(new IllegalStateException(
            "service " + service.serviceName() + " failed to start: " + err.getMessage(), err)))
          .map(id -> {
            ids.add(id);
            return null;
          }));
      }
      return chain
        .map(v -> new ChatrelayServer(node, live, ids, new ConfigReloader(node.vertx(), live, reload, watchedFile)))
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

  /** Undeploys the services in reverse start order, then leaves the cluster and closes Vert.x. */
  public Future<Void> stop() {
    reloader.stop();
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> node.vertx().undeploy(id).recover(err -> {
        LOG.warn("stopping a service failed: {}", err.getMessage());
        return Future.succeededFuture();
      }));
    }
    return chain.compose(v -> node.close());
  }
}
