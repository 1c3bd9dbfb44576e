package io.chatrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One wnet WebSocket of the generator. Frames go to the current handler, except the ones a pending
 * {@link #next} is waiting for (the setup steps: {@code add@} -> {@code info@You added as bot}).
 */
final class WnetPeer {
  private final WebSocket ws;
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  private volatile Consumer<String> handler = frame -> { };

  private record Waiter(Predicate<String> match, Promise<String> frame) {
  }

  private WnetPeer(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(this::onFrame);
    ws.closeHandler(v -> {
      closed.tryComplete(ws.closeStatusCode());
      List<Waiter> pending;
      synchronized (waiters) {
        pending = new ArrayList<>(waiters);
        waiters.clear();
      }
      pending.forEach(w -> w.frame().tryFail("connection closed (" + ws.closeStatusCode() + " " + ws.closeReason() + ")"));
    });
  }

  /** Connects to the endpoint with the {@code Cookie} header {@code cookie} (null: anonymous). */
  static Future<WnetPeer> connect(WebSocketClient client, Endpoint e, String cookie) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(e.host()).setPort(e.port()).setURI(e.path())
      .setTimeout(30_000);
    if (cookie != null) options.addHeader("Cookie", cookie);
    return client.connect(options).map(WnetPeer::new);
  }

  /** The cookie the public peers send: {@code auth="type=password&auth=<URL-encoded JSON>"}. */
  static String passwordCookie(String username, String password) {
    String json = new JsonObject().put("username", username).put("password", password).encode();
    return "auth=\"type=password&auth=" + URLEncoder.encode(json, StandardCharsets.UTF_8) + "\"";
  }

  static String tokenCookie(String apiKey) {
    return "auth=\"type=token&auth=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8) + "\"";
  }

  private void onFrame(String frame) {
    Promise<String> waiting = null;
    synchronized (waiters) {
      for (int i = 0; i < waiters.size(); i++) {
        if (waiters.get(i).match().test(frame)) {
          waiting = waiters.remove(i).frame();
          break;
        }
      }
    }
    if (waiting != null) waiting.tryComplete(frame);
    else handler.accept(frame);
  }

  void handler(Consumer<String> handler) {
    this.handler = handler;
  }

  void send(String frame) {
    ws.writeTextMessage(frame);
  }

  /** The next frame that matches (arriving after this call). */
  Future<String> next(Predicate<String> match) {
    Promise<String> p = Promise.promise();
    synchronized (waiters) {
      waiters.add(new Waiter(match, p));
    }
    return p.future();
  }

  Future<String> next(String prefix) {
    return next(f -> f.startsWith(prefix));
  }

  /** Sends {@code frame} and waits for the reply starting with {@code prefix}; any {@code error@} fails it. */
  Future<String> call(String frame, String prefix, long timeoutMs) {
    Future<String> reply = next(f -> f.startsWith(prefix) || f.startsWith("error@"));
    send(frame);
    return reply.timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .compose(f -> f.startsWith(prefix) ? Future.succeededFuture(f) : Future.failedFuture(frame + " -> " + f));
  }

  /** Registers as bot {@code name}: {@code add@name} -> {@code info@You added as bot}. */
  Future<String> register(String name) {
    return call("add@" + name, "info@You added as bot", 30_000);
  }

  /** Connects this client to bot {@code name}. */
  Future<String> connectTo(String name) {
    return call("connect@" + name, "connectedto@" + name, 30_000);
  }

  /** Answers {@code mess@<sid>@<text>} with {@code scsend@<sid>@<text>} and {@code isalive} with {@code alive}. */
  WnetPeer echoBot() {
    handler(frame -> {
      if (frame.startsWith("mess@")) {
        int at = frame.indexOf('@', 5);
        ws.writeTextMessage("scsend@" + frame.substring(5, at) + frame.substring(at));
      } else if (frame.equals("isalive")) {
        ws.writeTextMessage("alive");
      }
    });
    return this;
  }

  Future<Short> closed() {
    return closed.future();
  }

  WebSocket socket() {
    return ws;
  }

  Future<Void> close() {
    return ws.isClosed() ? Future.succeededFuture() : ws.close();
  }
}
