package io.chatrelay.bench;

import io.chatrelay.shared.bus.Role;
import io.chatrelay.store.accounts.IssuedKey;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tchatator SEND_MSG in a closed loop at 1/8/32 connections (one sender account per connection, every reply a
 * 200 = a committed row) on PostgreSQL and on the embedded H2, next to pgbench inserting one row per transaction
 * into a copy of the message table (same columns, defaults and indexes) at the same concurrency on the same
 * PostgreSQL: the most this database commits here.
 */
@Command(name = "tchatator-send", mixinStandardHelpOptions = true,
  description = "Tchatator SEND_MSG closed loop on PostgreSQL and H2 vs pgbench 1-row INSERT at the same concurrency.")
final class TchatatorSend implements Scenario {
  @CommandLine.Mixin
  BenchMain.Common common = new BenchMain.Common();

  @Option(names = "--connections", split = ",", description = "Concurrency levels (connections = senders). Default: ${DEFAULT-VALUE}.")
  List<Integer> connections = List.of(1, 8, 32);

  @CommandLine.Mixin
  LoadOptions load = new LoadOptions();

  @Option(names = "--backends", split = ",", description = "postgres, h2. Default: ${DEFAULT-VALUE}.")
  List<String> backends = List.of("postgres", "h2");

  @Option(names = "--pgbench", description = "The pgbench binary. Default: ${DEFAULT-VALUE}.")
  String pgbench = "pgbench";

  private static final String TEXT = "Bonjour, une chambre pour deux ce soir ?";

  @Override
  public BenchMain.Common common() {
    return common;
  }

  @Override
  public String name() {
    return "tchatator-send";
  }

