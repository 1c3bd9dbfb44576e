package io.chatrelay.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** A wnet peer on a real WebSocket to 127.0.0.1, driven from the test thread: received frames are read in order. */
final class WnetSocket implements AutoCloseable {
  private final WebSocketClient client;
  private final WebSocket ws;
  private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  /** "code reason" of the server's close frame, once the connection is closed. */
  private final CompletableFuture<String> closed = new CompletableFuture<>();

  /** A received text frame and when it arrived ({@link System#nanoTime}). */
  record Frame(String text, long arrivedNanos) {
  }

  private WnetSocket(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(text -> frames.add(new Frame(text, System.nanoTime())));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode() + " " + ws.closeReason()));
  }

  /** Waits (10 s at most) for the connection to close; returns the server's close code and reason, "1008 why". */
  String awaitClose() throws Exception {
    return closed.get(10, TimeUnit.SECONDS);
  }

  /** Connects to {@code /wnet/ws} on {@code port} with the API key's {@code auth} cookie (null: anonymous). */
  static WnetSocket connect(Vertx vertx, int port, String apiKey) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/wnet/ws");
    if (apiKey != null) options.addHeader("Cookie", "auth=\"type=token&auth=" + apiKey + "\"");
    WebSocketClient client = vertx.createWebSocketClient();
    return new WnetSocket(client, client.connect(options).await(10, TimeUnit.SECONDS));
  }

  WnetSocket send(String frame) {
    ws.writeTextMessage(frame);
    return this;
  }

  /** The next frame, which must be {@code expected}. */
  void expect(String expected) throws InterruptedException {
    assertThat(next()).isEqualTo(expected);
  }

  /** The next frame, which must start with {@code prefix}. */
  String expectPrefix(String prefix) throws InterruptedException {
    String frame = next();
    assertThat(frame).startsWith(prefix);
    return frame;
  }

  private String next() throws InterruptedException {
    Frame frame = frames.poll(10, TimeUnit.SECONDS);
    assertThat(frame).as("a frame within 10 s").isNotNull();
    return frame.text();
  }

  /** The first frame that matches, skipping the others; fails after {@code within}. */
  Frame await(Predicate<String> match, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    List<String> skipped = new ArrayList<>();
    while (true) {
      Frame frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (frame == null) throw new AssertionError("no matching frame within " + within + "; skipped: " + skipped);
      if (match.test(frame.text())) return frame;
      if (skipped.size() < 20) skipped.add(frame.text());
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
