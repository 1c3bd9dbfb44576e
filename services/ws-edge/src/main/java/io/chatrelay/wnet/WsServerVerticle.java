package io.chatrelay.wnet;

import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.wnet.auth.AuthCookie;
import io.chatrelay.wnet.auth.Authenticator;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket server instance on one event loop (several share the port): accepts handshakes within the
 * per-address limit, authenticates the {@code auth} cookie before accepting, and runs ONE keep-alive timer for
 * all of its connections.
 */
final class WsServerVerticle extends VerticleBase {
  /**
   * After our close frame, how long a peer has to answer with its own before the TCP connection is dropped: a dead
   * or non-reading peer never answers, and its buffers should not be held for Vert.x's default 10 s.
   */
  private static final int CLOSING_TIMEOUT_SECONDS = 2;
  /** Close code for a server going away (RFC 6455 1001). */
  static final short CLOSE_GOING_AWAY = 1001;

  private final WnetNode node;
  private final WnetSettings settings;
  private final Clock clock;
  private final BotRegistryClient registry;
  private final Authenticator authenticator;
  /** This instance's connections; touched only on its event loop. */
  private final Set<WnetSession> sessions = new HashSet<>();
  private final ChatrelayMeters meters;
  private HttpServer server;

  WsServerVerticle(WnetNode node, WnetSettings settings, Clock clock, BotRegistryClient registry, Authenticator authenticator,
                   ChatrelayMeters meters) {
    this.meters = meters;
    this.node = node;
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
    this.authenticator = authenticator;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
      .setHost(settings.host())
      .setPort(settings.port())
      .setMaxWebSocketFrameSize(settings.maxFrameBytes())
      .setMaxWebSocketMessageSize(settings.maxFrameBytes())
      .setWebSocketClosingTimeout(CLOSING_TIMEOUT_SECONDS);
    server = vertx.createHttpServer(options)
      .webSocketHandshakeHandler(this::handshake)
      .requestHandler(req -> {
        if (PeoplePage.serve(req)) return;
        req.response().setStatusCode(426).putHeader(HttpHeaders.UPGRADE, "websocket").end("WebSocket only: " + settings.path());
      });
    vertx.setPeriodic(settings.pingIntervalMs(), id -> List.copyOf(sessions).forEach(WnetSession::keepAlive));
    return server.listen();
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
    return Future.join(released).transform(ar -> server.shutdown(CLOSING_TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  private void handshake(ServerWebSocketHandshake handshake) {
    if (!settings.path().equals(handshake.path())) {
      handshake.reject(404);
      return;
    }
    String host = handshake.remoteAddress().hostAddress();
    if (!node.tryOpen(host, settings.maxConnectionsPerAddress())) {
      handshake.reject(429);
      return;
    }
    authenticator.authenticate(AuthCookie.parse(handshake.headers().getAll(HttpHeaders.COOKIE)))
      .compose(auth -> handshake.accept().map(ws -> {
        AtomicLong open = meters.connections(ChatrelayMeters.PROTOCOL_WNET);
        WnetSession session = new WnetSession(node, ws, context, clock, settings, registry, auth, host, ended -> {
          sessions.remove(ended);
          open.decrementAndGet();
        });
        sessions.add(session);
        open.incrementAndGet();
        session.start();
        return session;
      }))
      .onFailure(err -> node.released(host));
  }
}
