package io.chatrelay.wnet;

import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.ops.RefusalLog;
import io.chatrelay.shared.tls.CertificateWatcher;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.wnet.auth.AuthCookie;
import io.chatrelay.wnet.auth.Authenticator;
import io.chatrelay.wnet.http.OriginPolicy;
import io.chatrelay.wnet.http.TrustedProxies;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket server instance on one event loop (several share the port). Every TCP connection is admitted
 * when it opens ({@link #connected}: the process-wide and per-address counts, the handshake deadline); its
 * upgrade request is checked ({@link #request}: path, Origin, the client behind a trusted proxy), its auth
 * cookie is authenticated, and only then is it upgraded to a {@link WnetSession}. ONE keep-alive timer serves
 * all of this instance's sessions.
 */
final class WsServerVerticle extends VerticleBase {
  /**
   * After our close frame, how long a peer has to answer with its own before the TCP connection is dropped: a dead
   * or non-reading peer never answers, and its buffers should not be held for Vert.x's default 10 s.
   */
  private static final int CLOSING_TIMEOUT_SECONDS = 2;
  /** Close code for a server going away (RFC 6455 1001). */
  static final short CLOSE_GOING_AWAY = 1001;
  /** A refused connection has this long to send its request and read the refusal; then it is closed. */
  static final long REFUSAL_GRACE_MS = 1_000;
  /** Refused connections waiting for their request, per server instance; past this a refusal closes at once. */
  static final int MAX_REFUSING = 256;
  /** Left of the handshake deadline for the upgrade itself once the account service has answered. */
  private static final long UPGRADE_MARGIN_MS = 200;
  static final String HEADER_FORWARDED_FOR = "X-Forwarded-For";
  static final String HEADER_FORWARDED_PROTO = "X-Forwarded-Proto";

  /** The reasons of {@code chatrelay_connection_refusals_total{protocol="wnet",reason}}. */
  static final String REFUSED_PER_ADDRESS = "per-address-limit";
  static final String REFUSED_MAX_CONNECTIONS = "max-connections";
  static final String REFUSED_HANDSHAKE_TIMEOUT = "handshake-timeout";
  static final String REFUSED_ORIGIN = "origin";

  /** What the edge shares with every server instance. */
  record Shared(WnetNode node, WnetSettings settings, Clock clock, BotRegistryClient registry, Authenticator authenticator,
                ChatrelayMeters meters, ConnectionLimits limits, TrustedProxies proxies, OriginPolicy origins,
                RefusalLog refusals) {
  }

  private final Shared shared;
  private final WnetSettings settings;
  /** The wss certificate (null: no TLS port). */
  private final CertificateWatcher certificate;
  /** This instance's sessions; touched only on its event loop. */
  private final Set<WnetSession> sessions = new HashSet<>();
  /** This instance's connections that are not (yet) sessions; touched only on its event loop. */
  private final Map<HttpConnection, Admission> admissions = new IdentityHashMap<>();
  private int refusing;
  /** The plain (ws) and TLS (wss) servers this instance runs, one or both. */
  private final List<HttpServer> servers = new ArrayList<>();
  private Runnable stopCertificateUpdates = () -> { };

  WsServerVerticle(Shared shared, CertificateWatcher certificate) {
    this.shared = shared;
    this.settings = shared.settings();
    this.certificate = certificate;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
      .setHost(settings.host())
      .setPort(settings.port())
      .setMaxWebSocketFrameSize(settings.maxFrameBytes())
      .setMaxWebSocketMessageSize(settings.maxFrameBytes())
      .setWebSocketClosingTimeout(CLOSING_TIMEOUT_SECONDS)
      // No WebSocket extension is offered, so Netty refuses any frame with an RSV bit set (RFC 6455 5.2: close
      // 1002): Vert.x lets RSV bits through whenever a compression extension is supported, negotiated or not.
      // It also spares every connection a deflate context and the server a decompression bomb.
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false)
      // WebSocket only: no HTTP/2 upgrade or prior-knowledge preface on this port
      .setHttp2ClearTextEnabled(false)
      // Every write to a connection happens on its own event loop (sessions are confined to it): Vert.x then writes
      // straight to the channel instead of through a multi-producer queue, whose first chunk (1024 slots, ~4 KiB)
      // every HTTP connection kept for its whole life, upgraded or not (docs/benchmarks.md, idle connections).
      .setStrictThreadMode(true)
      .setUseProxyProtocol(settings.proxyProtocol())
      // the PROXY header comes first, before the connection handler runs: bound it like a handshake
      .setProxyProtocolTimeout(settings.handshakeTimeoutMs())
      .setProxyProtocolTimeoutUnit(TimeUnit.MILLISECONDS);
    if (settings.plainEnabled()) servers.add(server(options));
    if (certificate != null) {
      // wss: the same server on the TLS port; its certificate follows the files (CertificateWatcher)
      HttpServerOptions tls = new HttpServerOptions(options).setPort(settings.tls().port())
        .setSsl(true).setKeyCertOptions(certificate.current().options());
      HttpServer server = server(tls);
      servers.add(server);
      stopCertificateUpdates = certificate.keepUpdated(tls.getSslOptions(), server::updateSSLOptions);
    }
    vertx.setPeriodic(settings.pingIntervalMs(), id -> List.copyOf(sessions).forEach(WnetSession::keepAlive));
    // The first instance to start hosts the node's delivery consumer: deliveries from other members for its
    // sessions then run on their own event loop without a hand-off (WnetNode#startDeliveries).
    Future<Void> deliveries = shared.node().hostsDeliveries() ? WnetSession.DONE : shared.node().startDeliveries();
    return deliveries.compose(v -> Future.all(servers.stream().map(HttpServer::listen).toList()).mapEmpty());
  }

  private HttpServer server(HttpServerOptions options) {
    return vertx.createHttpServer(options)
      .connectionHandler(this::connected)
      .requestHandler(this::request);
  }

  /**
   * Graceful stop: every peer gets close 1001 ("going away"), the bot names held here are released in the
   * registry (awaited, so they are free before the registry itself stops), then the server closes.
   */
  @Override
  public Future<?> stop() {
    List<Future<Void>> released = new ArrayList<>();
    for (WnetSession session : List.copyOf(sessions)) {
      released.add(session.terminate(CLOSE_GOING_AWAY, "Server shutting down"));
    }
    stopCertificateUpdates.run();
    return Future.join(released).transform(ar -> Future.join(servers.stream()
      .map(server -> server.shutdown(CLOSING_TIMEOUT_SECONDS, TimeUnit.SECONDS)).toList()));
  }

  // ---- a TCP connection opens ----

  /**
   * Counts the connection before it has sent a byte: against {@code wnet.max-connections}, and against its
   * client's address unless that client is only known from the request (a trusted proxy's X-Forwarded-For).
   */
  private void connected(HttpConnection conn) {
    String peer = conn.remoteAddress(true).hostAddress();
    // the PROXY header's source (Vert.x puts it in remoteAddress()) is believed from trusted proxies only
    String address = TrustedProxies.canonical(settings.proxyProtocol() && shared.proxies().trusts(peer)
      ? conn.remoteAddress().hostAddress() : peer);
    Admission admission = new Admission(conn, address);
    admissions.put(conn, admission);
    conn.closeHandler(v -> admission.release());
    if (!shared.limits().tryOpen()) {
      admission.refuse(503, REFUSED_MAX_CONNECTIONS, "Too many connections on this server; try again later", address);
      return;
    }
    admission.countedTotal = true;
    if (!shared.proxies().trusts(address) && !admission.countAddress(address)) return;
    admission.deadlineTimer = vertx.setTimer(settings.handshakeTimeoutMs(), id -> admission.handshakeTimedOut());
  }

  // ---- its request ----

  private void request(HttpServerRequest req) {
    Admission admission = admissions.get(req.connection());
    if (admission == null) {
      // a connection that became a session never sends another request; this cannot be one of ours
      req.response().setStatusCode(400).end();
      return;
    }
    if (admission.refusal != null) {
      admission.answerRefusal(req);
      return;
    }
    if (!"websocket".equalsIgnoreCase(req.getHeader(HttpHeaders.UPGRADE))) {
      if (PeoplePage.serve(req)) return;
      req.response().setStatusCode(426).putHeader(HttpHeaders.UPGRADE, "websocket").end("WebSocket only: " + settings.path());
      return;
    }
    if (!settings.path().equals(req.path())) {
      req.response().setStatusCode(404).end();
      return;
    }
    boolean fromProxy = shared.proxies().trusts(admission.address);
    if (!shared.origins().allows(req.getHeader(HttpHeaders.ORIGIN), scheme(req, fromProxy), req.getHeader(HttpHeaders.HOST))) {
      admission.refuse(403, REFUSED_ORIGIN, "This origin may not open a WebSocket here", admission.who());
      admission.answerRefusal(req);
      return;
    }
    if (admission.client == null) {
      // behind a trusted proxy: the client is the right-most untrusted hop of X-Forwarded-For
      String client = shared.proxies().clientOf(admission.address, req.headers().getAll(HEADER_FORWARDED_FOR));
      if (!admission.countAddress(client)) {
        admission.answerRefusal(req);
        return;
      }
    }
    upgrade(req, admission);
  }

  /** The scheme the browser used: {@code X-Forwarded-Proto} from a trusted proxy (TLS ends there), else ours. */
  private static String scheme(HttpServerRequest req, boolean fromProxy) {
    String forwarded = fromProxy ? req.getHeader(HEADER_FORWARDED_PROTO) : null;
    if (forwarded != null && !forwarded.isBlank()) return forwarded.split(",")[0].trim().toLowerCase(Locale.ROOT);
    return req.isSSL() ? "https" : "http";
  }

  /**
   * Authenticates the auth cookie (bounded by what is left of the handshake time), then upgrades. The request is
   * paused meanwhile, as Vert.x requires for an upgrade that is not made at once.
   */
  private void upgrade(HttpServerRequest req, Admission admission) {
    req.pause();
    long left = admission.deadlineMs - shared.clock().millis() - UPGRADE_MARGIN_MS;
    long authTimeoutMs = Math.max(1, Math.min(settings.authTimeoutMs(), left));
    long authStarted = System.nanoTime();
    shared.authenticator().authenticate(AuthCookie.parse(req.headers().getAll(HttpHeaders.COOKIE)), admission.client, authTimeoutMs)
      .compose(auth -> {
        if (admission.released) return Future.failedFuture("the connection ended during authentication");
        return req.toWebSocket().map(ws -> {
          admission.upgraded();
          AtomicLong open = shared.meters().connections(ChatrelayMeters.PROTOCOL_WNET);
          WnetSession session = new WnetSession(shared.node(), ws, context, shared.clock(), settings, shared.registry(), auth,
            admission.client, authStarted, ended -> {
              sessions.remove(ended);
              open.decrementAndGet();
              admission.release();
            });
          sessions.add(session);
          open.incrementAndGet();
          session.start();
          return session;
        });
      })
      // a failed upgrade (a bad handshake, answered by Vert.x) leaves an HTTP connection, released when it closes
      .onFailure(err -> admission.sessionFailed());
  }

  /** One TCP connection of this instance until it is a session: what it is counted as, its deadline, its refusal. */
  private final class Admission {
    /** The HTTP connection until it is a session (then dropped: the session must not keep it and its buffers). */
    private HttpConnection conn;
    /** The TCP peer, or the client a trusted proxy's PROXY header names. */
    final String address;
    /** Whose per-address count this connection is in (null: not counted yet, e.g. behind a trusted proxy). */
    String client;
    final long deadlineMs;
    boolean countedTotal;
    long deadlineTimer = -1;
    /** The status it is answered with and why (null: not refused). */
    int refusalStatus;
    String refusal;
    /** Refused and waiting for its request (one of this instance's {@link #refusing}). */
    boolean waitingToBeRefused;
    boolean upgraded;
    boolean released;

    Admission(HttpConnection conn, String address) {
      this.conn = conn;
      this.address = address;
      this.deadlineMs = shared.clock().millis() + settings.handshakeTimeoutMs();
    }

    /** Counts this connection against {@code who}'s limit; when full, refuses it (429) and returns false. */
    boolean countAddress(String who) {
      if (!shared.limits().tryOpen(who)) {
        refuse(429, REFUSED_PER_ADDRESS, "Too many connections from your address", who);
        return false;
      }
      client = who;
      return true;
    }

    /**
     * Refuses the connection: it is counted and logged, uncounted from the limits, and answered {@code status}
     * when its request comes (within {@link #REFUSAL_GRACE_MS}), or closed at once when too many wait already.
     */
    void refuse(int status, String reason, String text, String who) {
      shared.meters().connectionRefusals(ChatrelayMeters.PROTOCOL_WNET, reason).increment();
      shared.refusals().refused(who, reason);
      uncount();
      cancelTimer();
      refusalStatus = status;
      refusal = text;
      if (refusing >= MAX_REFUSING) {
        conn.close();
        return;
      }
      refusing++;
      waitingToBeRefused = true;
      deadlineTimer = vertx.setTimer(REFUSAL_GRACE_MS, id -> conn.close());
    }

    /** The client if known, else the address the connection came from. */
    String who() {
      return client != null ? client : address;
    }

    void answerRefusal(HttpServerRequest req) {
      req.response().setStatusCode(refusalStatus).putHeader(HttpHeaders.CONNECTION, "close").end(refusal)
        .onComplete(v -> conn.close());
    }

    void handshakeTimedOut() {
      deadlineTimer = -1;
      if (upgraded || released || refusal != null) return;
      shared.meters().connectionRefusals(ChatrelayMeters.PROTOCOL_WNET, REFUSED_HANDSHAKE_TIMEOUT).increment();
      shared.refusals().refused(who(), REFUSED_HANDSHAKE_TIMEOUT);
      conn.close();
    }

    /** It is a session now: the deadline no longer applies; the counts stay until the session ends. */
    void upgraded() {
      upgraded = true;
      cancelTimer();
      admissions.remove(conn);
      conn = null;
    }

    void sessionFailed() {
      if (!upgraded) return;
      release();
    }

    /** The connection (or its session) ended: everything it was counted in is given back, once. */
    void release() {
      if (released) return;
      released = true;
      cancelTimer();
      uncount();
      if (waitingToBeRefused) refusing--;
      waitingToBeRefused = false;
      if (conn != null) admissions.remove(conn);
    }

    private void uncount() {
      if (countedTotal) shared.limits().closed();
      countedTotal = false;
      if (client != null) shared.limits().closed(client);
      client = null;
    }

    private void cancelTimer() {
      if (deadlineTimer >= 0) vertx.cancelTimer(deadlineTimer);
      deadlineTimer = -1;
    }
  }
}
