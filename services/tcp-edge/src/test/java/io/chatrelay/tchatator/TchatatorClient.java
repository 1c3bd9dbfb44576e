package io.chatrelay.tchatator;

import io.chatrelay.tchatator.codec.ReplyReader;
import io.chatrelay.tchatator.codec.TchatatorReply;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A Tchatator client over a real socket for tests: sends raw bytes and hands out replies in arrival order. Promises
 * are completed outside the lock: their callbacks may use other clients, whose sockets run on other threads.
 */
final class TchatatorClient {
  /** Held for the socket's lifetime: Vert.x closes the connections of a NetClient that is garbage collected. */
  private final NetClient client;
  private final NetSocket socket;
  private final ReplyReader reader = new ReplyReader();
  private final Deque<TchatatorReply> unclaimed = new ArrayDeque<>();
  private final Deque<Promise<TchatatorReply>> waiting = new ArrayDeque<>();
  private final Promise<Void> closed = Promise.promise();
  private final Buffer received = Buffer.buffer();

  private TchatatorClient(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.handler(this::onBytes);
    socket.closeHandler(v -> {
      closed.tryComplete();
      List<Promise<TchatatorReply>> failed;
      synchronized (this) {
        failed = new ArrayList<>(waiting);
        waiting.clear();
      }
      failed.forEach(p -> p.tryFail("connection closed"));
    });
  }

  static Future<TchatatorClient> connect(Vertx vertx, int port) {
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000));
    return client.connect(port, "127.0.0.1").map(socket -> new TchatatorClient(client, socket));
  }

  /** Connects over TLS, trusting only the PEM certificates {@code trustedPem} and checking they name 127.0.0.1. */
  static Future<TchatatorClient> connectTls(Vertx vertx, int port, String trustedPem) {
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000).setSsl(true)
      .setHostnameVerificationAlgorithm("HTTPS")
      .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(trustedPem))));
    return client.connect(port, "127.0.0.1").map(socket -> new TchatatorClient(client, socket));
  }

  NetSocket socket() {
    return socket;
  }

  private void onBytes(Buffer bytes) {
    List<Runnable> completions = new ArrayList<>();
    synchronized (this) {
      received.appendBuffer(bytes);
      for (TchatatorReply reply : reader.feed(bytes)) {
        Promise<TchatatorReply> p = waiting.poll();
        if (p != null) completions.add(() -> p.complete(reply));
        else unclaimed.add(reply);
      }
    }
    completions.forEach(Runnable::run);
  }

  /** Writes {@code bytes} exactly and returns the next reply. */
  Future<TchatatorReply> send(String bytes) {
    Future<TchatatorReply> next = next();
    socket.write(Buffer.buffer(bytes.getBytes(StandardCharsets.UTF_8)));
    return next;
  }

  Future<Void> write(String bytes) {
    return write(Buffer.buffer(bytes.getBytes(StandardCharsets.UTF_8)));
  }

  Future<Void> write(Buffer bytes) {
    return socket.write(bytes);
  }

  /** The next reply or push not handed out yet. */
  synchronized Future<TchatatorReply> next() {
    TchatatorReply ready = unclaimed.poll();
    if (ready != null) return Future.succeededFuture(ready);
    if (closed.future().isComplete()) return Future.failedFuture("connection closed");
    Promise<TchatatorReply> p = Promise.promise();
    waiting.add(p);
    return p.future();
  }

  /** Completes when the server closes the connection. */
  Future<Void> closed() {
    return closed.future();
  }

  synchronized int receivedBytes() {
    return received.length();
  }

  synchronized String receivedText() {
    return received.toString(StandardCharsets.UTF_8);
  }

  Future<Void> close() {
    return client.close();
  }
}
