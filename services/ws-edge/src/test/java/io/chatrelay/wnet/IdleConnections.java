package io.chatrelay.wnet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark helper run in its own JVM, so that client objects do not count in the server's heap: opens
 * {@code count} idle wnet connections to 127.0.0.1:{@code port}, prints {@value #READY} on standard error (standard
 * output has the logs), and holds them until its standard input closes.
 */
public final class IdleConnections {
  static final String READY = "READY";

  private IdleConnections() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(count));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/wnet/ws");
    int batch = 100;
    for (int opened = 0; opened < count; opened += batch) {
      List<Future<?>> connecting = new ArrayList<>();
      for (int i = opened; i < Math.min(count, opened + batch); i++) connecting.add(client.connect(options));
      Future.all(connecting).toCompletionStage().toCompletableFuture().get();
    }
    System.err.println(READY);
    System.err.flush();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (in.readLine() != null) {
        // hold the connections until the benchmark closes our input
      }
    }
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }
}
