package io.chatrelay.tchatator;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusKey;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.MessageView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.ops.ReadinessFlag;
import io.chatrelay.shared.ops.RefusalLog;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.tls.CertificateWatcher;
import io.chatrelay.shared.tls.TlsSettings;
import io.chatrelay.tchatator.SessionRegistry.Refusal;
import io.chatrelay.tchatator.codec.ReplyEncoder;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.chatrelay.tchatator.codec.TchatatorReply;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Tchatator TCP edge: accepts connections on {@code tchatator.host}:{@code tchatator.port} (with
 * {@code tchatator.backlog} and, if {@code tchatator.proxy-protocol}, a PROXY protocol header first; these four
 * are read at start, every other setting at use), refuses one address's connections beyond
 * {@code tchatator.max-connections-per-address} with 403/DENIED and any beyond {@code tchatator.max-connections}
 * with 503/UNAVAIL (0: no limit), and gives each connection a {@link TchatatorSession}. Refusals are counted in
 * {@code chatrelay_connection_refusals_total{protocol="tchatator",reason}} and logged once a minute per address.
 * Listens once to {@link Addresses#MESSAGES_CREATED} and pushes each new message to the recipient's connections in
 * real-time mode on this edge, then marks it read; and once to {@link Addresses#ACCOUNTS_EVENTS}, ending the
 * sessions logged in with a rotated key or as a banned account.
 */
public final class TchatatorEdgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TchatatorEdgeVerticle.class);
  /** How long a stop waits for connections to finish the request they are answering. */
  private static final long SHUTDOWN_GRACE_SECONDS = 10;
  /** Readiness: the port is bound (down again as soon as the edge stops). */
  static final String READINESS_FLAG = "tcp-edge.listener";

  private final ServiceContext ctx;
  private EdgeResources edge;
  private NetServer server;
  /** The TLS port's server and certificate (null: tchatator.tls.port is 0). */
  private NetServer tlsServer;
  private CertificateWatcher certificate;
  private Runnable stopCertificateUpdates = () -> { };
  private MessageConsumer<JsonObject> created;
  private MessageConsumer<JsonObject> accountEvents;
  private ReadinessFlag listening;
  private volatile boolean running;
  /** Kept next to the connection-refusal counter: dashboards built on it go on working. */
  private Counter perAddressRefusals;
  private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
  private RefusalLog refusalLog;

  public TchatatorEdgeVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    TlsSettings tls;
    try {
      tls = TlsSettings.read(ctx.config().get(), "tchatator");
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Supplier<TchatatorSettings> settings = TchatatorSettings.live(ctx.config());
    edge = new EdgeResources(vertx, settings, new StoreClient(vertx.eventBus(), BusKey.of(vertx), settings),
      new TchatatorLog(vertx, settings, ctx.clock()),
      new SessionRegistry(ctx.meters().connections(ChatrelayMeters.PROTOCOL_TCHATATOR)),
      ctx.meters().messagesRelayed(ChatrelayMeters.PROTOCOL_TCHATATOR));
    perAddressRefusals = ctx.meters().rateLimitRefusals(ChatrelayMeters.PROTOCOL_TCHATATOR, "max-connections-per-address");
    for (Refusal r : Refusal.values()) {
      refusals.put(r, ctx.meters().connectionRefusals(ChatrelayMeters.PROTOCOL_TCHATATOR, r.meterReason));
    }
    refusalLog = new RefusalLog(LOG, "Tchatator", ctx.clock());
    listening = ctx.readiness().flag(READINESS_FLAG);
    created = vertx.eventBus().consumer(Addresses.MESSAGES_CREATED, this::deliverInRealTime);
    accountEvents = vertx.eventBus().consumer(Addresses.ACCOUNTS_EVENTS, this::accountChanged);
    ChatrelayConfig cfg = ctx.config().get();
    NetServerOptions options = new NetServerOptions()
      .setHost(cfg.getString("tchatator.host"))
      .setPort(cfg.getInt("tchatator.port"))
      .setAcceptBacklog(cfg.getInt("tchatator.backlog"))
      // behind a load balancer: the client's address comes from the PROXY header (needs netty-codec-haproxy)
      .setUseProxyProtocol(cfg.getBoolean("tchatator.proxy-protocol"))
      // finds dead peers of connections that stay silent on purpose (real-time mode has no idle timeout)
      .setTcpKeepAlive(true);
    server = vertx.createNetServer(options).connectHandler(this::accept);
    running = true;
    ctx.config().onChange(next -> {
      if (running) context.runOnContext(v -> edge.registry().all().forEach(TchatatorSession::settingsChanged));
    });
    Future<CertificateWatcher> loaded = tls.enabled() ? CertificateWatcher.start(vertx, tls) : Future.succeededFuture();
    // both consumers are registered (cluster-wide) before the first client can connect
    return Future.all(created.completion(), accountEvents.completion(), loaded)
      .compose(v -> {
        certificate = loaded.result();
        if (certificate == null) return server.listen().map(s -> "plain " + s.actualPort());
        // the TLS port: the same sessions behind TLS; its certificate follows the files (CertificateWatcher)
        NetServerOptions tlsOptions = new NetServerOptions(options).setPort(tls.port())
          .setSsl(true).setKeyCertOptions(certificate.current().options());
        tlsServer = vertx.createNetServer(tlsOptions).connectHandler(this::accept);
        stopCertificateUpdates = certificate.keepUpdated(tlsOptions.getSslOptions(), tlsServer::updateSSLOptions);
        return Future.all(server.listen(), tlsServer.listen())
          .map(all -> "plain " + server.actualPort() + ", TLS " + tlsServer.actualPort());
      })
      .onSuccess(ports -> listening.up())
      .onSuccess(ports -> LOG.info("Tchatator edge listening on {} ({})", cfg.getString("tchatator.host"), ports))
      .onFailure(err -> {
        if (certificate != null) certificate.stop();
      });
  }

  /** Lets every connection finish the requests it has received (at most the grace period), then closes. */
  @Override
  public Future<?> stop() {
    running = false;
    listening.down("stopping");
    stopCertificateUpdates.run();
    if (certificate != null) certificate.stop();
    Future<Void> tlsStopped = tlsServer == null ? Future.succeededFuture() : tlsServer.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
    return Future.join(server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS), tlsStopped)
      .eventually(() -> Future.join(created.unregister(), accountEvents.unregister()))
      .eventually(() -> edge.log().close());
  }

  private void accept(NetSocket socket) {
    String ip = socket.remoteAddress().hostAddress();
    TchatatorSettings s = edge.settings().get();
    Refusal refusal = edge.registry().admit(ip, s.maxConnectionsPerAddress(), s.maxConnections());
    if (refusal == null) {
      new TchatatorSession(edge, socket, ip).start();
      return;
    }
    refusals.get(refusal).increment();
    refusalLog.refused(ip, refusal.meterReason);
    TchatatorReply reply = switch (refusal) {
      case PER_ADDRESS_LIMIT -> {
        perAddressRefusals.increment();
        edge.log().log("", ip, "refused: more than " + s.maxConnectionsPerAddress() + " connections from this address");
        yield TchatatorReplies.refused(ReplyStatus.DENIED, TchatatorReplies.TOO_MANY_CONNECTIONS)
          .with("limit", s.maxConnectionsPerAddress()).with("scope", "address");
      }
      case MAX_CONNECTIONS -> {
        edge.log().log("", ip, "refused: the edge has " + s.maxConnections() + " connections open");
        yield TchatatorReplies.refused(ReplyStatus.UNAVAIL, TchatatorReplies.TOO_MANY_CONNECTIONS)
          .with("limit", s.maxConnections()).with("scope", "edge")
          .with("retry-after-ms", TchatatorReplies.DEFAULT_RETRY_AFTER_MS);
      }
    };
    socket.write(ReplyEncoder.encode(reply)).onComplete(v -> socket.close());
  }

  /** Ends the sessions an account change invalidates (a rotated key, a ban); other changes end nothing. */
  private void accountChanged(Message<JsonObject> message) {
    AccountEvent event;
    try {
      event = AccountEvent.fromJson(message.body());
    } catch (RuntimeException e) {
      LOG.warn("ignored an account event that does not parse: {}", e.getMessage());
      return;
    }
    if (!event.ends(AccountEvent.Method.API_KEY)) return;
    List<TchatatorSession> ended = edge.registry().sessionsOf(event.id());
    if (ended.isEmpty()) return;
    LOG.info("account {}#{} {}: ending its {} Tchatator session(s)", event.name(), event.id(), event.event(), ended.size());
    ended.forEach(session -> session.revoke(event));
  }

  private void deliverInRealTime(Message<JsonObject> event) {
    MessageView message = MessageView.fromJson(event.body());
    List<TchatatorSession> sessions = edge.registry().subscribers(message.recipientId());
    if (sessions.isEmpty()) return;
    Future.any(sessions.stream().map(s -> s.push(message)).toList())
      .compose(v -> edge.store().request(new MessageRequest.MarkRead(sessions.get(0).account(), List.of(message.id()))))
      .onFailure(e -> LOG.warn("real-time delivery of message {} not marked read (the next GET_UNREAD delivers it): {}",
        message.id(), e.getMessage()));
  }
}
