package io.chatrelay.launcher;

import io.vertx.core.Vertx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Socket fuzzing of the WS edge of a real {@code serve} process: random and mutated handshakes and frames from the
 * wnet grammar (commands with good and bad fields, fragments, control frames, RSV bits, bad UTF-8, bad lengths,
 * unmasked frames, raw bytes), sent by a few connections at once. After each batch the process must be alive and
 * ready, a fresh bot and client must still talk through it, it must have logged no ERROR line, and its resident
 * memory must stay under a bound. Every input is drawn from one seed, printed so that a failure can be replayed
 * ({@code -Dwnet.fuzz.seed=...}).
 */
final class WnetSocketFuzzer {
  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration ANSWER = Duration.ofSeconds(10);
  /** The process runs with -Xmx256m: heap, metaspace, threads and Netty's direct buffers stay well under this. */
  static final long MAX_RSS_KIB = 700 * 1024;
  private static final int WORKERS = 4;
  /** A fuzzing connection is replaced after this many frames, so one never accumulates unbounded state. */
  private static final int FRAMES_PER_CONNECTION = 300;
  private static final String BOT_USER = "fuzzbot";
  private static final String BOT_PASSWORD = "fuzz-bot-pass";
  private static final Pattern ERROR_LINE = Pattern.compile("^\\S+ ERROR ");
  private static final String[] WORDS = {"add", "alive", "scsend", "search", "connect", "cssend", "disconnect",
    "info", "mess", "list", "isalive", "ADD", ""};
  private static final String[] TEXT_PIECES = {"@", "@@", "a", "Bot", "EchoBot", "é", "🙂", "\u0000", "\n", " ", "%",
    "\"", "\\", "$auth_data$", "None", "x".repeat(19), "\uFFFD", "\u202E"};

  private final long seed;
  private final int inputs;
  private final int batchSize;
  private final AtomicLong sent = new AtomicLong();
  private int port;

  WnetSocketFuzzer(long seed, int inputs, int batchSize) {
    this.seed = seed;
    this.inputs = inputs;
    this.batchSize = batchSize;
  }

  /** The seed: {@code -Dwnet.fuzz.seed} to replay a run, otherwise the clock. */
  static long seed() {
    String given = System.getProperty("wnet.fuzz.seed");
    return given == null || given.isBlank() ? System.nanoTime() : Long.parseLong(given.trim());
  }

  /** Starts {@code serve} in {@code dir}, fuzzes it batch by batch with the checks, and stops it. */
  void run(Vertx vertx, Path dir) throws Exception {
    ServeNode node = new ServeNode("fuzz", dir)
      // wrong passwords are the fuzzer's daily bread: keep each check cheap (the attack itself is another test)
      .set("accounts.password-iterations", 1000);
    Files.createDirectories(dir.resolve("fuzz"));
    LauncherCli.create(node.databaseOptions(), BOT_USER, "member", BOT_PASSWORD);
    port = URI.create(node.wnetUrl()).getPort();
    try (ChatrelayProcess serve = node.start()) {
      node.awaitReady(vertx, START);
      System.out.printf("wnet-fuzz seed=%d inputs=%d batch=%d workers=%d%n", seed, inputs, batchSize, WORKERS);
      long started = System.nanoTime();
      int mark = serve.mark();
      for (int batch = 0; sent.get() < inputs; batch++) {
        long batchStart = System.nanoTime();
        long target = Math.min(inputs, sent.get() + batchSize);
        fuzzBatch(batch, target);
        mark = checkHealthy(vertx, node, serve, batch, mark);
        System.out.printf("wnet-fuzz batch %d: %d inputs in total, %d ms, rss %d MiB%n", batch, sent.get(),
          (System.nanoTime() - batchStart) / 1_000_000, rssKib(serve.pid()) / 1024);
      }
      System.out.printf("wnet-fuzz done: %d inputs in %d ms%n", sent.get(), (System.nanoTime() - started) / 1_000_000);
      // what serve said meanwhile (WARN and INFO lines only: its DEBUG is off), for a reader of the report
      serve.output().lines().filter(l -> l.contains(" WARN ") || l.contains(" refused ")).limit(20)
        .forEach(l -> System.out.println("wnet-fuzz serve: " + l));
    }
  }

  // ---- a batch ----

