package io.chatrelay.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 in front of a real server (here PostgreSQL) that a test can cut and restore, to make
 * the database unreachable the way a network failure or a stopped database would.
 */
final class CuttableProxy {
  private final Vertx vertx;
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private NetServer server;

  CuttableProxy(Vertx vertx, int port, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.port = port;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  int port() {
    return port;
  }

  Future<Void> open() {
    var client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(front -> {
      front.pause();
      open.add(front);
      front.closeHandler(v -> open.remove(front));
      client.connect(targetPort, targetHost).onSuccess(back -> {
        open.add(back);
        back.closeHandler(v -> open.remove(back));
        // Each side's end closes the other (pipeTo ends its destination).
        front.pipeTo(back);
        back.pipeTo(front);
      }).onFailure(err -> front.close());
    });
    return server.listen(port, "127.0.0.1").mapEmpty();
  }

  /** Stops accepting and drops every relayed connection. */
  Future<Void> cut() {
    Future<Void> closed = server.close();
    open.forEach(NetSocket::close);
    return closed;
  }
}
