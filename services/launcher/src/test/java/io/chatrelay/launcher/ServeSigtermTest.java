package io.chatrelay.launcher;

import io.chatrelay.shared.testing.TestPorts;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** `serve` in its own JVM, stopped the way Kubernetes stops a container: SIGTERM. */
@ExtendWith(VertxExtension.class)
class ServeSigtermTest {

  @Test
  void sigtermTurnsReadinessFalseDrainsAndStopsWithinTheTimeout(Vertx vertx, @TempDir Path dir) throws Exception {
    int adminPort = TestPorts.free();
    Path log = dir.resolve("serve.log");
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), Main.class.getName(),
      "serve", "--services", "bot-registry",
      "--set", "admin.host=127.0.0.1", "--set", "admin.port=" + adminPort,
      "--set", "shutdown.drain-seconds=1", "--set", "shutdown.timeout-seconds=10",
      "--set", "node.data-dir=" + dir.resolve("data"));
    Process serve = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
      .redirectOutput(log.toFile()).start();
    try {
      AdminProbe probe = new AdminProbe(vertx, adminPort);
      probe.awaitReply(AdminServer.READY_PATH, r -> r.status() == 200, Duration.ofSeconds(60));

      long signalled = System.nanoTime();
      serve.destroy(); // SIGTERM
      AdminProbe.Reply draining = probe.awaitReply(AdminServer.READY_PATH, r -> r.status() != 200, Duration.ofSeconds(5));
      assertThat(draining.status()).isEqualTo(503);
      assertThat(serve.waitFor(10 + 5, TimeUnit.SECONDS)).as("exited within the shutdown timeout").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(serve.exitValue()).as("128 + SIGTERM").isEqualTo(143);
    } finally {
      serve.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(output).containsSubsequence("chatrelay serving bot-registry", "shutting down (at most 10 s)",
      "not ready any more; waiting 1000 ms", "stopped");
    assertThat(output).doesNotContain("shutdown did not complete cleanly");
  }
}
