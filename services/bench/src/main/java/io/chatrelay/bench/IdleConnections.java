package io.chatrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * K idle WebSockets (anonymous wnet clients) opened from source addresses 127.0.0.2, 127.0.0.3, ... (so neither
 * the per-address limit nor one address's ephemeral ports bound K): the server's live heap per connection after a
 * full collection ({@code jcmd GC.class_histogram}, which collects first), its RSS per connection and the connect
 * rate, against a bare Vert.x echo server holding the same K. A fresh server per run, so RSS starts from the same
 * place. The classes that grew most per connection are printed: what the heap per connection is made of.
 */
@Command(name = "idle-connections", mixinStandardHelpOptions = true,
  description = "K idle WebSockets: heap and RSS per connection, connect rate; vs a bare Vert.x echo server.")
final class IdleConnections implements Scenario {
  @CommandLine.Mixin
  BenchMain.Common common = new BenchMain.Common();

  @Option(names = "--connections", description = "Idle connections K. Default: ${DEFAULT-VALUE}.")
  int connections = 5_000;

  @Option(names = "--per-address", description = "Connections per source address 127.0.0.x. Default: ${DEFAULT-VALUE}.")
  int perAddress = 1_000;

  @Option(names = "--in-flight", description = "Handshakes under way at once while connecting. Default: ${DEFAULT-VALUE}.")
  int inFlight = 100;

  private static final int TOP_CLASSES = 12;

  @Override
  public BenchMain.Common common() {
    return common;
  }

  @Override
  public String name() {
    return "idle-connections";
  }

  @Override
  public Report run(BenchEnv env) throws Exception {
    if (env.smoke()) {
      connections = 200;
      perAddress = 100;
      inFlight = 20;
    }
    JsonObject settings = new JsonObject().put("connections", connections).put("perAddress", perAddress)
      .put("inFlight", inFlight).put("sourceAddresses", (connections + perAddress - 1) / perAddress);
    Report report = new Report(env, "memory and connect rate of K idle WebSockets vs a bare Vert.x echo server", settings);
    JsonObject classes = new JsonObject();
    for (int run = 0; run < env.runs(); run++) {
      for (String target : List.of("chatrelay", "echo")) {
        ServerProcess server;
        Endpoint endpoint;
        ChatrelayNode node = null;
        EchoServer.Started echo = null;
        if (target.equals("chatrelay")) {
          node = new ChatrelayNode(env, "chatrelay-r" + run).set("wnet.max-connections-per-address", perAddress);
          node.start();
          node.awaitReady(Duration.ofSeconds(60));
          server = node.process();
          endpoint = node.wnet();
        } else {
          echo = EchoServer.start(env, "echo-server-r" + run);
          server = echo.process();
          endpoint = echo.endpoint();
        }
        try {
          Map<String, long[]> before = Proc.classHistogram(server.pid());
          long rssBefore = Proc.rssBytes(server.pid());
          List<WebSocketClient> wsClients = new ArrayList<>();
          List<WnetPeer> peers = new ArrayList<>();
          double seconds = connectAll(env, endpoint, wsClients, peers);
          Thread.sleep(1000); // let the server finish its side of the last handshakes
          Map<String, long[]> after = Proc.classHistogram(server.pid());
          long rssAfter = Proc.rssBytes(server.pid());
          long open = peers.stream().filter(p -> !p.socket().isClosed()).count();
          if (open != connections) throw new IllegalStateException(target + ": only " + open + " of " + connections + " still open");
          double heapKib = (after.get("Total")[1] - before.get("Total")[1]) / 1024.0 / connections;
          double rssKib = (rssAfter - rssBefore) / 1024.0 / connections;
          report.sample(target + ".heapKib", heapKib);
          report.sample(target + ".rssKib", rssKib);
          report.sample(target + ".connectRate", connections / seconds);
          report.note(String.format("run %d, %s: %d idle connections, heap %s KiB each, RSS %s KiB each, connected at %s/s",
            run + 1, target, connections, Stat.number(heapKib), Stat.number(rssKib), Stat.number(connections / seconds)));
          classes.put(target, growth(before, after));
          Future.join(peers.stream().map(WnetPeer::close).toList()).timeout(60, TimeUnit.SECONDS).await();
          for (WebSocketClient c : wsClients) c.close().timeout(10, TimeUnit.SECONDS).await();
        } finally {
          if (node != null) node.stop();
          if (echo != null) echo.process().stop(Duration.ofSeconds(5));
        }
      }
    }
    report.figure("chatrelay.heapKib", "chatrelay heap per idle connection", "KiB", "echo.heapKib", "bare echo");
    report.figure("chatrelay.rssKib", "chatrelay RSS per idle connection", "KiB", "echo.rssKib", "bare echo");
    report.figure("chatrelay.connectRate", "chatrelay connect rate", "/s", "echo.connectRate", "bare echo");
    for (String target : List.of("chatrelay", "echo")) {
      report.note("heap growth per connection by class, " + target + " (last run):");
      for (Object o : classes.getJsonArray(target)) {
        JsonObject c = (JsonObject) o;
        report.note(String.format("  %8.0f bytes  %6.2f instances  %s", c.getDouble("bytesPerConnection"),
          c.getDouble("instancesPerConnection"), c.getString("class")));
      }
    }
    report.put("classGrowth", classes);
    Profiles.attach(env, report);
    report.write();
    return report;
  }

  /** Opens every connection, {@code inFlight} handshakes at a time; returns the seconds it took. */
  private double connectAll(BenchEnv env, Endpoint endpoint, List<WebSocketClient> wsClients, List<WnetPeer> peers)
    throws InterruptedException {
    int addresses = (connections + perAddress - 1) / perAddress;
    if (addresses > 250) throw new IllegalArgumentException("more than 250 source addresses needed; raise --per-address");
    for (int a = 0; a < addresses; a++) {
      wsClients.add(env.vertx().createWebSocketClient(new WebSocketClientOptions().setMaxConnections(perAddress + 10)
        .setLocalAddress("127.0.0." + (a + 2))));
    }
    Semaphore slots = new Semaphore(inFlight);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong done = new AtomicLong();
    List<WnetPeer> opened = java.util.Collections.synchronizedList(peers);
    long start = System.nanoTime();
    for (int i = 0; i < connections && failure.get() == null; i++) {
      slots.acquire();
      WnetPeer.connect(wsClients.get(i / perAddress), endpoint, null).onComplete(ar -> {
        if (ar.succeeded()) opened.add(ar.result());
        else failure.compareAndSet(null, ar.cause());
        done.incrementAndGet();
        slots.release();
      });
    }
    slots.acquire(inFlight);
    if (failure.get() != null) throw new IllegalStateException("a connection failed after " + done.get(), failure.get());
    return (System.nanoTime() - start) / 1e9;
  }

  /** The classes whose live bytes grew most, per connection. */
  private JsonArray growth(Map<String, long[]> before, Map<String, long[]> after) {
    Map<String, long[]> delta = new HashMap<>();
    after.forEach((cls, v) -> {
      if (cls.equals("Total")) return;
      long[] b = before.getOrDefault(cls, new long[2]);
      delta.put(cls, new long[] {v[0] - b[0], v[1] - b[1]});
    });
    JsonArray out = new JsonArray();
    delta.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(TOP_CLASSES)
      .forEach(e -> out.add(new JsonObject().put("class", e.getKey())
        .put("bytesPerConnection", (double) e.getValue()[1] / connections)
        .put("instancesPerConnection", (double) e.getValue()[0] / connections)));
    return out;
  }
}
