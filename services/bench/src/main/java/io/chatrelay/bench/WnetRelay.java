package io.chatrelay.bench;

import io.chatrelay.shared.bus.Role;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/**
 * The wnet relay on one chatrelay process against a bare Vert.x WebSocket echo server (its own process) on the
 * same generator: closed loop at 1/8/32 clients (one message in flight each, B echo bots), then open loop at
 * fractions of chatrelay's best closed-loop rate, the same absolute rate on both. The comparison is server frames
 * per second (4 per relay round trip, 2 per echo) and server CPU per frame.
 */
@Command(name = "wnet-relay", mixinStandardHelpOptions = true,
  description = "wnet relay (cssend -> bot -> scsend) closed and open loop vs a bare Vert.x WebSocket echo server.")
final class WnetRelay implements Scenario {
  @CommandLine.Mixin
  BenchMain.Common common = new BenchMain.Common();

  @Option(names = "--clients", split = ",", description = "Closed-loop levels (clients, one message in flight each). Default: ${DEFAULT-VALUE}.")
  List<Integer> clients = List.of(1, 8, 32);

  @CommandLine.Mixin
  LoadOptions load = new LoadOptions();

  @CommandLine.Mixin
  LoadOptions.Relay relay = relayDefaults();

  private static LoadOptions.Relay relayDefaults() {
    LoadOptions.Relay r = new LoadOptions.Relay();
    r.openLoad = List.of(0.5, 0.8);
    return r;
  }

  @Override
  public BenchMain.Common common() {
    return common;
  }

  @Override
  public String name() {
    return "wnet-relay";
  }

  /** A chatrelay node tuned for load from one address: no frame-rate limit, no per-address connection limit. */
  static ChatrelayNode relayNode(BenchEnv env, String name, String... services) {
    return new ChatrelayNode(env, name, services).set("wnet.max-frames-per-second", 0)
      .set("wnet.max-connections-per-address", 100_000);
  }

  @Override
  public Report run(BenchEnv env) throws Exception {
    if (env.smoke()) {
      clients = List.of(1, 2);
      relay.bots = 2;
      relay.openLoad = List.of(0.5);
      load.smoke();
    }
    int maxClients = clients.stream().mapToInt(Integer::intValue).max().orElseThrow();
    JsonObject settings = new JsonObject().put("clients", clients).put("bots", relay.bots).put("openLoad", relay.openLoad)
      .put("seconds", load.seconds).put("warmup", load.warmup).put("messageBytes", relay.messageBytes);
    Report report = new Report(env, "wnet relay vs a bare Vert.x WebSocket echo server", settings);
    ChatrelayNode node = relayNode(env, "chatrelay");
    String key = node.createAccounts(List.of(new ChatrelayNode.AccountSpec("relaybots", Role.MEMBER, null))).get(0).apiKey();
    EchoServer.Started echo = null;
    try {
      node.start();
      echo = EchoServer.start(env, "echo-server");
      node.awaitReady(Duration.ofSeconds(60));
      Duration warm = load.warm();
      Duration window = load.window();
      try (RelayRig chatrelay = RelayRig.chatrelay(env, node.wnet(), node.wnet(), WnetPeer.tokenCookie(key), maxClients,
             relay.bots, "Relay", relay.messageBytes);
           RelayRig bare = RelayRig.echo(env, echo.endpoint(), maxClients, relay.messageBytes)) {
        CpuMeter relayCpu = CpuMeter.of(node.process());
        CpuMeter echoCpu = CpuMeter.of(echo.process());
        chatrelay.closed(maxClients, Duration.ZERO, warm.multipliedBy(2), relayCpu);
        bare.closed(maxClients, Duration.ZERO, warm.multipliedBy(2), echoCpu);
        for (int run = 0; run < env.runs(); run++) {
          double best = 0;
          for (int c : clients) {
            LoadPoint r = chatrelay.closed(c, warm, window, relayCpu);
            LoadPoint e = bare.closed(c, warm, window, echoCpu);
            record(report, run, "closed.c" + c, c + " clients, closed loop", chatrelay, r, bare, e);
            best = Math.max(best, r.perSecond());
          }
          for (double f : relay.openLoad) {
            double rate = f * best;
            LoadPoint r = chatrelay.open(rate, warm, window, relayCpu);
            LoadPoint e = bare.open(rate, warm, window, echoCpu);
            record(report, run, "open" + pct(f), String.format("open loop at %.0f%% (%s round trips/s offered)", 100 * f,
              Stat.number(rate)), chatrelay, r, bare, e);
          }
        }
      }
      for (int c : clients) figures(report, "closed.c" + c, c + " clients closed loop");
      for (double f : relay.openLoad) figures(report, "open" + pct(f), "open loop " + pct(f) + "% of best");
      for (int c : clients) chart(report, "closed.c" + c, "closed loop", "c=" + c);
      for (double f : relay.openLoad) chart(report, "open" + pct(f), "open loop", pct(f) + "%");
    } finally {
      node.stop();
      if (echo != null) echo.process().stop(Duration.ofSeconds(5));
    }
    Profiles.attach(env, report);
    report.write();
    return report;
  }

