package io.chatrelay.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code config --check FILE}: OK and the effective settings, or every invalid setting with its key (exit 1). */
class ConfigCommandTest {

  @Test
  void aGoodFileIsOkAndPrintsTheEffectiveSettingsWithSecretsMasked(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("good.yaml");
    Files.writeString(file, "wnet:\n  port: 9000\ntchatator:\n  admin-api-key: very-secret-key\n  max-connections-per-address: 0\n");
    LauncherCli.Run run = LauncherCli.run("config", "--check", file.toString(), "--set", "tchatator.max-messages-per-hour=5");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("OK " + file + "\n")
      .contains("\nwnet.port = 9000\n")
      .contains("\ntchatator.max-connections-per-address = 0   (reloadable)\n")
      .contains("\ntchatator.max-messages-per-hour = 5   (reloadable)\n")
      .contains("\ntchatator.admin-api-key = \"****\"   (reloadable)\n")
      .doesNotContain("very-secret-key");
  }

  @Test
  void aBadFileListsEachErrorWithItsKeyAndExitsOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "wnet:\n  port: 70000\n  prot: 1\n  dead-after-ms: 5000\ndatabase:\n  kind: mongo\n"
      + "accounts:\n  hash-threads: lots\n");
    LauncherCli.Run run = LauncherCli.run("config", "--check", file.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).doesNotContain("OK");
    assertThat(run.err()).contains(
      "error: " + file + ": wnet.port must be between 0 and 65535, got 70000\n",
      "error: " + file + ": unknown setting wnet.prot\n",
      "error: " + file + ": database.kind expects one of embedded, postgres, got 'mongo'\n",
      "error: " + file + ": accounts.hash-threads expects a whole number, got 'lots'\n",
      file + ": 4 invalid settings");

    // a rule between keys of a service's own section
    Files.writeString(file, "wnet:\n  dead-after-ms: 5000\n");
    run = LauncherCli.run("config", "--check", file.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("error: wnet.dead-after-ms (5000) must be more than wnet.ping-interval-ms (10000)");

    run = LauncherCli.run("config", "--check", dir.resolve("missing.yaml").toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("missing.yaml not found");
  }
}
