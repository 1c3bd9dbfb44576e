package io.chatrelay.launcher;

import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A socket fuzzer for the Tchatator edge of a real {@code serve} process (issue 7, the proof suite): random
 * requests from the protocol's grammar, mutations of them (bytes flipped, cut, doubled, inserted; lines swapped;
 * lengths that lie; invalid UTF-8; over-long lines; PROXY headers the edge does not expect) and plain garbage, written
 * by a few concurrent connections that read and discard every reply. After each batch it checks the process: alive,
 * ready ({@code /health/ready} 200), a fresh session works (LOGIN, SEND_MSG, GET_UNREAD over a new connection), no
 * ERROR line in its log, resident memory under a bound. Used by {@link TchatatorFuzzTest} (CI size) and
 * {@link TchatatorFuzzBenchmark} (the long profile).
 */
final class TchatatorFuzzer {
  static final String ADMIN_KEY = "fuzz-admin-key-0123456789";
  /** The process runs with -Xmx256m: heap, metaspace, code, Netty buffers and H2 fit well under this. */
  static final long MAX_RSS_BYTES = 768L << 20;
  private static final Pattern ERROR_LINE = Pattern.compile("^\\S+ ERROR ");
  private static final String[] COMMANDS = {"LOGIN", "SEND_MSG", "UPDT_MSG", "DEL_MSG", "DISCONNECTED", "BLOCK_USER",
    "BAN_USER", "UNBLOCK_USER", "UNBAN_USER", "GET_UNREAD", "GET_HISTORY", "SUBSCRIBE", "UNSUBSCRIBE"};
  private static final String[] KEYS = {"api-token", "token", "recipient-id", "receiver-id", "message-id", "user-id",
    "for-user-id", "before-message-id", "message-length", "client-id", "content"};
  private static final int CONNECTIONS = 4;
  private static final int INPUTS_PER_CONNECTION = 60;

  /** What one run measured. */
  record Figures(long inputs, long bytesSent, long bytesReceived, long connections, int batches, double seconds,
                 long maxRssBytes) {
    @Override
    public String toString() {
      return String.format("%d inputs (%d bytes) over %d connections in %.1f s (%.0f inputs/s), %d batches, %d bytes of "
          + "replies, max RSS %d MiB", inputs, bytesSent, connections, seconds, inputs / seconds, batches, bytesReceived,
        maxRssBytes >> 20);
    }
  }

  private final Vertx vertx;
  private final Path dir;
  private final long seed;
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong bytesReceived = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private ServeNode node;
  private ChatrelayProcess process;
  private LauncherCli.Created alice;
  private LauncherCli.Created bob;
  private LauncherCli.Created carol;
  private LauncherCli.Created dave;

  TchatatorFuzzer(Vertx vertx, Path dir, long seed) {
    this.vertx = vertx;
    this.dir = dir;
    this.seed = seed;
  }

  /** Starts the process, writes {@code inputs} inputs in batches of {@code batchSize}, checking after each. */
  Figures run(long inputs, long batchSize) throws Exception {
    node = new ServeNode("fuzz", dir)
      .set("tchatator.admin-api-key", ADMIN_KEY)
      .set("tchatator.max-connections-per-address", 0)
      .set("tchatator.log-file", "")
      .set("tchatator.max-line-bytes", 1024)
      .set("tchatator.max-request-bytes", 4096);
    alice = LauncherCli.create(node.databaseOptions(), "alice", "member", null);
    bob = LauncherCli.create(node.databaseOptions(), "bob", "professional", null);
    // the fresh-session check's accounts: the fuzzer never names them, so no fuzzed block or ban touches them
    carol = LauncherCli.create(node.databaseOptions(), "carol", "member", null);
    dave = LauncherCli.create(node.databaseOptions(), "dave", "professional", null);
    process = ServeNode.startAll(vertx, Duration.ofSeconds(90), List.of(node)).get(0);
    try {
      long started = System.nanoTime();
      long done = 0;
      int batches = 0;
      long maxRss = 0;
      while (done < inputs) {
        long batch = Math.min(batchSize, inputs - done);
        fuzzBatch(seed + batches, batch);
        done += batch;
        batches++;
        maxRss = Math.max(maxRss, checkHealthy(done));
      }
      return new Figures(done, bytesSent.get(), bytesReceived.get(), connections.get(), batches,
        (System.nanoTime() - started) / 1e9, maxRss);
    } finally {
      process.close();
    }
  }

  private void fuzzBatch(long batchSeed, long inputs) throws InterruptedException {
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int w = 0; w < CONNECTIONS; w++) {
      long share = inputs / CONNECTIONS + (w < inputs % CONNECTIONS ? 1 : 0);
      Random random = new Random(batchSeed * 31 + w);
      Thread t = new Thread(() -> {
        try {
          writeInputs(random, share);
        } catch (IOException | RuntimeException e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      }, "fuzz-writer-" + w);
      workers.add(t);
      t.start();
    }
    for (Thread t : workers) t.join();
    assertThat(failures).as("fuzz writers (seed %d)", batchSeed).isEmpty();
  }

