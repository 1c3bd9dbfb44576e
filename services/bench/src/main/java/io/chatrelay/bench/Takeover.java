package io.chatrelay.bench;

import io.chatrelay.shared.bus.Role;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How long a newcomer waits for a bot name held by an owner that is gone, on a two-member cluster (holders on
 * member B, newcomers on member A, so the {@code isalive} check crosses members):
 * <ul>
 *   <li>dead owner: the holder's connection is closed, the newcomer sends {@code add@} at once;</li>
 *   <li>silent owner: the holder is connected but never answers {@code isalive}: the takeover window (its
 *       reference);</li>
 *   <li>killed member: member B is killed with SIGKILL while its bot holds the name, the newcomer sends
 *       {@code add@} at once (and again after each refusal) until it gets the name; B is restarted for the next.</li>
 * </ul>
 * Each time runs from the event (close, add@, kill) to {@code info@You added as bot}. The figures are medians over
 * every repetition of every run.
 */
@Command(name = "takeover", mixinStandardHelpOptions = true,
  description = "Takeover timings of a bot name: dead owner, silent owner (the window), killed member (kill -9).")
final class Takeover implements Scenario {
  @CommandLine.Mixin
  BenchMain.Common common = new BenchMain.Common();

  @Option(names = "--window-ms", description = "wnet.takeover-window-ms for the run. Default: ${DEFAULT-VALUE}.")
  int windowMs = 2000;

  @Option(names = "--dead", description = "Dead-owner takeovers per run. Default: ${DEFAULT-VALUE}.")
  int dead = 5;

  @Option(names = "--silent", description = "Silent-owner takeovers per run. Default: ${DEFAULT-VALUE}.")
  int silent = 3;

  @Option(names = "--kills", description = "Member kills per run. Default: ${DEFAULT-VALUE}.")
  int kills = 2;

  private int names;

  @Override
  public BenchMain.Common common() {
    return common;
  }

  @Override
  public String name() {
    return "takeover";
  }

  @Override
  public Report run(BenchEnv env) throws Exception {
    if (env.smoke()) {
      windowMs = 500;
      dead = 1;
      silent = 1;
      kills = 1;
    }
    JsonObject settings = new JsonObject().put("windowMs", windowMs).put("deadPerRun", dead).put("silentPerRun", silent)
      .put("killsPerRun", kills).put("members", "A: all services (newcomers); B: bot-registry, ws-edge (holders)");
    Report report = new Report(env, "takeover of a bot name: dead owner, silent owner, killed member", settings);
    ChatrelayNode a = new ChatrelayNode(env, "member-a").set("wnet.takeover-window-ms", windowMs);
    ChatrelayNode b = new ChatrelayNode(env, "member-b", "bot-registry", "ws-edge").set("wnet.takeover-window-ms", windowMs);
    ChatrelayNode.cluster(a, b);
    String cookie = WnetPeer.tokenCookie(
      a.createAccounts(List.of(new ChatrelayNode.AccountSpec("takeoverbots", Role.MEMBER, null))).get(0).apiKey());
    WebSocketClient ws = RelayRig.wsClient(env);
    try {
      ChatrelayNode.startAll(a, b);
      int totalKills = env.runs() * kills;
      int killed = 0;
      for (int run = 0; run < env.runs(); run++) {
        for (int i = 0; i < dead; i++) {
          String name = nextName("Dead");
          WnetPeer holder = registered(ws, b, cookie, name);
          WnetPeer newcomer = WnetPeer.connect(ws, a.wnet(), cookie).timeout(30, TimeUnit.SECONDS).await();
          long t0 = System.nanoTime();
          holder.close();
          double ms = claim(newcomer, name, t0);
          report.sample("dead.ms", ms);
          report.note(String.format("run %d, dead owner %s: name taken over %s ms after its connection closed", run + 1, name, Stat.number(ms)));
          newcomer.close();
        }
        for (int i = 0; i < silent; i++) {
          String name = nextName("Silent");
          WnetPeer holder = registered(ws, b, cookie, name); // its handler ignores isalive
          Future<String> asked = holder.next("isalive");
          WnetPeer newcomer = WnetPeer.connect(ws, a.wnet(), cookie).timeout(30, TimeUnit.SECONDS).await();
          long t0 = System.nanoTime();
          double ms = claim(newcomer, name, t0);
          asked.timeout(5, TimeUnit.SECONDS).await();
          report.sample("silent.ms", ms);
          report.sample("window.ms", windowMs);
          report.note(String.format("run %d, silent owner %s: name taken over %s ms after add@ (window %d ms)", run + 1, name,
            Stat.number(ms), windowMs));
          newcomer.close();
          holder.close();
        }
        for (int i = 0; i < kills; i++) {
          String name = nextName("Killed");
          registered(ws, b, cookie, name);
          WnetPeer newcomer = WnetPeer.connect(ws, a.wnet(), cookie).timeout(30, TimeUnit.SECONDS).await();
          long t0 = System.nanoTime();
          b.process().kill();
          double ms = claim(newcomer, name, t0);
          killed++;
          report.sample("killed.ms", ms);
          report.note(String.format("run %d, killed member, bot %s: name taken over %s ms after kill -9", run + 1, name, Stat.number(ms)));
          newcomer.close();
          if (killed < totalKills) {
            b.start();
            b.awaitReady(Duration.ofSeconds(60));
          }
        }
      }
      report.figure("dead.ms", "dead owner (connection closed) -> name taken", "ms");
      report.figure("silent.ms", "silent owner (no alive) -> name taken", "ms", "window.ms", "takeover window");
      report.figure("killed.ms", "killed member (kill -9) -> name taken", "ms", "dead.ms", "dead owner");
      report.note("goal (issue 7 item 4): a killed member's names are free within 1000 ms of the kill, every time");
    } finally {
      ws.close();
      b.stop();
      a.stop();
    }
    Profiles.attach(env, report);
    report.write();
    return report;
  }

  /** A bot holding {@code name} on {@code node}. */
  private static WnetPeer registered(WebSocketClient ws, ChatrelayNode node, String cookie, String name) {
    WnetPeer bot = WnetPeer.connect(ws, node.wnet(), cookie).timeout(30, TimeUnit.SECONDS).await();
    bot.register(name).timeout(30, TimeUnit.SECONDS).await();
    return bot;
  }

  /**
   * Sends {@code add@name} until the name is given (each refusal, e.g. "taken: the bot holding it answered" or
   * "Service unavailable", is retried after 50 ms; at most 60 s); returns ms since {@code t0}.
   */
  private static double claim(WnetPeer newcomer, String name, long t0) throws InterruptedException {
    long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    while (System.nanoTime() < deadline) {
      Future<String> outcome = newcomer.next(f -> f.startsWith("info@You added as bot")
        || (f.startsWith("error@") && !f.startsWith("error@Such bot connected")));
      newcomer.send("add@" + name);
      try {
        last = outcome.timeout(60, TimeUnit.SECONDS).await();
      } catch (RuntimeException e) {
        throw new IllegalStateException("no answer to add@" + name + ": " + e.getMessage(), e);
      }
      if (last.startsWith("info@")) return (System.nanoTime() - t0) / 1e6;
      Thread.sleep(50);
    }
    throw new IllegalStateException("add@" + name + " refused for 60 s; last: " + last);
  }

  /** Bot names are letters only: a prefix and a counter in base 26. */
  private String nextName(String prefix) {
    int n = names++;
    StringBuilder s = new StringBuilder();
    do {
      s.append((char) ('a' + n % 26));
      n /= 26;
    } while (n > 0);
    return prefix + s;
  }
}
