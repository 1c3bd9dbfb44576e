package io.chatrelay.launcher.k8s;

import io.chatrelay.launcher.AdminProbe;
import io.chatrelay.launcher.AdminServer;
import io.chatrelay.launcher.Main;
import io.chatrelay.shared.testing.TestPorts;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Deployment's container started on this machine as kubelet would start it (its args, its environment, its
 * mounted settings file), with only what a single host must change: loopback addresses and free ports, and the
 * member list instead of the Kubernetes DNS lookup.
 */
@ExtendWith(VertxExtension.class)
class PodLaunchRehearsalTest {

  @Test
  void theBotRegistryPodStartsJoinsItsClusterAndBecomesReady(Vertx vertx, @TempDir Path root) throws Exception {
    PodLaunch pod = PodLaunch.of(Manifests.render(Manifests.BASE), new PodLaunch.Pod("127.0.0.1", "chatrelay-bot-registry-0"))
      .stream().filter(l -> "bot-registry".equals(l.option("--services"))).findFirst().orElseThrow();
    int adminPort = TestPorts.free();
    int memberPort = TestPorts.free();
    Path dataDir = root.resolve("var/lib/chatrelay");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(pod.materialize(root));
    command.addAll(List.of(
      "--set", "cluster.kubernetes-service-dns=", "--set", "cluster.members=127.0.0.1:" + memberPort,
      "--set", "cluster.port=" + memberPort, "--set", "cluster.name=rehearsal-" + UUID.randomUUID(),
      "--set", "cluster.eventbus-port=" + TestPorts.free(), "--set", "admin.port=" + adminPort,
      "--set", "node.data-dir=" + dataDir, "--set", "tchatator.log-file=" + dataDir.resolve("logs/tchatator.log"),
      // Stopping is ServeSigtermTest's subject: no need to wait for load balancers here.
      "--set", "shutdown.drain-seconds=0"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(root.resolve("pod.log").toFile());
    // Only the pod's own settings variables, as in a container (the test run's may hold test database ones).
    builder.environment().keySet().removeIf(name -> name.startsWith("CHATRELAY_"));
    builder.environment().putAll(pod.env());
    Process process = builder.start();
    try {
      AdminProbe.Reply ready = new AdminProbe(vertx, adminPort)
        .awaitReply(AdminServer.READY_PATH, r -> r.status() == 200, Duration.ofSeconds(90));
      assertThat(ready.check("cluster")).isEqualTo("UP");
      assertThat(ready.check("services")).isEqualTo("UP");
      process.destroy();
      assertThat(process.waitFor(45, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    assertThat(java.nio.file.Files.readString(root.resolve("pod.log")))
      .contains("chatrelay serving bot-registry")
      .doesNotContain("matches no setting");
  }
}