  private void fuzzBatch(int batch, long target) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        Random random = new Random(seed * 31 + batch * 1_000_003L + w);
        workers.add(pool.submit(() -> {
          worker(random, target);
          return null;
        }));
      }
      for (Future<?> w : workers) w.get(10, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One connection at a time: mostly frames on an upgraded connection, sometimes a handshake of its own. */
  private void worker(Random random, long target) throws IOException {
    WnetWirePeer session = null;
    int framesOnSession = 0;
    try {
      for (long n = sent.get(); n < target; n = sent.get()) {
        if (!sent.compareAndSet(n, n + 1)) continue;
        if (random.nextInt(100) < 8) {
          handshakeInput(random);
          continue;
        }
        if (session == null || session.isClosed() || framesOnSession >= FRAMES_PER_CONNECTION) {
          if (session != null) session.closeGracefully(random, Duration.ofMillis(50));
          session = openSession(random);
          framesOnSession = 0;
          if (session == null) continue;
        }
        session.write(frameInput(random));
        framesOnSession++;
        session.drain();
      }
    } finally {
      if (session != null) session.close();
    }
  }

  /** A connection for frames: anonymous, with a junk cookie, or logged in as the bot account (it may add@). */
  private WnetWirePeer openSession(Random random) {
    String cookie = switch (random.nextInt(4)) {
      case 0 -> null;
      case 1 -> WnetWirePeer.passwordCookie(BOT_USER, BOT_PASSWORD);
      case 2 -> "auth=\"type=token&auth=" + hex(random, 64) + "\"";
      default -> junkCookie(random);
    };
    try {
      return WnetWirePeer.upgraded(port, cookie, random, ANSWER);
    } catch (IOException refusedOrBusy) {
      return null; // e.g. 429 while many connections are closing: the next input tries again
    }
  }

  /** A whole handshake on a connection of its own: generated, then maybe mutated byte by byte. */
  private void handshakeInput(Random random) {
    byte[] request = handshake(random);
    if (random.nextInt(3) == 0) request = mutate(request, random);
    try (WnetWirePeer raw = WnetWirePeer.open(port)) {
      raw.write(request);
      raw.readHead(Duration.ofMillis(200));
    } catch (IOException e) {
      // refused or reset: both are answers
    }
  }

  // ---- the grammar ----

  private byte[] handshake(Random random) {
    String method = pick(random, "GET", "GET", "GET", "POST", "PUT", "get", "G\u0000T", "PRI");
    String path = pick(random, "/wnet/ws", "/wnet/ws", "/", "/wnet/ws?x=1", "/wnet/ws/", "/%00", "/" + "a".repeat(5000), "*");
    String version = pick(random, "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9", "FOO");
    StringBuilder r = new StringBuilder(method + " " + path + " " + version + "\r\n");
    if (random.nextInt(10) > 0) r.append("Host: ").append(pick(random, "127.0.0.1:" + port, "evil.example", "", "[::1]")).append("\r\n");
    if (random.nextInt(10) > 0) r.append("Upgrade: ").append(pick(random, "websocket", "WebSocket", "h2c", "")).append("\r\n");
    if (random.nextInt(10) > 0) r.append("Connection: ").append(pick(random, "Upgrade", "keep-alive, Upgrade", "close")).append("\r\n");
    if (random.nextInt(10) > 0) {
      byte[] nonce = new byte[random.nextInt(10) == 0 ? random.nextInt(40) : 16];
      random.nextBytes(nonce);
      r.append("Sec-WebSocket-Key: ").append(java.util.Base64.getEncoder().encodeToString(nonce)).append("\r\n");
    }
    if (random.nextInt(10) > 0) r.append("Sec-WebSocket-Version: ").append(pick(random, "13", "13", "8", "0", "x")).append("\r\n");
    if (random.nextBoolean()) r.append("Cookie: ").append(random.nextBoolean() ? junkCookie(random)
      : WnetWirePeer.passwordCookie(pick(random, BOT_USER, "nobody", "1", ""), text(random, 20))).append("\r\n");
    if (random.nextInt(4) == 0) r.append("Origin: ").append(pick(random, "http://127.0.0.1:" + port, "https://evil.example", "null", text(random, 30))).append("\r\n");
    if (random.nextInt(6) == 0) r.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
    if (random.nextInt(6) == 0) r.append("X-Forwarded-For: ").append(pick(random, "203.0.113.7", "1.2.3.4, garbage", text(random, 40))).append("\r\n");
    if (random.nextInt(20) == 0) r.append("X-Big: ").append("b".repeat(9000)).append("\r\n");
    if (random.nextInt(8) == 0) r.append("Content-Length: ").append(random.nextInt(20000)).append("\r\n");
    r.append("\r\n");
    if (random.nextInt(8) == 0) r.append(text(random, 100));
    return r.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String junkCookie(Random random) {
    return pick(random, "auth=\"type=password&auth=$auth_data$\"", "auth=type=token", "auth=\"\\", "auth=%zz",
      "auth=\"type=telegram&auth=x\"", "auth=\"type=password&auth=" + text(random, 50) + "\"", "a=b; auth=\"x;y\"", text(random, 60));
  }

  /** One frame, or a few bytes that are meant to be one: valid commands most of the time, broken framing often. */
  private byte[] frameInput(Random random) {
    int kind = random.nextInt(100);
    if (kind < 50) return WnetWirePeer.frame(WnetWirePeer.FIN | WnetWirePeer.OP_TEXT, utf8(command(random)), random);
    if (kind < 60) return fragments(random);
    if (kind < 66) return control(random);
    if (kind < 70) return WnetWirePeer.frame(WnetWirePeer.FIN | 0x2, utf8(command(random)), random);
    return malformed(random);
  }

  /** A wnet frame text from the grammar, with fields good and bad. */
  private static String command(Random random) {
    String word = WORDS[random.nextInt(WORDS.length)];
    int fields = random.nextInt(4);
    StringBuilder frame = new StringBuilder(word);
    for (int i = 0; i < fields; i++) frame.append('@').append(field(random));
    if (random.nextInt(200) == 0) frame.append("m".repeat(60_000 + random.nextInt(10_000))); // around the 64 KiB limit
    return frame.toString();
  }

  private static String field(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> pick(random, "EchoBot", "FuzzBot", "A", "ab".repeat(9), "ab".repeat(10));
      case 1 -> hex(random, 22);
      case 2 -> "";
      default -> text(random, 40);
    };
  }

  private static String text(Random random, int maxPieces) {
    StringBuilder t = new StringBuilder();
    int n = random.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      if (random.nextBoolean()) t.append(TEXT_PIECES[random.nextInt(TEXT_PIECES.length)]);
      else t.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x10FFFF) : 0x20 + random.nextInt(0x5f));
    }
    return t.toString();
  }

  /** A text message in 2 to 4 frames, a ping sometimes between them, a character sometimes cut across two. */
  private byte[] fragments(Random random) {
    byte[] message = utf8(command(random));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int parts = 2 + random.nextInt(3);
    int from = 0;
    for (int i = 0; i < parts; i++) {
      int to = i == parts - 1 ? message.length : from + random.nextInt(Math.max(1, message.length - from + 1));
      to = Math.min(to, message.length);
      int head = (i == 0 ? WnetWirePeer.OP_TEXT : 0x0) | (i == parts - 1 ? WnetWirePeer.FIN : 0);
      out.writeBytes(WnetWirePeer.frame(head, java.util.Arrays.copyOfRange(message, from, to), random));
      if (random.nextInt(4) == 0) out.writeBytes(WnetWirePeer.frame(WnetWirePeer.FIN | 0x9, new byte[random.nextInt(10)], random));
      from = to;
    }
    return out.toByteArray();
  }

  /** Ping, pong or close with a random payload (sometimes over the 125-byte control limit or not FIN). */
  private static byte[] control(Random random) {
    int opcode = pickInt(random, 0x9, 0x9, 0xA, 0x8);
    byte[] payload = new byte[random.nextInt(10) == 0 ? 126 + random.nextInt(100) : random.nextInt(20)];
    random.nextBytes(payload);
    return WnetWirePeer.frame((random.nextInt(10) == 0 ? 0 : WnetWirePeer.FIN) | opcode, payload, random);
  }

  /** A frame broken on purpose: RSV bits, reserved opcodes, no mask, bad UTF-8, lengths that lie, raw bytes. */
  private byte[] malformed(Random random) {
    byte[] good = WnetWirePeer.frame(WnetWirePeer.FIN | WnetWirePeer.OP_TEXT, utf8(command(random)), random);
    switch (random.nextInt(9)) {
      case 0 -> good[0] |= (byte) (0x10 << random.nextInt(3));                   // RSV1..3
      case 1 -> good[0] = (byte) ((good[0] & 0xf0) | pickInt(random, 3, 4, 5, 6, 7, 0xB, 0xC, 0xF)); // reserved opcode
      case 2 -> good[1] &= 0x7f;                                                  // unmasked
      case 3 -> {                                                                 // bad UTF-8 in the payload
        byte[] bad = {(byte) 0xc3, (byte) 0x28, (byte) 0xed, (byte) 0xa0, (byte) 0x80, (byte) 0xff, (byte) 0xc0, (byte) 0xaf};
        byte[] payload = concat(utf8("search@"), java.util.Arrays.copyOfRange(bad, random.nextInt(6), 8));
        return WnetWirePeer.frame(WnetWirePeer.FIN | WnetWirePeer.OP_TEXT, payload, random);
      }
      case 4 -> good[1] = (byte) (0x80 | random.nextInt(126));                    // a length that lies
      case 5 -> {                                                                 // 64-bit length with the top bit set
        return new byte[] {(byte) 0x81, (byte) 0xff, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
      }
      case 6 -> {                                                                 // non-minimal 16-bit length
        return new byte[] {(byte) 0x81, (byte) (0x80 | 126), 0, 3, 9, 9, 9, 9, 'a' ^ 9, 'b' ^ 9, 'c' ^ 9};
      }
      case 7 -> {                                                                 // the frame cut short
        return java.util.Arrays.copyOf(good, Math.max(1, random.nextInt(good.length)));
      }
      default -> {                                                                // bytes at random
        byte[] junk = new byte[1 + random.nextInt(64)];
        random.nextBytes(junk);
        return junk;
      }
    }
    return good;
  }

  /** Byte-level mutations of a generated input: flips, inserts, deletions, duplicated runs, truncation. */
  private static byte[] mutate(byte[] input, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(input);
    byte[] b = out.toByteArray();
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations && b.length > 0; m++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(5)) {
        case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> b = concat(java.util.Arrays.copyOf(b, at), new byte[] {(byte) random.nextInt(256)}, java.util.Arrays.copyOfRange(b, at, b.length));
        case 2 -> b = concat(java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOfRange(b, Math.min(b.length, at + 1 + random.nextInt(8)), b.length));
        case 3 -> b = concat(java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + 20)), java.util.Arrays.copyOfRange(b, at, b.length));
        default -> b = java.util.Arrays.copyOf(b, at);
      }
    }
    return b;
  }

  // ---- the checks after each batch ----

  /** Alive, ready, a fresh bot and client talk, no ERROR line since {@code mark}, memory bounded; the new mark. */
  private int checkHealthy(Vertx vertx, ServeNode node, ChatrelayProcess serve, int batch, int mark) throws Exception {
    assertThat(serve.isAlive()).as("serve is alive after batch %d (seed %d)", batch, seed).isTrue();
    node.awaitReady(vertx, ANSWER);
    freshSessionWorks(batch);
    int now = serve.mark();
    List<String> errors = serve.output().lines().skip(mark).filter(l -> ERROR_LINE.matcher(l).find()).toList();
    assertThat(errors).as("ERROR lines after batch %d (seed %d)", batch, seed).isEmpty();
    assertThat(rssKib(serve.pid())).as("resident memory after batch %d, KiB", batch).isLessThan(MAX_RSS_KIB);
    return now;
  }

  /** A bot registers, a client connects and gets the bot's answer to its message. */
  private void freshSessionWorks(int batch) throws IOException {
    Random random = new Random(batch);
    String name = "Check" + letters(batch);
    try (WnetWirePeer bot = WnetWirePeer.upgraded(port, WnetWirePeer.passwordCookie(BOT_USER, BOT_PASSWORD), random, ANSWER);
         WnetWirePeer client = WnetWirePeer.upgraded(port, null, random, ANSWER)) {
      bot.sendText("add@" + name, random);
      assertThat(bot.nextText(ANSWER)).isEqualTo("info@You added as bot");
      client.sendText("connect@" + name, random);
      assertThat(client.nextText(ANSWER)).isEqualTo("connectedto@" + name);
      String connection = bot.nextText(ANSWER);
      assertThat(connection).matches("connection@[A-Za-z0-9_-]{22}@None");
      String sid = connection.substring("connection@".length(), "connection@".length() + 22);
      client.sendText("cssend@" + name + "@ping " + batch, random);
      assertThat(bot.nextText(ANSWER)).isEqualTo("mess@" + sid + "@ping " + batch);
      bot.sendText("scsend@" + sid + "@pong @ " + batch, random);
      assertThat(client.nextText(ANSWER)).isEqualTo("mess@" + name + "@pong @ " + batch);
    }
  }

  private static String letters(int n) {
    StringBuilder s = new StringBuilder();
    do {
      s.append((char) ('a' + n % 26));
      n /= 26;
    } while (n > 0);
    return s.toString();
  }

  /** VmRSS of a process, from /proc (Linux). */
  static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    throw new IOException("no VmRSS for process " + pid);
  }

  // ---- small helpers ----

  @SafeVarargs
  private static <T> T pick(Random random, T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static int pickInt(Random random, int... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static String hex(Random random, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) s.append(Character.forDigit(random.nextInt(16), 16));
    return s.toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
