package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console end to end: a real {@code serve} process, real Python bots ({@code wnet_bot.py}), and the
 * people's and operators' pages in headless Chromium (Debian's {@code /usr/bin/chromium}) driven by
 * {@code src/test/e2e/console.e2e.js} (playwright-core, installed there by {@code npm ci}). The script asks this
 * test for what only it can do (start and stop bots, restart the edge) with {@code @@ need} lines on its output
 * and waits for {@code @@ done}. It writes the screenshots of both pages to {@code docs/}.
 * Skipped, saying why, where node, chromium, playwright-core or python3-websockets are missing.
 */
@ExtendWith(VertxExtension.class)
class ConsoleBrowserTest {
  private static final Path E2E = Path.of("src", "test", "e2e");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DOCS = Path.of("..", "..", "docs");
  private static final String ADMIN_KEY = "console-e2e-admin-key-0123456789";
  private static final String USER = "alice";
  private static final String PASSWORD = "alice-secret-1";
  private static final Duration SCENARIO = Duration.ofMinutes(4);

  private final Map<String, PythonPeer> bots = new HashMap<>();
  private final List<PythonPeer> others = new ArrayList<>();
  private Vertx vertx;
  private ServeNode node;
  private ChatrelayProcess serve;
  private boolean originPolicy;

  @Test
  void peopleTalkToBotsAndOperatorsSeeAndKickThem(Vertx vertx, @TempDir Path dir) throws Exception {
    assumeBrowserAvailable();
    PythonPeer.assumeAvailable();
    this.vertx = vertx;
    node = new ServeNode("console", dir).set("tchatator.admin-api-key", ADMIN_KEY);
    LauncherCli.create(node.databaseOptions(), USER, "member", PASSWORD);
    // the Origin policy belongs to the WS edge's hardening; where this build lacks it, the script says so
    originPolicy = ChatrelayConfig.defaults().has("wnet.allowed-origins");
    serve = ServeNode.startAll(vertx, Duration.ofSeconds(60), List.of(node)).get(0);
    Process script = null;
    try {
      JsonObject settings = new JsonObject()
        .put("peopleUrl", node.pageUrl()).put("adminUrl", node.adminUrl()).put("wsUrl", node.wnetUrl())
        .put("adminKey", ADMIN_KEY).put("user", USER).put("password", PASSWORD)
        .put("chromium", CHROMIUM.toString()).put("screenshots", DOCS.toAbsolutePath().normalize().toString())
        .put("originPolicy", originPolicy);
      ProcessBuilder pb = new ProcessBuilder("node", "console.e2e.js").directory(E2E.toFile()).redirectErrorStream(true);
      pb.environment().put("CONSOLE_E2E", settings.encode());
      script = pb.start();
      Process running = script;
      OutputLines lines = new OutputLines("console.e2e.js", script.getInputStream());
      OutputStream toScript = script.getOutputStream();
      long deadline = System.nanoTime() + SCENARIO.toNanos();
      for (int seen = 0; ; ) {
        int at = lines.awaitFrom(seen, l -> l.startsWith("@@ need") || l.startsWith("@@ passed") || l.startsWith("@@ fail"),
          Duration.ofNanos(Math.max(1, deadline - System.nanoTime())), running::isAlive);
        seen = at + 1;
        String line = lines.line(at);
        if (!line.startsWith("@@ need")) {
          assertThat(line).as(lines.toString()).startsWith("@@ passed");
          break;
        }
        String answer;
        AssertionError failure = null;
        try {
          answer = "@@ done " + perform(line.substring("@@ need ".length()).split(" "));
        } catch (AssertionError | Exception e) {
          failure = new AssertionError(line + " failed; script output:\n" + lines, e);
          answer = "@@ failed " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
        toScript.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
        toScript.flush();
        if (failure != null) throw failure;
      }
      assertThat(script.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(script.exitValue()).as(lines.toString()).isZero();
      lines.all().stream().filter(l -> l.startsWith("@@ measured") || l.startsWith("@@ skipped")).forEach(System.out::println);
      for (String shot : List.of("console-people.png", "console-operators.png", "console-people-phone.png")) {
        assertThat(DOCS.resolve(shot)).as("screenshot " + shot).isNotEmptyFile();
      }
    } finally {
      if (script != null) script.destroyForcibly();
      bots.values().forEach(PythonPeer::close);
      others.forEach(PythonPeer::close);
      serve.close();
    }
  }

  /** Does what the script asks ({@code @@ need <action> <args>}); returns the detail of its {@code @@ done}. */
  private String perform(String[] need) throws Exception {
    switch (need[0]) {
      case "start-bot" -> {
        PythonPeer bot = PythonPeer.bot(node.wnetUrl(), need[1], USER, PASSWORD);
        bot.awaitLine("info@You added as bot"::equals, Duration.ofSeconds(15));
        PythonPeer previous = bots.put(need[1], bot);
        if (previous != null) previous.close();
        return need[1];
      }
      case "stop-bot" -> {
        bots.remove(need[1]).close();
        return need[1];
      }
      case "bot-saw" -> {
        // the bot's frames since it started: connection@<sid>@<auth_data> with the signed-in account's name
        return bots.get(need[1]).awaitLine(l -> l.startsWith(need[2]) && l.endsWith(need[3]), Duration.ofSeconds(10));
      }
      case "claim" -> {
        // the kicked name is free: another connection of the account registers it at once, no takeover
        PythonPeer claimer = PythonPeer.scripted("claimer of " + need[1], node.wnetUrl(), USER, PASSWORD);
        others.add(claimer);
        claimer.send("add@" + need[1]);
        String first = claimer.nextLineAfter(0, Duration.ofSeconds(10));
        return first.equals("info@You added as bot") ? need[1] : fail("the name was not free: " + claimer.lines());
      }
      case "restart-edge" -> {
        // the bots go with the process (their connections end); the page must come back by itself
        bots.values().forEach(PythonPeer::close);
        bots.clear();
        serve.terminate();
        serve.awaitExit(Duration.ofSeconds(30));
        if (originPolicy) node.set("wnet.allowed-origins", need[1]);
        serve = node.start();
        node.awaitReady(vertx, Duration.ofSeconds(60));
        return "restarted";
      }
      default -> {
        return fail("unknown request " + String.join(" ", need));
      }
    }
  }

  private static String fail(String why) {
    throw new AssertionError(why);
  }

  /** node on the PATH, Debian's chromium, and playwright-core installed under src/test/e2e (by npm ci). */
  private static void assumeBrowserAvailable() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed (/usr/bin/chromium; .ci/run installs it)");
    Assumptions.assumeTrue(Files.isDirectory(E2E.resolve("node_modules/playwright-core")),
      "playwright-core is not installed (cd services/launcher/src/test/e2e && npm ci; .ci/run does it)");
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      Assumptions.assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "node does not run");
    } catch (IOException e) {
      Assumptions.abort("node is not installed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Assumptions.abort("interrupted");
    }
  }
}
