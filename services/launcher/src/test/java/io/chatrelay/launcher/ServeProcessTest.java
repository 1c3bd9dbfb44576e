package io.chatrelay.launcher;

import io.chatrelay.shared.testing.TestPorts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code serve} as a real process: starts on the embedded default, reloads settings, stops on SIGTERM. */
class ServeProcessTest {

  @Test
  void servesOnTheEmbeddedDefaultAndStopsOnSigterm(@TempDir Path dir) throws Exception {
    Path settings = dir.resolve("chatrelay.yaml");
    Files.writeString(settings, "wnet:\n  port: " + TestPorts.free() + "\ntchatator:\n  port: " + TestPorts.free()
      + "\n  max-messages-per-minute: 12\n");
    try (ChatrelayProcess p = ChatrelayProcess.start("serve", dir, Map.of("CHATRELAY_WNET_HOST", "127.0.0.1",
      "CHATRELAY_TCHATATOR_HOST", "127.0.0.1", "CHATRELAY_ADMIN_HOST", "127.0.0.1",
      "CHATRELAY_ADMIN_PORT", String.valueOf(TestPorts.free()), "CHATRELAY_NODE_NAME", "edge-7",
      "CHATRELAY_LOG_LEVEL", "INFO"), List.of("serve", "--config", settings.toString()))) {
      String serving = p.awaitLine("chatrelay serving message-store,bot-registry,ws-edge,tcp-edge", Duration.ofSeconds(60));
      assertThat(dir.resolve("data/chatrelay.mv.db")).exists();
      // node.name is in every line (after the level), and logback's own variable is not reported as unknown
      assertThat(serving).matches("\\S+ INFO  edge-7 \\[.*");
      assertThat(p.output().lines().filter(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT.*")))
        .isNotEmpty().allMatch(l -> l.matches("\\S+ \\S+ +edge-7 \\[.*"));
      assertThat(p.output()).doesNotContain("CHATRELAY_LOG_LEVEL");

      // a change of the settings file is picked up without a restart
      Files.writeString(settings, Files.readString(settings).replace("max-messages-per-minute: 12", "max-messages-per-minute: 30"));
      p.awaitLine("settings reloaded", Duration.ofSeconds(20));

      // a broken file is reported and the running settings stay
      Files.writeString(settings, "wnet:\n  prot: 1\n");
      p.awaitLine(l -> l.contains("settings not reloaded") && l.contains("unknown setting wnet.prot"), Duration.ofSeconds(20));
      // so is a value out of range
      Files.writeString(settings, "wnet:\n  port: 70000\n");
      p.awaitLine(l -> l.contains("settings not reloaded") && l.contains("wnet.port must be between 0 and 65535, got 70000"),
        Duration.ofSeconds(20));

      // SIGHUP asks for a reload at once
      new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
      p.awaitLine("SIGHUP: reloading settings", Duration.ofSeconds(20));

      p.terminate();
      int code = p.awaitExit(Duration.ofSeconds(30));
      assertThat(code).as(p.output()).isIn(0, 143);
      assertThat(p.output()).as("exit code %d", code).contains("shutting down").contains("stopped");
    }
  }

  @Test
  void badOptionsExitWithAClearError(@TempDir Path dir) throws Exception {
    try (ChatrelayProcess p = ChatrelayProcess.start("bad", dir, Map.of(), List.of("serve", "--services", "web-edge"))) {
      assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(p.output()).contains("unknown service 'web-edge'");
    }
    // an invalid value stops the start at once, before anything listens, naming the key and the reason
    try (ChatrelayProcess p = ChatrelayProcess.start("invalid", dir, Map.of("CHATRELAY_WNET_MAX_FRAMES_PER_SECOND", "fast"),
      List.of("serve", "--set", "tchatator.max-connections=-1"))) {
      assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(p.output())
        .contains("option for tchatator.max-connections: tchatator.max-connections must be at least 0, got -1")
        .contains("environment variable CHATRELAY_WNET_MAX_FRAMES_PER_SECOND: wnet.max-frames-per-second expects a whole number, got 'fast'")
        .doesNotContain("started");
    }
  }
}