  @Override
  public Report run(BenchEnv env) throws Exception {
    if (env.smoke()) {
      connections = List.of(1, 2);
      load.smoke();
    }
    JsonObject settings = new JsonObject().put("connections", connections).put("seconds", load.seconds).put("warmup", load.warmup)
      .put("backends", backends).put("content", TEXT).put("pgbench", "-n -M prepared, 1-row INSERT into a LIKE-copy of message");
    Report report = new Report(env, "Tchatator SEND_MSG closed loop vs pgbench 1-row INSERT", settings);
    String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Map<String, ChatrelayNode> nodes = new LinkedHashMap<>();
    Map<String, Senders> senders = new LinkedHashMap<>();
    NetClient net = env.vertx().createNetClient(new NetClientOptions().setConnectTimeout(5000).setTcpNoDelay(true));
    PgActivity activity = null;
    try {
      for (String backend : backends) {
        ChatrelayNode node = new ChatrelayNode(env, "chatrelay-" + backend)
          .set("tchatator.max-messages-per-minute", 1_000_000_000)
          .set("tchatator.max-messages-per-hour", 1_000_000_000)
          .set("tchatator.max-connections-per-address", 10_000);
        if (backend.equals("postgres")) node.postgres(env.pg(), schema);
        else if (!backend.equals("h2")) throw new IllegalArgumentException("backend must be postgres or h2: " + backend);
        nodes.put(backend, node);
        senders.put(backend, Senders.create(node, env.runs(), connections));
      }
      for (ChatrelayNode n : nodes.values()) n.start();
      for (ChatrelayNode n : nodes.values()) n.awaitReady(Duration.ofSeconds(60));
      Path script = env.workDir().resolve("pgbench-insert.sql");
      if (nodes.containsKey("postgres")) {
        // the reference table: the server's own message table copied with its defaults, identity and indexes
        env.pg().run(env.vertx(), "CREATE TABLE " + schema + ".pgbench_message (LIKE " + schema + ".message INCLUDING ALL)");
        Files.writeString(script, "INSERT INTO " + schema + ".pgbench_message (sender_id, recipient_id, content, sent_at) "
          + "VALUES (:client_id + 1000000, 1, '" + TEXT + "', (extract(epoch from clock_timestamp()) * 1000)::bigint);\n");
        activity = new PgActivity(env);
      }
      // JIT warm-up of each server at 8 connections, not measured (2 s left the first run visibly slower)
      for (Map.Entry<String, ChatrelayNode> e : nodes.entrySet()) {
        level(env, net, e.getValue(), senders.get(e.getKey()).warmupLevel(), load.warm().multipliedBy(5), Duration.ofMillis(1), null, null);
      }
      for (int run = 0; run < env.runs(); run++) {
        for (int c : connections) {
          if (nodes.containsKey("postgres")) {
            PgbenchResult ref = pgbench(env, script, c, run);
            report.sample("pgbench.c" + c + ".tps", ref.tps());
            report.sample("pgbench.c" + c + ".p50", ref.p50());
            report.sample("pgbench.c" + c + ".p99", ref.p99());
            report.sample("pgbench.c" + c + ".dbCpuMs", ref.dbCpuMsPerOp());
            report.note(String.format("run %d, %2d connections, pgbench 1-row INSERT: %s tps, p50 %s ms, p99 %s ms, PostgreSQL CPU %s ms per insert",
              run + 1, c, Stat.number(ref.tps()), Stat.number(ref.p50()), Stat.number(ref.p99()), Stat.number(ref.dbCpuMsPerOp())));
          }
          for (Map.Entry<String, ChatrelayNode> e : nodes.entrySet()) {
            String backend = e.getKey();
            LoadPoint p = level(env, net, e.getValue(), senders.get(backend).of(run, c), load.warm(),
              load.window(), backend.equals("postgres") ? activity : null, "c" + c);
            String k = backend + ".c" + c;
            report.sample(k + ".tps", p.perSecond());
            report.sample(k + ".p50", p.p50());
            report.sample(k + ".p99", p.p99());
            report.sample(k + ".serverCpuMs", 1000 * p.serverCpu() / p.ops());
            if (backend.equals("postgres")) report.sample(k + ".dbCpuMs", 1000 * p.databaseCpu() / p.ops());
            report.note(String.format("run %d, %2d connections, chatrelay on %s: %s", run + 1, c, backend, p.line()));
            if (p.failures() > 0) throw new IllegalStateException("SEND_MSG failed on " + backend + ": " + p.firstFailure());
          }
        }
      }
      for (int c : connections) {
        for (String backend : nodes.keySet()) {
          String k = backend + ".c" + c;
          String label = "chatrelay " + (backend.equals("postgres") ? "PostgreSQL" : "H2") + " c=" + c;
          if (nodes.containsKey("postgres")) {
            report.figure(k + ".tps", label + " SEND_MSG/s", "/s", "pgbench.c" + c + ".tps", "pgbench INSERT tps");
            report.figure(k + ".p99", label + " p99", "ms", "pgbench.c" + c + ".p99", "pgbench p99");
          } else {
            report.figure(k + ".tps", label + " SEND_MSG/s", "/s");
            report.figure(k + ".p99", label + " p99", "ms");
          }
          report.figure(k + ".p50", label + " p50", "ms");
          report.figure(k + ".serverCpuMs", label + " server CPU per send", "ms");
          if (backend.equals("postgres")) {
            report.figure(k + ".dbCpuMs", label + " PostgreSQL CPU per send", "ms", "pgbench.c" + c + ".dbCpuMs",
              "per pgbench INSERT");
          }
        }
      }
      String chart = "tchatator";
      for (int c : connections) {
        if (nodes.containsKey("postgres")) {
          report.chartPoint(chart, "Tchatator SEND_MSG, closed loop", "committed sends (rows) per second", "p99 latency (ms)",
            "pgbench 1-row INSERT (the limit)", "pgbench.c" + c + ".tps", "pgbench.c" + c + ".p99", "c=" + c);
        }
        for (String backend : nodes.keySet()) {
          report.chartPoint(chart, "Tchatator SEND_MSG, closed loop", "committed sends (rows) per second", "p99 latency (ms)",
            "chatrelay on " + (backend.equals("postgres") ? "PostgreSQL" : "embedded H2"), backend + ".c" + c + ".tps",
            backend + ".c" + c + ".p99", "c=" + c);
        }
      }
      if (activity != null) report.put("postgresBackendStates", activity.summary(report));
    } finally {
      if (activity != null) activity.close();
      nodes.values().forEach(ChatrelayNode::stop);
      net.close().timeout(10, TimeUnit.SECONDS).await();
      if (nodes.containsKey("postgres")) {
        try {
          env.pg().run(env.vertx(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (RuntimeException e) {
          System.err.println("could not drop schema " + schema + ": " + e.getMessage());
        }
      }
    }
    Profiles.attach(env, report);
    report.write();
    return report;
  }

  /** The sender accounts of one node: a fresh set per run and level (a sender's history never carries over). */
  private record Senders(long recipient, List<IssuedKey> warmup, Map<String, List<IssuedKey>> byLevel) {
    static Senders create(ChatrelayNode node, int runs, List<Integer> levels) {
      List<ChatrelayNode.AccountSpec> specs = new ArrayList<>();
      specs.add(new ChatrelayNode.AccountSpec("recipient", Role.PROFESSIONAL, null));
      for (int i = 0; i < 8; i++) specs.add(new ChatrelayNode.AccountSpec("warmup" + i, Role.MEMBER, null));
      for (int r = 0; r < runs; r++) {
        for (int c : levels) {
          for (int i = 0; i < c; i++) specs.add(new ChatrelayNode.AccountSpec("r" + r + "c" + c + "s" + i, Role.MEMBER, null));
        }
      }
      List<IssuedKey> keys = node.createAccounts(specs);
      long recipient = keys.get(0).account().id();
      Map<String, List<IssuedKey>> byLevel = new LinkedHashMap<>();
      int at = 9;
      for (int r = 0; r < runs; r++) {
        for (int c : levels) {
          byLevel.put(r + "/" + c, keys.subList(at, at + c));
          at += c;
        }
      }
      return new Senders(recipient, keys.subList(1, 9), byLevel);
    }

    Level warmupLevel() {
      return new Level(recipient, warmup);
    }

    Level of(int run, int c) {
      return new Level(recipient, byLevel.get(run + "/" + c));
    }
  }

  private record Level(long recipient, List<IssuedKey> senders) {
  }

  /** One closed-loop level: each sender logs in on its own connection, then sends, one request at a time. */
  private LoadPoint level(BenchEnv env, NetClient net, ChatrelayNode node, Level level, Duration warm, Duration measure,
                          PgActivity activity, String activityLabel) throws Exception {
    long recipient = level.recipient();
    List<IssuedKey> from = level.senders();
    List<TchatatorConnection> conns = new ArrayList<>();
    try {
      for (IssuedKey k : from) {
        TchatatorConnection c = TchatatorConnection.connect(net, node.tchatatorPort()).timeout(10, TimeUnit.SECONDS).await();
        conns.add(c);
        c.expectOk("LOGIN\napi-token:" + k.apiKey() + "\n").timeout(10, TimeUnit.SECONDS).await();
      }
      long[] seq = new long[from.size()];
      CpuMeter cpu = new CpuMeter(List.of(node.process()), activity != null)
        .onStart(() -> {
          if (activity != null) activity.start(activityLabel);
        });
      LoadPoint p = ClosedLoop.run(from.size(), w -> {
        String text = TEXT + " #" + (seq[w]++);
        return conns.get(w).expectOk("SEND_MSG\ntoken:" + from.get(w).apiKey() + "\nmessage-length:"
          + text.getBytes(StandardCharsets.UTF_8).length + "\nreceiver-id:" + recipient + "\ncontent:" + text + "\n");
      }, warm, measure, cpu);
      if (activity != null) activity.stop();
      return p;
    } finally {
      Future.join(conns.stream().map(TchatatorConnection::close).toList()).timeout(10, TimeUnit.SECONDS).await();
    }
  }

  record PgbenchResult(double tps, double p50, double p99, double dbCpuMsPerOp) {
  }

  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");

  private PgbenchResult pgbench(BenchEnv env, Path script, int clients, int run) throws Exception {
    Path logs = env.workDir().resolve("pgbench-r" + run + "-c" + clients);
    Files.createDirectories(logs);
    int threads = Math.min(clients, Runtime.getRuntime().availableProcessors());
    int secs = Math.max(1, (int) Math.round(load.seconds));
    List<String> cmd = List.of(pgbench, "-h", env.pg().host(), "-p", String.valueOf(env.pg().port()), "-U", env.pg().user(),
      "-n", "-M", "prepared", "-c", String.valueOf(clients), "-j", String.valueOf(threads), "-T", String.valueOf(secs),
      "-f", script.toString(), "-l", "--log-prefix=" + logs.resolve("tx"), env.pg().database());
    double dbBefore = Proc.cpuSecondsOfAll("postgres");
    List<String> out = Proc.run(cmd, secs + 60);
    double dbCpu = Proc.cpuSecondsOfAll("postgres") - dbBefore;
    double tps = out.stream().map(TPS::matcher).filter(Matcher::find).map(m -> Double.parseDouble(m.group(1))).findFirst()
      .orElseThrow(() -> new IllegalStateException("pgbench printed no tps:\n" + String.join("\n", out)));
    Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
    long count = 0;
    try (var files = Files.list(logs)) {
      for (Path f : files.toList()) {
        for (String line : Files.readAllLines(f)) {
          String[] fields = line.split(" ");
          if (fields.length >= 3) {
            h.recordValue(Math.min(h.getHighestTrackableValue(), Long.parseLong(fields[2])));
            count++;
          }
        }
      }
    }
    return new PgbenchResult(tps, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
      count == 0 ? Double.NaN : 1000 * dbCpu / count);
  }
}
