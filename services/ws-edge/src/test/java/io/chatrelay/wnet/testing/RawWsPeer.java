package io.chatrelay.wnet.testing;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket peer written by hand on a plain TCP socket, for what a well-behaved client library never does:
 * never answering pings (a half-dead peer) or never reading (a slow reader). It can only send text frames.
 */
public final class RawWsPeer implements AutoCloseable {
  private final NetClient client;
  private final NetSocket socket;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private RawWsPeer(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.closeHandler(v -> closed.complete(null));
  }

  /** Opens the connection and completes the upgrade; afterwards everything received is read and dropped. */
  public static RawWsPeer connect(Vertx vertx, int port) {
    // a small receive buffer so that a peer which stops reading pushes back on the server quickly
    NetClient client = vertx.createNetClient(new NetClientOptions().setReceiveBufferSize(4096));
    NetSocket socket = Await.result(client.connect(port, "127.0.0.1"));
    Promise<Void> upgraded = Promise.promise();
    Buffer received = Buffer.buffer();
    socket.handler(data -> {
      if (upgraded.future().isComplete()) return;
      received.appendBuffer(data);
      String head = received.toString(StandardCharsets.ISO_8859_1);
      if (head.contains("\r\n\r\n")) {
        if (head.startsWith("HTTP/1.1 101")) upgraded.complete();
        else upgraded.fail("upgrade refused: " + head.lines().findFirst().orElse(""));
      }
    });
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    socket.write("GET /wnet/ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
    Await.result(upgraded.future());
    return new RawWsPeer(client, socket);
  }

  /** Sends one masked, final text frame (RFC 6455 5.2). */
  public void sendText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    Buffer frame = Buffer.buffer().appendByte((byte) 0x81);
    if (payload.length < 126) {
      frame.appendByte((byte) (0x80 | payload.length));
    } else {
      frame.appendByte((byte) (0x80 | 126)).appendUnsignedShort(payload.length);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.appendBytes(mask);
    for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
    socket.write(frame.appendBytes(payload));
  }

  /** Stops reading: the server's frames pile up in TCP buffers and then in its outbound queue. */
  public void stopReading() {
    socket.pause();
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) Await.result(socket.close());
    client.close();
  }
}