  static String pct(double f) {
    return String.valueOf(Math.round(f * 100));
  }

  /** Samples of one level: chatrelay's figures under relay.<k>, the echo server's under echo.<k>. */
  static void record(Report report, int run, String k, String what, RelayRig relay, LoadPoint r, RelayRig bare, LoadPoint e) {
    sample(report, "relay." + k, relay, r);
    sample(report, "echo." + k, bare, e);
    report.note(String.format("run %d, %s: chatrelay %s", run + 1, what, r.line()));
    report.note(String.format("run %d, %s: echo      %s", run + 1, what, e.line()));
    if (r.failures() > 0 || e.failures() > 0) throw new IllegalStateException("round trips failed: " + r.firstFailure() + " / " + e.firstFailure());
  }

  static void sample(Report report, String prefix, RelayRig rig, LoadPoint p) {
    double frames = p.perSecond() * rig.framesPerRoundTrip();
    report.sample(prefix + ".rtps", p.perSecond());
    report.sample(prefix + ".frames", frames);
    report.sample(prefix + ".p50", p.p50());
    report.sample(prefix + ".p99", p.p99());
    report.sample(prefix + ".p999", p.p999());
    report.sample(prefix + ".cpuUsPerFrame", 1e6 * p.serverCpu() / (p.ops() * (double) rig.framesPerRoundTrip()));
  }

  private static void figures(Report report, String k, String label) {
    report.figure("relay." + k + ".frames", "chatrelay " + label + ": server frames/s", "/s", "echo." + k + ".frames", "echo server frames/s");
    report.figure("relay." + k + ".rtps", "chatrelay " + label + ": round trips/s", "/s", "echo." + k + ".rtps", "echo round trips/s");
    report.figure("relay." + k + ".p50", "chatrelay " + label + ": p50", "ms", "echo." + k + ".p50", "echo p50");
    report.figure("relay." + k + ".p99", "chatrelay " + label + ": p99", "ms", "echo." + k + ".p99", "echo p99");
    report.figure("relay." + k + ".p999", "chatrelay " + label + ": p99.9", "ms", "echo." + k + ".p999", "echo p99.9");
    report.figure("relay." + k + ".cpuUsPerFrame", "chatrelay " + label + ": server CPU per frame", "µs",
      "echo." + k + ".cpuUsPerFrame", "echo CPU per frame");
  }

  private static void chart(Report report, String k, String mode, String label) {
    String title = "wnet relay vs bare WebSocket echo";
    report.chartPoint("wnet", title, "server frames per second", "p99 latency (ms)", "chatrelay relay, " + mode,
      "relay." + k + ".frames", "relay." + k + ".p99", label);
    report.chartPoint("wnet", title, "server frames per second", "p99 latency (ms)", "bare Vert.x echo, " + mode,
      "echo." + k + ".frames", "echo." + k + ".p99", label);
  }
}
