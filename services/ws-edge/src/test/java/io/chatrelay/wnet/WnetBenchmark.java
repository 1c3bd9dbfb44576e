package io.chatrelay.wnet;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestCluster;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.shared.testing.TestPorts;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Figures, not assertions: {@code cssend -> mess} round trips through a WebSocket echo bot (latency percentiles of
 * one client with one message in flight, then messages/s of several clients with a window in flight each), on one
 * process and across a 2-member cluster, and the server heap per idle connection. Excluded from the normal test
 * run; see docs/wnet-protocol.md for the command.
 */
class WnetBenchmark {
  private static final int WARMUP_ROUND_TRIPS = 5_000;
  private static final int ROUND_TRIPS = 20_000;
  private static final int CLIENTS = 8;
  private static final int WINDOW = 32;
  private static final long THROUGHPUT_MS = 5_000;
  private static final int IDLE_CONNECTIONS = 5_000;
  private static final String MESSAGE = "x".repeat(100);

  private static ChatrelayConfig benchSettings(ChatrelayConfig base) {
    return base.with("wnet.max-frames-per-second", 0).with("wnet.max-connections-per-address", 0)
      .with("wnet.host", "127.0.0.1");
  }

  @Test
  void oneProcess() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), benchSettings(TestConfigs.local()), true);
      stack.createAccount("bench", "bench-pass");
      measure("one process", stack, stack);
      idleMemory(stack);
    } finally {
      Await.result(vertx.close());
    }
  }

  @Test
  void twoMemberCluster() {
    TestCluster cluster = new TestCluster(2);
    try {
      NodeBootstrap.Node first = Await.result(cluster.start(0));
      NodeBootstrap.Node second = Await.result(cluster.start(1));
      WnetStack near = WnetStack.start(first.vertx(), first.cluster(), clusterSettings(cluster, 0), true);
      WnetStack far = WnetStack.start(second.vertx(), second.cluster(), clusterSettings(cluster, 1), false);
      near.createAccount("bench", "bench-pass");
      measure("2-member cluster (client and bot on different members)", near, far);
    } finally {
      Await.result(cluster.close());
    }
  }

  private static ChatrelayConfig clusterSettings(TestCluster cluster, int member) {
    return benchSettings(cluster.config(member, Map.of(
      "database.embedded-file", "mem:bench-" + UUID.randomUUID(),
      "accounts.password-iterations", 1000,
      "wnet.port", TestPorts.free())));
  }

  private void measure(String label, WnetStack clients, WnetStack bots) {
    echoBot(bots, "BenchBot");
    roundTrips(clients, WARMUP_ROUND_TRIPS);
    long[] nanos = roundTrips(clients, ROUND_TRIPS);
    Arrays.sort(nanos);
    String latency = String.format("wnet-bench latency, 1 message in flight, %d round trips: p50 %s  p90 %s  p99 %s"
      + "  p99.9 %s  max %s", ROUND_TRIPS, micros(nanos, 0.50), micros(nanos, 0.90), micros(nanos, 0.99),
      micros(nanos, 0.999), micros(nanos, 1.0));
    double perSecond = throughput(clients);
    String rate = String.format("wnet-bench throughput, %d clients x %d in flight for %d s: %.0f round trips/s"
      + " (%.0f frames/s through the edge)", CLIENTS, WINDOW, THROUGHPUT_MS / 1000, perSecond, perSecond * 4);
    System.out.println(String.format("wnet-bench == %s: cssend -> echo bot -> mess, %d-byte messages",
      label, MESSAGE.length()) + System.lineSeparator() + latency + System.lineSeparator() + rate);
  }

  private static String micros(long[] sorted, double quantile) {
    int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
    return String.format("%.0f µs", sorted[Math.max(0, index)] / 1000.0);
  }

  /** A bot that answers every {@code mess@<sid>@<text>} with {@code scsend@<sid>@<text>}. */
  private static void echoBot(WnetStack stack, String name) {
    WsPeer bot = stack.connect(WsPeer.passwordCookie("bench", "bench-pass"));
    bot.send("add@" + name);
    bot.expect("info@You added as bot");
    WebSocket ws = bot.socket();
    ws.textMessageHandler(frame -> {
      if (frame.startsWith("mess@")) {
        int at = frame.indexOf('@', 5);
        ws.writeTextMessage("scsend@" + frame.substring(5, at) + frame.substring(at));
      }
    });
  }

  private static WebSocket connectedClient(WnetStack stack) {
    WebSocket ws = Await.result(stack.vertx().createWebSocketClient().connect(
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(stack.port()).setURI("/wnet/ws")));
    Promise<Void> connected = Promise.promise();
    ws.textMessageHandler(frame -> connected.tryComplete());
    ws.writeTextMessage("connect@BenchBot");
    Await.result(connected.future());
    return ws;
  }

  /** One client, one message in flight: each reply sends the next message. */
  private static long[] roundTrips(WnetStack stack, int count) {
    WebSocket ws = connectedClient(stack);
    long[] nanos = new long[count];
    long[] sentAt = new long[1];
    int[] done = new int[1];
    Promise<Void> finished = Promise.promise();
    ws.textMessageHandler(frame -> {
      nanos[done[0]++] = System.nanoTime() - sentAt[0];
      if (done[0] == count) {
        finished.complete();
      } else {
        sentAt[0] = System.nanoTime();
        ws.writeTextMessage("cssend@BenchBot@" + MESSAGE);
      }
    });
    sentAt[0] = System.nanoTime();
    ws.writeTextMessage("cssend@BenchBot@" + MESSAGE);
    Await.result(finished.future().eventually(() -> ws.close()));
    return nanos;
  }

  /** Several clients, each keeping {@link #WINDOW} messages in flight until the time is up. */
  private static double throughput(WnetStack stack) {
    List<WebSocket> sockets = IntStream.range(0, CLIENTS).mapToObj(i -> connectedClient(stack)).toList();
    AtomicLong replies = new AtomicLong();
    long deadline = System.nanoTime() + THROUGHPUT_MS * 1_000_000;
    List<Promise<Void>> drained = sockets.stream().map(ws -> {
      Promise<Void> done = Promise.<Void>promise();
      int[] inFlight = {WINDOW};
      ws.textMessageHandler(frame -> {
        replies.incrementAndGet();
        if (System.nanoTime() < deadline) {
          ws.writeTextMessage("cssend@BenchBot@" + MESSAGE);
        } else if (--inFlight[0] == 0) {
          done.complete();
        }
      });
      for (int i = 0; i < WINDOW; i++) ws.writeTextMessage("cssend@BenchBot@" + MESSAGE);
      return done;
    }).toList();
    long start = System.nanoTime();
    drained.forEach(p -> Await.result(p.future()));
    double seconds = (System.nanoTime() - start) / 1e9;
    sockets.forEach(WebSocket::close);
    return replies.get() / seconds;
  }

  /** Heap of this (server) process per idle connection opened by another JVM. */
  private static void idleMemory(WnetStack stack) throws Exception {
    long before = settledHeap();
    Process clients = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx512m", "-cp", System.getProperty("java.class.path"), IdleConnections.class.getName(),
      Integer.toString(stack.port()), Integer.toString(IDLE_CONNECTIONS))
      .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try (BufferedReader err = new BufferedReader(new InputStreamReader(clients.getErrorStream(), StandardCharsets.UTF_8))) {
      assertThat(err.readLine()).isEqualTo(IdleConnections.READY);
      long after = settledHeap();
      System.out.println(String.format("wnet-bench memory: %d idle connections add %.1f MiB of heap: %.1f KiB per connection",
        IDLE_CONNECTIONS, (after - before) / 1048576.0, (after - before) / 1024.0 / IDLE_CONNECTIONS));
    } finally {
      clients.getOutputStream().close();
      clients.waitFor();
    }
  }

  /** The least heap in use over a few full collections. */
  private static long settledHeap() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
