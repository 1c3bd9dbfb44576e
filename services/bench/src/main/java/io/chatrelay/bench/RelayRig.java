package io.chatrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * C clients and B echo bots of the wnet relay ({@code cssend@Bot@m} -> bot gets {@code mess@<sid>@m} -> bot
 * answers {@code scsend@<sid>@m} -> client gets {@code mess@Bot@m}: 4 frames through the server per round trip),
 * or C clients of a bare echo server (2 frames per round trip). Each message carries the time it was meant to be
 * sent, so a reply gives its latency without any per-message state.
 */
final class RelayRig implements AutoCloseable {
  private final WebSocketClient client;
  private final List<WnetPeer> clients;
  private final List<WnetPeer> bots;
  private final List<String> sendPrefix;
  private final int replyPrefixLength;
  private final int framesPerRoundTrip;
  private final String padding;
  private volatile Sink sink = (client, sentAt) -> { };

  /** What a reply is handed to: which client got it, the send time it carries. */
  private interface Sink {
    void reply(int client, long sentAt);
  }

  private RelayRig(WebSocketClient client, List<WnetPeer> clients, List<WnetPeer> bots, List<String> sendPrefix,
                   int replyPrefixLength, int framesPerRoundTrip, int messageBytes) {
    this.client = client;
    this.clients = clients;
    this.bots = bots;
    this.sendPrefix = sendPrefix;
    this.replyPrefixLength = replyPrefixLength;
    this.framesPerRoundTrip = framesPerRoundTrip;
    this.padding = "x".repeat(Math.max(0, messageBytes - 20));
    for (int i = 0; i < clients.size(); i++) {
      int index = i;
      clients.get(i).handler(frame -> {
        int bar = frame.indexOf('|', replyPrefixLength);
        if (bar > replyPrefixLength) sink.reply(index, Long.parseLong(frame, replyPrefixLength, bar, 10));
      });
    }
  }

