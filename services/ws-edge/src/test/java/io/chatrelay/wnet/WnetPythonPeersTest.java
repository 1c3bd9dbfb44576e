package io.chatrelay.wnet;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.WnetStack;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Python peers written like the public ones ({@code services/launcher/src/test/python}: a bot that sends the
 * quoted password cookie and never answers isalive, a client that reads one frame per command) against the edge.
 * Skipped where Python's websockets library is missing (the CI script installs it).
 */
@ExtendWith(VertxExtension.class)
class WnetPythonPeersTest {
  private static final Path PEERS = Path.of("..", "launcher", "src", "test", "python");
  private static final String PYTHON = "/usr/bin/python3";

  @Test
  void thePythonBotAndClientTalkThroughTheEdge(Vertx vertx) throws Exception {
    assumeTrue(pythonWebsocketsAvailable(), "python3 with the websockets library");
    WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), TestConfigs.local(), true);
    stack.createAccount("pybot", "python-pass");
    String url = "ws://127.0.0.1:" + stack.port() + "/wnet/ws";

    Process bot = python("wnet_bot.py", url, "PyEcho", "pybot", "python-pass");
    try (BufferedReader botOut = new BufferedReader(new InputStreamReader(bot.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(botOut.readLine()).isEqualTo("info@You added as bot");
      Process client = python("wnet_client.py", url, "PyEcho", "a@b c");
      assertThat(client.waitFor(Await.DEADLINE_MS, TimeUnit.MILLISECONDS)).as("the client got its answer in time").isTrue();
      List<String> clientOut = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertThat(client.exitValue()).isZero();
      assertThat(clientOut).containsExactly("list@Py@PyEcho", "connectedto@PyEcho", "mess@PyEcho@Hello from bot! You said: a@b c");
      assertThat(botOut.readLine()).matches("connection@[A-Za-z0-9_-]{22}@None");
      assertThat(botOut.readLine()).matches("mess@[A-Za-z0-9_-]{22}@a@b c");
    } finally {
      bot.destroy();
      bot.waitFor();
    }
  }

  private static Process python(String script, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(PYTHON, PEERS.resolve(script).toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static boolean pythonWebsocketsAvailable() throws Exception {
    if (!Files.isExecutable(Path.of(PYTHON)) || !Files.isDirectory(PEERS)) return false;
    Process probe = new ProcessBuilder(PYTHON, "-c", "import websockets").redirectErrorStream(true).start();
    probe.getInputStream().readAllBytes();
    return probe.waitFor() == 0;
  }
}
