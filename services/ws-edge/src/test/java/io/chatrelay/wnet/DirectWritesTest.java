package io.chatrelay.wnet;

import io.chatrelay.wnet.testing.Await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DirectWrites} against this Vert.x version, on a real WebSocket on 127.0.0.1: the upgraded connection's
 * write queue is swapped for the direct path (fails when a Vert.x upgrade changes the internals it relies on, so
 * idle connections would quietly cost ~4 KiB more), frames still flow in order, and a peer that does not read still
 * fills the write queue (the edge's {@code wnet.max-queued-bytes} limit relies on it).
 */
@ExtendWith(VertxExtension.class)
class DirectWritesTest {

  @Test
  void anUpgradedConnectionWritesDirectlyInOrderAndStillReportsAFullQueue(Vertx vertx) throws Exception {
    CompletableFuture<Boolean> installed = new CompletableFuture<>();
    CompletableFuture<Integer> fullAfter = new CompletableFuture<>();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setStrictThreadMode(true))
      .webSocketHandler(ws -> {
        installed.complete(DirectWrites.install(ws) && DirectWrites.installed(ws));
        ws.setWriteQueueMaxSize(64 * 1024);
        ws.textMessageHandler(text -> {
          if (!text.equals("flood")) {
            ws.writeTextMessage(text);
            return;
          }
          // on the connection's own event loop, as the edge's sessions write
          Buffer chunk = Buffer.buffer(new byte[16 * 1024]);
          int[] written = {0};
          vertx.setPeriodic(5, id -> {
            for (int i = 0; i < 8 && !ws.writeQueueFull(); i++, written[0]++) ws.writeBinaryMessage(chunk);
            if (ws.writeQueueFull()) {
              vertx.cancelTimer(id);
              fullAfter.complete(written[0]);
            }
          });
        });
      });
    int port = Await.result(server.listen()).actualPort();
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = Await.result(client.connect(port, "127.0.0.1", "/"));
    LinkedBlockingQueue<String> echoed = new LinkedBlockingQueue<>();
    ws.textMessageHandler(echoed::add);
    assertThat(installed.get(10, TimeUnit.SECONDS)).as("the write queue was swapped").isTrue();
    for (int i = 0; i < 100; i++) ws.writeTextMessage("m" + i);
    for (int i = 0; i < 100; i++) assertThat(echoed.poll(10, TimeUnit.SECONDS)).isEqualTo("m" + i);

    // the client stops reading: the server's writes back up until its queue reports full
    ws.pause();
    ws.writeTextMessage("flood");
    assertThat(fullAfter.get(10, TimeUnit.SECONDS)).as("chunks written before the queue was full").isPositive();
    client.close();
    server.close();
  }
}
