package io.chatrelay.wnet.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real WebSocket peer on 127.0.0.1 driven from the test thread: every text frame it receives is queued and
 * read back in order with a deadline.
 */
public final class WsPeer implements AutoCloseable {
  private static final AtomicInteger PROBES = new AtomicInteger();

  private final WebSocketClient client;
  private final WebSocket ws;
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();
  private volatile String closeReason;

  private WsPeer(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(frames::add);
    ws.closeHandler(v -> {
      closeReason = ws.closeReason();
      closed.complete(ws.closeStatusCode());
    });
  }

  /** Connects to {@code /wnet/ws}, with the {@code Cookie} header {@code cookie} unless null. */
  public static WsPeer connect(Vertx vertx, int port, String cookie) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/wnet/ws");
    if (cookie != null) options.addHeader("Cookie", cookie);
    WebSocketClient client = vertx.createWebSocketClient();
    // The handlers are set as the connect completes, on the connection's event loop: a frame or a close the
    // server sends at once (e.g. a session ended as it opens) is never missed.
    return Await.result(client.connect(options).map(ws -> new WsPeer(client, ws)));
  }

  /**
   * Connects over TLS (wss) to {@code /wnet/ws} on 127.0.0.1, trusting only the PEM certificates {@code trustedPem}
   * and checking that the server's certificate names 127.0.0.1.
   */
  public static WsPeer connectTls(Vertx vertx, int port, String cookie, String trustedPem) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/wnet/ws").setSsl(true);
    if (cookie != null) options.addHeader("Cookie", cookie);
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setVerifyHost(true)
      .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(trustedPem))));
    return Await.result(client.connect(options).map(ws -> new WsPeer(client, ws)));
  }

  /** The cookie a Python peer sends: {@code auth="type=password&auth=<URL-encoded JSON>"}. */
  public static String passwordCookie(String username, String password) {
    String json = new JsonObject().put("username", username).put("password", password).encode();
    return "auth=\"type=password&auth=" + URLEncoder.encode(json, StandardCharsets.UTF_8) + "\"";
  }

  public static String tokenCookie(String apiKey) {
    return "auth=\"type=token&auth=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8) + "\"";
  }

  public void send(String frame) {
    ws.writeTextMessage(frame);
  }

  public void sendBinary(Buffer data) {
    ws.writeBinaryMessage(data);
  }

  public WebSocket socket() {
    return ws;
  }

  /** The next frame received, waiting up to the deadline. */
  public String next() {
    try {
      String frame = frames.poll(Await.DEADLINE_MS, TimeUnit.MILLISECONDS);
      if (frame == null) throw new AssertionError("no frame within " + Await.DEADLINE_MS + " ms");
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public void expect(String frame) {
    assertThat(next()).isEqualTo(frame);
  }

  /** The part of the next frame after {@code prefix}, which it must start with. */
  public String expectPrefix(String prefix) {
    String frame = next();
    assertThat(frame).startsWith(prefix);
    return frame.substring(prefix.length());
  }

  /**
   * This client connects to bot {@code name}: it gets {@code connectedto@<name>}, the bot gets
   * {@code connection@<sid>@<expectedAuth>}. Returns the sid the bot was given.
   */
  public String connectTo(WsPeer bot, String name, String expectedAuth) {
    send("connect@" + name);
    expect("connectedto@" + name);
    String rest = bot.expectPrefix("connection@");
    assertThat(rest).matches("[A-Za-z0-9_-]{22}@" + Pattern.quote(expectedAuth));
    return rest.substring(0, 22);
  }

  /**
   * Proves that nothing else was sent to this peer before now: a search for a prefix no bot has must be answered
   * by the very next frame (the edge answers one connection's commands in order).
   */
  public void expectNothingElse() {
    assertThat(framesBeforeProbe()).isEmpty();
  }

  /** The frames received before the answer to a probe search sent now (see {@link #expectNothingElse}). */
  public List<String> framesBeforeProbe() {
    String probe = "list@" + "Zz" + "q".repeat(PROBES.incrementAndGet() % 10 + 1);
    send("search" + probe.substring("list".length()));
    List<String> before = new ArrayList<>();
    for (String frame = next(); !frame.equals(probe); frame = next()) before.add(frame);
    return before;
  }

  /** Waits for the connection to close and returns the close code the server sent. */
  public short awaitClose() {
    try {
      return closed.get(Await.DEADLINE_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("connection not closed within " + Await.DEADLINE_MS + " ms", e);
    }
  }

  /** The reason in the server's close frame (after {@link #awaitClose}). */
  public String closeReason() {
    return closeReason;
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) Await.result(ws.close());
    client.close();
  }
}
