package io.chatrelay.wnet;

import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.ops.NodeReports;
import io.chatrelay.shared.ops.ReadinessFlag;
import io.chatrelay.shared.ops.RefusalLog;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.tls.CertificateWatcher;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.wnet.auth.Authenticator;
import io.chatrelay.wnet.http.OriginPolicy;
import io.chatrelay.wnet.http.TrustedProxies;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.shareddata.LocalMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ws-edge} service: Protocol_4.1 ("wnet") over WebSocket. Holds the node-wide {@link WnetNode} (one
 * delivery consumer per process) and deploys {@code wnet.server-instances} {@link WsServerVerticle}s, each on its
 * own event loop, sharing the node and the connection counts. Deploy it once per process: two would register two
 * consumers on the node's delivery address and split its deliveries between two connection tables. Ready once the
 * node's consumers (deliveries, bot events, account events) are registered and every server listens.
 */
public final class WsEdgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WsEdgeVerticle.class);
  private static final String DEPLOYED_KEY = "ws-edge";

  private final ServiceContext ctx;
  private LocalMap<String, String> deployed;
  /** Readiness: every server instance listens. */
  static final String READINESS_FLAG = "ws-edge.listener";
  private ReadinessFlag listening;
  /** The wss port's certificate, kept up to date with its files (null: no TLS port). */
  private CertificateWatcher certificate;

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
    WnetSettings settings;
    TrustedProxies proxies;
    OriginPolicy origins;
    try {
      settings = WnetSettings.from(ctx.config().get());
      proxies = TrustedProxies.of(settings.trustedProxies());
      origins = OriginPolicy.of(settings.allowedOrigins());
      if (settings.proxyProtocol() && proxies.isEmpty()) {
        throw new IllegalArgumentException("wnet.proxy-protocol needs wnet.trusted-proxies: the addresses of the proxies"
          + " whose PROXY header is believed");
      }
    } catch (IllegalArgumentException e) {
      deployed.removeIfPresent(DEPLOYED_KEY, deploymentID());
      return Future.failedFuture(e);
    }
    listening = ctx.readiness().flag(READINESS_FLAG);
    WnetNode node = new WnetNode(vertx, ctx.cluster(), ctx.meters().messagesRelayed(ChatrelayMeters.PROTOCOL_WNET));
    WsServerVerticle.Shared shared = new WsServerVerticle.Shared(node, settings, ctx.clock(), new BotRegistryClient(vertx),
      new Authenticator(vertx.eventBus()), ctx.meters(),
      new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress()), proxies, origins,
      new RefusalLog(LoggerFactory.getLogger(WsServerVerticle.class), ChatrelayMeters.PROTOCOL_WNET, ctx.clock()));
    ctx.reports().register(NodeReports.WNET_CLIENTS, node::clientCounts);
    Future<CertificateWatcher> loaded = settings.tls().enabled()
      ? CertificateWatcher.start(vertx, settings.tls()) : Future.succeededFuture();
    return loaded
      .compose(watcher -> {
        this.certificate = watcher;
        return node.start().map(watcher);
      })
      .compose(watcher -> vertx.deployVerticle(() -> new WsServerVerticle(shared, watcher),
        new DeploymentOptions().setInstances(settings.serverInstances())))
      .onSuccess(id -> listening.up())
      .onSuccess(id -> LOG.info("wnet WebSocket edge listening on {}{} ({} server instances, node {})",
        settings.plainEnabled() ? "ws://" + settings.host() + ":" + settings.port() + settings.path() : "",
        settings.tls().enabled() ? (settings.plainEnabled() ? " and " : "") + "wss://" + settings.host() + ":" + settings.tls().port()
          + settings.path() : "",
        settings.serverInstances(), node.nodeId()))
      .onFailure(err -> {
        if (certificate != null) certificate.stop();
        deployed.removeIfPresent(DEPLOYED_KEY, deploymentID());
      });
  }

  @Override
  public Future<?> stop() {
    if (listening != null) listening.down("stopping");
    if (certificate != null) certificate.stop();
    ctx.reports().unregister(NodeReports.WNET_CLIENTS);
    deployed.removeIfPresent(DEPLOYED_KEY, deploymentID());
    return Future.succeededFuture();
  }
}