  /** Writes {@code count} inputs over successive connections (each one drained by a reader thread). */
  private void writeInputs(Random random, long count) throws IOException {
    long left = count;
    while (left > 0) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", node.tchatatorPort()), 5000);
        socket.setSoTimeout(30_000);
        connections.incrementAndGet();
        Thread drain = drain(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        int onThisConnection = 1 + random.nextInt(INPUTS_PER_CONNECTION);
        try {
          if (random.nextInt(3) > 0) write(out, valid(random, "LOGIN"));
          for (int i = 0; i < onThisConnection && left > 0; i++, left--) {
            byte[] input = input(random);
            write(out, input);
            if (new String(input, StandardCharsets.ISO_8859_1).startsWith("DISCONNECTED\n")) break;
          }
          socket.shutdownOutput(); // as nc -N: the edge answers what it got, then closes
        } catch (IOException closedByTheEdge) {
          // DISCONNECTED, a refused PROXY-like start, or the edge closing: the next input goes on a new connection
        }
        try {
          drain.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    bytesSent.addAndGet(bytes.length);
  }

  private Thread drain(InputStream in) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) bytesReceived.addAndGet(n);
      } catch (IOException ignored) {
        // closed
      }
    }, "fuzz-reader");
    t.setDaemon(true);
    t.start();
    return t;
  }

  // ---- inputs -------------------------------------------------------------------------------------------------

  private byte[] input(Random random) {
    int kind = random.nextInt(100);
    if (kind < 35) return valid(random, COMMANDS[random.nextInt(COMMANDS.length)]);
    if (kind < 80) return mutate(random, valid(random, COMMANDS[random.nextInt(COMMANDS.length)]));
    if (kind < 90) return garbage(random);
    return special(random);
  }

  /** A request of {@code command} as a client might write it: parameters in any order, real or made-up values. */
  private byte[] valid(Random random, String command) {
    StringBuilder out = new StringBuilder(command).append('\n');
    List<String> lines = new ArrayList<>();
    String key = apiKey(random);
    switch (command) {
      case "LOGIN" -> lines.add("api-token:" + key);
      case "DISCONNECTED" -> {
        return bytes(random.nextInt(5) == 0 ? out.toString() : "GET_UNREAD\ntoken:" + key + "\n");
      }
      default -> lines.add("token:" + key);
    }
    switch (command) {
      case "SEND_MSG", "UPDT_MSG" -> {
        lines.add(command.equals("SEND_MSG") ? (random.nextBoolean() ? "receiver-id:" : "recipient-id:") + userId(random)
          : "message-id:" + random.nextInt(50));
        if (command.equals("SEND_MSG") && random.nextInt(4) == 0) lines.add("client-id:fz-" + random.nextInt(1000));
        String text = text(random);
        boolean withLength = random.nextBoolean();
        if (withLength) lines.add("message-length:" + text.getBytes(StandardCharsets.UTF_8).length);
        Collections.shuffle(lines, random);
        lines.add("content:" + (withLength ? wrap(text) : text.replace('\n', ' ')));
      }
      case "DEL_MSG" -> lines.add("message-id:" + random.nextInt(50));
      case "BLOCK_USER", "UNBLOCK_USER" -> {
        lines.add("user-id:" + userId(random));
        if (random.nextBoolean()) lines.add("for-user-id:" + userId(random));
      }
      case "BAN_USER", "UNBAN_USER" -> lines.add("user-id:" + userId(random));
      case "GET_HISTORY" -> {
        if (random.nextBoolean()) lines.add("before-message-id:" + random.nextInt(60));
      }
      default -> { }
    }
    if (!command.equals("SEND_MSG") && !command.equals("UPDT_MSG")) Collections.shuffle(lines, random);
    for (String l : lines) out.append(l).append('\n');
    if (random.nextInt(4) == 0) out.append('\n');
    String text = out.toString();
    return bytes(random.nextInt(5) == 0 ? text.replace("\n", "\r\n") : text);
  }

  private byte[] mutate(Random random, byte[] input) {
    byte[] b = input.clone();
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations && b.length > 0; i++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(8)) {
        case 0 -> b[at] = (byte) random.nextInt(256);
        case 1 -> b = splice(b, at, Math.min(b.length, at + 1 + random.nextInt(8)), new byte[0]);
        case 2 -> b = splice(b, at, at, randomBytes(random, 1 + random.nextInt(8)));
        case 3 -> b = Arrays.copyOf(b, at); // cut short: the rest never comes
        case 4 -> b = splice(b, at, at, Arrays.copyOfRange(b, 0, at)); // a piece doubled
        case 5 -> b = splice(b, at, at, bytes("\n" + KEYS[random.nextInt(KEYS.length)] + ":" + number(random) + "\n"));
        case 6 -> b = splice(b, at, at, bytes(COMMANDS[random.nextInt(COMMANDS.length)] + "\n"));
        default -> b = splice(b, at, at, new byte[] {(byte) 0xC3}); // a lone UTF-8 lead byte
      }
    }
    return b;
  }

  private byte[] garbage(Random random) {
    return randomBytes(random, 1 + random.nextInt(300));
  }

  private byte[] special(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> bytes("SEND_MSG\ntoken:" + apiKey(random) + "\nreceiver-id:2\ncontent:" + "x".repeat(1000 + random.nextInt(6000)) + "\n");
      case 1 -> bytes("SEND_MSG\ntoken:" + apiKey(random) + "\nreceiver-id:2\nmessage-length:" + number(random) + "\ncontent:" + text(random) + "\n");
      case 2 -> bytes("\n".repeat(1 + random.nextInt(200)));
      case 3 -> bytes("PROXY TCP4 203.0.113.9 127.0.0.1 4000 4242\r\n");
      case 4 -> bytes("y".repeat(2000 + random.nextInt(3000))); // an over-long line without end
      case 5 -> bytes("UPDT_MSG\ntoken:" + apiKey(random) + "\nmessage-id:1\nmessage-length:160\ncontent:" + "é".repeat(80) + "\n");
      case 6 -> bytes("LOGIN\napi-token:" + ADMIN_KEY + "\nBAN_USER\ntoken:" + ADMIN_KEY + "\nuser-id:" + userId(random) + "\n");
      default -> bytes("SUBSCRIBE\ntoken:" + apiKey(random) + "\nGET_UNREAD\ntoken:" + apiKey(random) + "\n");
    };
  }

  private String apiKey(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> alice.apiKey();
      case 1 -> bob.apiKey();
      case 2 -> ADMIN_KEY;
      case 3 -> Long.toHexString(random.nextLong()).repeat(4);
      default -> "k" + random.nextInt(100);
    };
  }

  private long userId(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> alice.id();
      case 1 -> bob.id();
      case 2 -> 0;
      // never carol's or dave's id: the fresh-session check's accounts are not blocked or banned by the fuzzer
      default -> 1000 + random.nextInt(1000);
    };
  }

  private static String number(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> "-1";
      case 1 -> "99999999999999999999";
      case 2 -> "";
      case 3 -> " 12 ";
      case 4 -> "abc";
      default -> Integer.toString(random.nextInt(100_000));
    };
  }

  private static String text(Random random) {
    String[] words = {"bonjour", "ça", "va", "chambre", "libre", "?", "€", "œuvre", "\t", "DEL_MSG", ":", "a"};
    StringBuilder t = new StringBuilder();
    int n = 1 + random.nextInt(40);
    for (int i = 0; i < n; i++) t.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
    return t.toString();
  }

  /** The C client's wrapping: a line break after every 80 characters. */
  private static String wrap(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i += 80) out.append(i == 0 ? "" : "\n").append(text, i, Math.min(text.length(), i + 80));
    return out.toString();
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
    byte[] out = new byte[b.length - (to - from) + insert.length];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(b, to, out, from + insert.length, b.length - to);
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- checks after each batch --------------------------------------------------------------------------------

  /** Alive, ready, a fresh session works, no ERROR line, RSS bounded; returns the RSS. */
  private long checkHealthy(long inputsSoFar) throws Exception {
    assertThat(process.isAlive()).as("alive after %d inputs; output:%n%s", inputsSoFar, process.output()).isTrue();
    node.awaitReady(vertx, Duration.ofSeconds(10));
    try (TchatatorSocket fresh = TchatatorSocket.connect(node.tchatatorPort());
         TchatatorSocket other = TchatatorSocket.connect(node.tchatatorPort())) {
      fresh.loginOk(carol.apiKey());
      TchatatorSocket.Reply sent = fresh.request(TchatatorSocket.sendMessage(carol.apiKey(), dave.id(), "toujours là après " + inputsSoFar));
      // 426: the fresh-session check itself passed the rate limit (12 a minute): still a working session
      assertThat(sent.status()).as("fresh SEND_MSG after %d inputs: %s", inputsSoFar, sent).isIn("200/OK", "426/TOOMRQ");
      other.loginOk(dave.apiKey());
      TchatatorSocket.Reply unread = other.request(TchatatorSocket.unread(dave.apiKey()));
      assertThat(unread.status()).as("fresh GET_UNREAD after %d inputs: %s", inputsSoFar, unread).isEqualTo("200/OK");
    }
    List<String> errors = process.output().lines().filter(l -> ERROR_LINE.matcher(l).find()).toList();
    assertThat(errors).as("ERROR lines after %d inputs", inputsSoFar).isEmpty();
    long rss = rssBytes(process.pid());
    assertThat(rss).as("resident memory after %d inputs", inputsSoFar).isLessThan(MAX_RSS_BYTES);
    return rss;
  }

  private static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
    }
    throw new IOException("no VmRSS for process " + pid);
  }
}