  static WebSocketClient wsClient(BenchEnv env) {
    return env.vertx().createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
      .setTcpNoDelay(true).setMaxFrameSize(1 << 20));
  }

  /**
   * {@code bots} echo bots named {@code <botPrefix>0..} on {@code botSide} (token cookie), {@code clients} anonymous
   * clients on {@code clientSide}, client i connected to bot i mod bots.
   */
  static RelayRig chatrelay(BenchEnv env, Endpoint clientSide, Endpoint botSide, String botCookie, int clients, int bots,
                            String botPrefix, int messageBytes) {
    WebSocketClient ws = wsClient(env);
    List<WnetPeer> botPeers = new ArrayList<>();
    for (int b = 0; b < bots; b++) {
      WnetPeer bot = WnetPeer.connect(ws, botSide, botCookie).timeout(30, TimeUnit.SECONDS).await();
      bot.register(botPrefix + name(b)).timeout(30, TimeUnit.SECONDS).await();
      botPeers.add(bot.echoBot());
    }
    List<WnetPeer> clientPeers = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      String bot = botPrefix + name(c % bots);
      WnetPeer peer = WnetPeer.connect(ws, clientSide, null).timeout(30, TimeUnit.SECONDS).await();
      peer.connectTo(bot).timeout(30, TimeUnit.SECONDS).await();
      clientPeers.add(peer);
      prefixes.add("cssend@" + bot + "@");
    }
    // every reply is mess@<bot>@<text>: its text starts after the same number of characters for one client's bot
    int replyPrefix = ("mess@" + botPrefix + name(0) + "@").length();
    if (bots > 1 && (botPrefix + name(bots - 1)).length() != (botPrefix + name(0)).length()) {
      throw new IllegalArgumentException("bot names must have one length");
    }
    return new RelayRig(ws, clientPeers, botPeers, prefixes, replyPrefix, 4, messageBytes);
  }

  /** Bot names are letters only: 0 -> "A", 25 -> "Z", 26 -> "a"... (at most 52 bots). */
  static String name(int i) {
    if (i >= 52) throw new IllegalArgumentException("at most 52 bots");
    return String.valueOf((char) (i < 26 ? 'A' + i : 'a' + i - 26));
  }

  /** {@code clients} connections to a bare echo server: the message comes back as sent. */
  static RelayRig echo(BenchEnv env, Endpoint server, int clients, int messageBytes) {
    WebSocketClient ws = wsClient(env);
    List<WnetPeer> peers = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      peers.add(WnetPeer.connect(ws, server, null).timeout(30, TimeUnit.SECONDS).await());
      prefixes.add("");
    }
    return new RelayRig(ws, peers, List.of(), prefixes, 0, 2, messageBytes);
  }

  int framesPerRoundTrip() {
    return framesPerRoundTrip;
  }

  private void send(int c, long sentAt) {
    clients.get(c).send(sendPrefix.get(c) + sentAt + "|" + padding);
  }

  /** The first {@code active} clients, each with one message in flight. */
  LoadPoint closed(int active, Duration warmup, Duration measure, CpuMeter cpu) throws InterruptedException {
    if (active > clients.size()) throw new IllegalArgumentException(active + " clients wanted, " + clients.size() + " connected");
    @SuppressWarnings("unchecked")
    Promise<Void>[] waiting = new Promise[active];
    sink = (c, sentAt) -> {
      Promise<Void> p = waiting[c];
      if (p != null) p.tryComplete();
    };
    return ClosedLoop.run(active, c -> {
      Promise<Void> p = Promise.promise();
      waiting[c] = p;
      send(c, System.nanoTime());
      return p.future().timeout(30, TimeUnit.SECONDS);
    }, warmup, measure, cpu);
  }

  /**
   * Open loop: {@code rate} round trips per second over all clients, each sent at its planned time whatever the
   * replies do; a latency counts from the planned time (no coordinated omission).
   */
  LoadPoint open(double rate, Duration warmup, Duration measure, CpuMeter cpu) throws InterruptedException {
    long t0 = System.nanoTime();
    long windowStart = t0 + warmup.toNanos();
    long windowEnd = windowStart + measure.toNanos();
    Latencies latencies = new Latencies();
    AtomicLong counted = new AtomicLong();
    AtomicLong outstanding = new AtomicLong();
    sink = (c, sentAt) -> {
      long now = System.nanoTime();
      if (sentAt >= windowStart && sentAt < windowEnd) {
        latencies.record(now - sentAt);
        counted.incrementAndGet();
      }
      outstanding.decrementAndGet();
    };
    double interval = 1e9 / rate;
    Thread sender = new Thread(() -> {
      long k = 0;
      while (true) {
        long planned = t0 + (long) (k * interval);
        if (planned >= windowEnd) return;
        long wait = planned - System.nanoTime();
        if (wait > 20_000) LockSupport.parkNanos(wait);
        outstanding.incrementAndGet();
        send((int) (k % clients.size()), planned);
        k++;
      }
    }, "open-loop-sender");
    sender.setDaemon(true);
    sender.start();
    ClosedLoop.sleepUntil(windowStart);
    cpu.start();
    ClosedLoop.sleepUntil(windowEnd);
    double serverCpu = cpu.server();
    sender.join(5000);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (outstanding.get() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
    long lost = outstanding.get();
    return new LoadPoint(counted.get(), measure.toNanos() / 1e9, latencies.take(), lost,
      lost > 0 ? lost + " replies missing 30 s after the window" : null, serverCpu, 0);
  }

  @Override
  public void close() {
    List<Future<Void>> all = new ArrayList<>();
    clients.forEach(p -> all.add(p.close()));
    bots.forEach(p -> all.add(p.close()));
    Future.join(all).timeout(10, TimeUnit.SECONDS).await();
    client.close().timeout(10, TimeUnit.SECONDS).await();
  }
}
