package io.chatrelay.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A TCP proxy on 127.0.0.1 to a target (the test PostgreSQL), for database-outage tests: {@link #cut()} drops
 * every proxied connection and closes the port (new connections are refused, as from a database that is down);
 * {@link #restore()} listens on the same port again.
 */
final class CuttableProxy {
  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private int port;
  private Supplier<Consumer<Buffer>> upstreamTaps = () -> bytes -> { };

  CuttableProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  /**
   * Every proxied connection from now on gets its own consumer from {@code taps}, which sees the bytes the client
   * sends, in order, before they are forwarded.
   */
  CuttableProxy tapUpstream(Supplier<Consumer<Buffer>> taps) {
    this.upstreamTaps = taps;
    return this;
  }

  /** Listens on a port chosen by the OS; the port. */
  Future<Integer> start() {
    return listen(0).map(p -> port = p);
  }

  int port() {
    return port;
  }

  /** Drops every connection and closes the port. */
  Future<Void> cut() {
    List<Future<Void>> closed = new ArrayList<>();
    closed.add(server.close());
    open.forEach(s -> closed.add(s.close()));
    return Future.join(closed).mapEmpty();
  }

  /** Listens on the same port again. */
  Future<Void> restore() {
    return listen(port).mapEmpty();
  }

  Future<Void> close() {
    return cut().eventually(client::close);
  }

  private Future<Integer> listen(int onPort) {
    server = vertx.createNetServer().connectHandler(this::forward);
    return server.listen(onPort, "127.0.0.1").map(NetServer::actualPort);
  }

  private void forward(NetSocket downstream) {
    downstream.pause();
    open.add(downstream);
    client.connect(targetPort, targetHost).onComplete(ar -> {
      if (ar.failed()) {
        open.remove(downstream);
        downstream.close();
        return;
      }
      NetSocket upstream = ar.result();
      open.add(upstream);
      downstream.closeHandler(v -> {
        open.remove(downstream);
        upstream.close();
      });
      upstream.closeHandler(v -> {
        open.remove(upstream);
        downstream.close();
      });
      Consumer<Buffer> tap = upstreamTaps.get();
      downstream.handler(bytes -> {
        tap.accept(bytes);
        upstream.write(bytes);
      });
      upstream.handler(downstream::write);
      downstream.resume();
    });
  }
}
