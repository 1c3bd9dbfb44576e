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
      "CHATRELAY_ADMIN_PORT", String.valueOf(TestPorts.free())), List.of("serve", "--config", settings.toString()))) {
      p.awaitLine("chatrelay serving message-store,bot-registry,ws-edge,tcp-edge", Duration.ofSeconds(60));
      assertThat(dir.resolve("data/chatrelay.mv.db")).exists();

      // a change of the settings file is picked up without a restart
      Files.writeString(settings, Files.readString(settings).replace("max-messages-per-minute: 12", "max-messages-per-minute: 30"));
      p.awaitLine("settings reloaded", Duration.ofSeconds(20));

      // a broken file is reported and the running settings stay
      Files.writeString(settings, "wnet:\n  prot: 1\n");
      p.awaitLine(l -> l.contains("settings not reloaded") && l.contains("unknown setting wnet.prot"), Duration.ofSeconds(20));

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
  }
}
