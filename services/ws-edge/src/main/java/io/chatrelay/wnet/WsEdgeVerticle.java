package io.chatrelay.wnet;

import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.ops.NodeReports;
import io.chatrelay.shared.ops.ReadinessFlag;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.wnet.auth.Authenticator;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.shareddata.LocalMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ws-edge} service: Protocol_4.1 ("wnet") over WebSocket. Holds the node-wide {@link WnetNode} (one
 * delivery consumer per process) and deploys {@code wnet.server-instances} {@link WsServerVerticle}s, each on its
 * own event loop, sharing the node. Deploy it once per process: two would register two consumers on the node's
 * delivery address and split its deliveries between two connection tables. Ready once the node's consumers are
 * registered and every server listens.
 */
public final class WsEdgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WsEdgeVerticle.class);
  private static final String DEPLOYED_KEY = "ws-edge";

  private final ServiceContext ctx;
  private LocalMap<String, String> deployed;
  /** Readiness: every server instance listens. */
  static final String READINESS_FLAG = "ws-edge.listener";
  private ReadinessFlag listening;

  public WsEdgeVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    deployed = vertx.sharedData().getLocalMap(WsEdgeVerticle.class.getName());
    if (deployed.putIfAbsent(DEPLOYED_KEY, deploymentID()) != null) {
      return Future.failedFuture(new IllegalStateException(
        "ws-edge is already deployed in this process; set wnet.server-instances for more event loops"));
    }
    WnetSettings settings = WnetSettings.from(ctx.config().get());
    listening = ctx.readiness().flag(READINESS_FLAG);
    WnetNode node = new WnetNode(vertx, ctx.cluster(), ctx.meters().messagesRelayed(ChatrelayMeters.PROTOCOL_WNET));
    BotRegistryClient registry = new BotRegistryClient(vertx);
    Authenticator authenticator = new Authenticator(vertx.eventBus());
    ctx.reports().register(NodeReports.WNET_CLIENTS, node::clientCounts);
    return node.start()
      .compose(v -> vertx.deployVerticle(() -> new WsServerVerticle(node, settings, ctx.clock(), registry, authenticator, ctx.meters()),
        new DeploymentOptions().setInstances(settings.serverInstances())))
      .onSuccess(id -> listening.up())
      .onSuccess(id -> LOG.info("wnet WebSocket edge listening on {}:{}{} ({} server instances, node {})",
        settings.host(), settings.port(), settings.path(), settings.serverInstances(), node.nodeId()))
      .onFailure(err -> deployed.removeIfPresent(DEPLOYED_KEY, deploymentID()));
  }

  @Override
  public Future<?> stop() {
    if (listening != null) listening.down("stopping");
    ctx.reports().unregister(NodeReports.WNET_CLIENTS);
    deployed.removeIfPresent(DEPLOYED_KEY, deploymentID());
    return Future.succeededFuture();
  }
}
