package io.chatrelay.tchatator;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.tchatator.EdgeFixture.Account;
import io.chatrelay.tchatator.codec.DecoderLimits;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.chatrelay.tchatator.codec.TchatatorDecoder;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import static io.chatrelay.tchatator.EdgeFixture.cSend;
import static io.chatrelay.tchatator.EdgeFixture.expect;
import static io.chatrelay.tchatator.EdgeFixture.login;

/**
 * Prints figures, asserts none. Not part of the normal build (surefire runs *Test classes only); run it with
 * {@code mvn -B -o -q -pl services/tcp-edge -am verify -Dtest=TchatatorBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * and read {@code services/tcp-edge/target/surefire-reports/io.chatrelay.tchatator.TchatatorBenchmark-output.txt}.
 */
class TchatatorBenchmark {
  static final String KEY = "3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a";

  @Test
  void decoderThroughput() {
    StringBuilder sample = new StringBuilder();
    String wrapped = ("Bonjour, comment ça va ? Une chambre pour deux ce soir, avec vue sur la mer. ").repeat(4);
    for (int i = 0; i < 100; i++) {
      sample.append(cSend(new Account(1, "a", KEY), 42, "Message court numéro " + i));
      sample.append("SEND_MSG\ntoken:").append(KEY).append("\nmessage-length:").append(wrapped.getBytes(StandardCharsets.UTF_8).length)
        .append("\nreceiver-id:42\ncontent:").append(wrap(wrapped)).append("\n");
      sample.append("DEL_MSG\ntoken:").append(KEY).append("\nmessage-id:").append(i).append("\n");
    }
    byte[] block = sample.toString().getBytes(StandardCharsets.UTF_8);
    int repeats = Math.max(1, (64 << 20) / block.length);
    DecoderLimits limits = new DecoderLimits(8192, 16384);
    for (int round = 0; round < 6; round++) {
      long[] count = {0};
      TchatatorDecoder decoder = new TchatatorDecoder(() -> limits, d -> count[0]++);
      long start = System.nanoTime();
      for (int r = 0; r < repeats; r++) {
        // socket-sized reads: 16 KiB chunks
        for (int at = 0; at < block.length; at += 16384) decoder.feed(block, at, Math.min(16384, block.length - at));
      }
      decoder.quietTimeElapsed();
      double seconds = (System.nanoTime() - start) / 1e9;
      double mb = (double) block.length * repeats / (1 << 20);
      System.out.printf("decoder round %d: %.0f MB/s, %.0f requests/s (%d requests, %.0f MB)%n",
        round, mb / seconds, count[0] / seconds, count[0], mb);
    }
  }

  private static String wrap(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i += 80) {
      if (i > 0) out.append('\n');
      out.append(text, i, Math.min(text.length(), i + 80));
    }
    return out.toString();
  }

  @Test
  void roundTripsOverRealSockets() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      LiveConfig config = new LiveConfig(TestConfigs.local()
        .with("tchatator.log-file", "")
        .with("tchatator.max-messages-per-minute", 1_000_000)
        .with("tchatator.max-messages-per-hour", 10_000_000));
      int port = EdgeFixture.port(config.get());
      EdgeFixture.startStoreAndEdge(EdgeFixture.context(vertx, config, new LocalClusterView())).await(30, TimeUnit.SECONDS);
      Account bob = EdgeFixture.createAccount(vertx, "bob", "professional").await(10, TimeUnit.SECONDS);
      for (int connections : new int[] {1, 8}) {
        List<Account> senders = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
          senders.add(EdgeFixture.createAccount(vertx, "m" + connections + "-" + i, "member").await(10, TimeUnit.SECONDS));
        }
        Workload send = new Workload("SEND_MSG (edge + store + H2 commit)", (from, i) -> cSend(from, bob.id(), "message de test " + i));
        Workload edgeOnly = new Workload("SUBSCRIBE (answered by the edge alone)", (from, i) -> "SUBSCRIBE\ntoken:" + from.key() + "\n");
        for (Workload w : List.of(send, edgeOnly)) {
          run(vertx, port, senders, w, 200, false);
          run(vertx, port, senders, w, 2000, true);
        }
      }
      // The quiet time (tchatator.request-quiet-ms, 50 ms) holds only a request whose optional parameter may still
      // come: the C client's one write per request, with every parameter, is answered without it.
      List<Account> one = List.of(EdgeFixture.createAccount(vertx, "quiet", "member").await(10, TimeUnit.SECONDS));
      Workload accented = new Workload("C client SEND_MSG, accented content wrapped at 80 (message-length in bytes)",
        (from, i) -> cSend(from, bob.id(), wrap(("é è à ç " + i + " ").repeat(12))));
      Workload complete = new Workload("GET_HISTORY with before-message-id (every parameter in hand)",
        (from, i) -> "GET_HISTORY\ntoken:" + from.key() + "\nbefore-message-id:1000000000\n");
      Workload pending = new Workload("GET_HISTORY without before-message-id (ends at the quiet time)",
        (from, i) -> "GET_HISTORY\ntoken:" + from.key() + "\n");
      for (Workload w : List.of(accented, complete)) {
        run(vertx, port, one, w, 200, false);
        run(vertx, port, one, w, 2000, true);
      }
      run(vertx, port, one, pending, 40, true);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** What each round trip sends: the bytes of request {@code i} of a sender. */
  record Workload(String name, BiFunction<Account, Integer, String> request) {
  }

  /** Each sender on its own connection makes {@code perConnection} round trips, one at a time. */
  private static void run(Vertx vertx, int port, List<Account> senders, Workload workload, int perConnection, boolean print)
    throws Exception {
    long[][] latencies = new long[senders.size()][perConnection];
    long start = System.nanoTime();
    List<Future<Void>> all = new ArrayList<>();
    for (int c = 0; c < senders.size(); c++) {
      Account from = senders.get(c);
      long[] mine = latencies[c];
      all.add(TchatatorClient.connect(vertx, port).compose(client -> client.send(login(from))
        .compose(r -> inTurn(client, from, workload, mine, 0))
        .eventually(client::close)));
    }
    Future.all(all).await(5, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!print) return;
    long[] sorted = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf("%s over %d connection(s): %.0f requests/s, latency p50 %.0f µs, p99 %.0f µs, max %.0f µs (%d requests)%n",
      workload.name(), senders.size(), sorted.length / seconds, sorted[sorted.length / 2] / 1e3,
      sorted[(int) (sorted.length * 0.99)] / 1e3, sorted[sorted.length - 1] / 1e3, sorted.length);
  }

  private static Future<Void> inTurn(TchatatorClient client, Account from, Workload workload, long[] latencies, int i) {
    if (i == latencies.length) return Future.succeededFuture();
    long sent = System.nanoTime();
    return client.send(workload.request().apply(from, i)).compose(r -> {
      latencies[i] = System.nanoTime() - sent;
      expect(r, ReplyStatus.OK);
      return inTurn(client, from, workload, latencies, i + 1);
    });
  }
}
