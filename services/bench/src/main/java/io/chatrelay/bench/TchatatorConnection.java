package io.chatrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;

/**
 * One Tchatator connection of the generator: a request written whole, its reply read up to the empty line that
 * ends every reply. One request at a time (the C client's pattern).
 */
final class TchatatorConnection {
  private final NetSocket socket;
  private Buffer received = Buffer.buffer();
  private Promise<String> waiting;

  private TchatatorConnection(NetSocket socket) {
    this.socket = socket;
    socket.handler(this::onBytes);
    socket.closeHandler(v -> fail("connection closed by the server"));
  }

  static Future<TchatatorConnection> connect(NetClient client, int port) {
    return client.connect(port, "127.0.0.1").map(TchatatorConnection::new);
  }

  /** Writes {@code request} and returns the text of its reply (without the final empty line). */
  Future<String> request(String request) {
    Promise<String> reply = Promise.promise();
    synchronized (this) {
      if (waiting != null) return Future.failedFuture("a request is already waiting for its reply");
      waiting = reply;
    }
    socket.write(Buffer.buffer(request.getBytes(StandardCharsets.UTF_8)));
    return reply.future();
  }

  /** {@link #request}, failed unless the reply's status line starts with {@code 200}. */
  Future<String> expectOk(String request) {
    return request(request).compose(r -> r.startsWith("200") ? Future.succeededFuture(r)
      : Future.failedFuture("reply " + r.lines().findFirst().orElse("") + " to " + request.lines().findFirst().orElse("")
        + (r.contains("reason:") ? " (" + r.substring(r.indexOf("reason:")).lines().findFirst().orElse("") + ")" : "")));
  }

  private void onBytes(Buffer bytes) {
    Promise<String> done = null;
    String reply = null;
    synchronized (this) {
      received.appendBuffer(bytes);
      int end = indexOfEmptyLine(received);
      if (end >= 0) {
        reply = received.getString(0, end, "UTF-8");
        received = received.getBuffer(end + 1, received.length());
        done = waiting;
        waiting = null;
      }
    }
    if (done != null) done.complete(reply);
  }

  private void fail(String why) {
    Promise<String> done;
    synchronized (this) {
      done = waiting;
      waiting = null;
    }
    if (done != null) done.tryFail(why);
  }

  private static int indexOfEmptyLine(Buffer b) {
    for (int i = 0; i + 1 < b.length(); i++) {
      if (b.getByte(i) == '\n' && b.getByte(i + 1) == '\n') return i + 1;
    }
    return -1;
  }

  Future<Void> close() {
    socket.closeHandler(null);
    return socket.close();
  }
}
