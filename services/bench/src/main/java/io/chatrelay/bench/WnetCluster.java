package io.chatrelay.bench;

import io.chatrelay.shared.bus.Role;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/**
 * The wnet relay across two chatrelay member processes (bots on member A, clients on member B: every message
 * crosses the event bus twice) against the same relay inside member A alone (bots and clients on A), in the same
 * two-member cluster: closed loop at 8/32 clients and open loop at half of the one-member best. CPU counts both
 * processes.
 */
@Command(name = "wnet-cluster", mixinStandardHelpOptions = true,
  description = "wnet relay across two member processes (bots on one, clients on the other) vs within one member.")
final class WnetCluster implements Scenario {
  @CommandLine.Mixin
  BenchMain.Common common = new BenchMain.Common();

  @Option(names = "--clients", split = ",", description = "Closed-loop levels. Default: ${DEFAULT-VALUE}.")
  List<Integer> clients = List.of(8, 32);

  @CommandLine.Mixin
  LoadOptions load = new LoadOptions();

  @CommandLine.Mixin
  LoadOptions.Relay relay = new LoadOptions.Relay();

  @Override
  public BenchMain.Common common() {
    return common;
  }

  @Override
  public String name() {
    return "wnet-cluster";
  }

  @Override
  public Report run(BenchEnv env) throws Exception {
    if (env.smoke()) {
      clients = List.of(2);
      relay.bots = 2;
      load.smoke();
    }
    int maxClients = clients.stream().mapToInt(Integer::intValue).max().orElseThrow();
    JsonObject settings = new JsonObject().put("clients", clients).put("bots", relay.bots).put("openLoad", relay.openLoad)
      .put("seconds", load.seconds).put("warmup", load.warmup).put("messageBytes", relay.messageBytes)
      .put("members", "A: all services; B: bot-registry, ws-edge");
    Report report = new Report(env, "wnet relay across two member processes vs one member", settings);
    ChatrelayNode a = WnetRelay.relayNode(env, "member-a");
    ChatrelayNode b = WnetRelay.relayNode(env, "member-b", "bot-registry", "ws-edge");
    ChatrelayNode.cluster(a, b);
    String key = a.createAccounts(List.of(new ChatrelayNode.AccountSpec("relaybots", Role.MEMBER, null))).get(0).apiKey();
    try {
      ChatrelayNode.startAll(a, b);
      Duration warm = load.warm();
      Duration window = load.window();
      String cookie = WnetPeer.tokenCookie(key);
      CpuMeter cpu = new CpuMeter(List.of(a.process(), b.process()), false);
      try (RelayRig one = RelayRig.chatrelay(env, a.wnet(), a.wnet(), cookie, maxClients, relay.bots, "One", relay.messageBytes);
           RelayRig two = RelayRig.chatrelay(env, b.wnet(), a.wnet(), cookie, maxClients, relay.bots, "Two", relay.messageBytes)) {
        one.closed(maxClients, Duration.ZERO, warm.multipliedBy(2), cpu);
        two.closed(maxClients, Duration.ZERO, warm.multipliedBy(2), cpu);
        for (int run = 0; run < env.runs(); run++) {
          double best = 0;
          for (int c : clients) {
            LoadPoint p1 = one.closed(c, warm, window, cpu);
            LoadPoint p2 = two.closed(c, warm, window, cpu);
            sample(report, run, "closed.c" + c, c + " clients, closed loop", one, p1, two, p2);
            best = Math.max(best, p1.perSecond());
          }
          for (double f : relay.openLoad) {
            double rate = f * best;
            LoadPoint p1 = one.open(rate, warm, window, cpu);
            LoadPoint p2 = two.open(rate, warm, window, cpu);
            sample(report, run, "open" + WnetRelay.pct(f), String.format("open loop at %.0f%% (%s round trips/s offered)",
              100 * f, Stat.number(rate)), one, p1, two, p2);
          }
        }
      }
      for (int c : clients) figures(report, "closed.c" + c, c + " clients closed loop");
      for (double f : relay.openLoad) figures(report, "open" + WnetRelay.pct(f), "open loop " + WnetRelay.pct(f) + "% of one-member best");
      for (int c : clients) {
        for (String setup : List.of("one", "two")) {
          report.chartPoint("wnet", "wnet relay vs bare WebSocket echo", "server frames per second", "p99 latency (ms)",
            setup.equals("one") ? "chatrelay, one member (cluster)" : "chatrelay, across two members",
            setup + ".closed.c" + c + ".frames", setup + ".closed.c" + c + ".p99", "c=" + c);
        }
      }
    } finally {
      b.stop();
      a.stop();
    }
    Profiles.attach(env, report);
    report.write();
    return report;
  }

  private static void sample(Report report, int run, String k, String what, RelayRig one, LoadPoint p1, RelayRig two, LoadPoint p2) {
    WnetRelay.sample(report, "one." + k, one, p1);
    WnetRelay.sample(report, "two." + k, two, p2);
    report.note(String.format("run %d, %s: one member   %s", run + 1, what, p1.line()));
    report.note(String.format("run %d, %s: two members  %s", run + 1, what, p2.line()));
    if (p1.failures() > 0 || p2.failures() > 0) throw new IllegalStateException("round trips failed: " + p1.firstFailure() + " / " + p2.firstFailure());
  }

  private static void figures(Report report, String k, String label) {
    String two = "two." + k;
    String one = "one." + k;
    report.figure(two + ".rtps", "two members, " + label + ": round trips/s", "/s", one + ".rtps", "one member");
    report.figure(two + ".frames", "two members, " + label + ": server frames/s", "/s", one + ".frames", "one member");
    report.figure(two + ".p50", "two members, " + label + ": p50", "ms", one + ".p50", "one member");
    report.figure(two + ".p99", "two members, " + label + ": p99", "ms", one + ".p99", "one member");
    report.figure(two + ".p999", "two members, " + label + ": p99.9", "ms", one + ".p999", "one member");
    report.figure(two + ".cpuUsPerFrame", "two members, " + label + ": CPU per frame (both processes)", "µs",
      one + ".cpuUsPerFrame", "one member");
  }
}
