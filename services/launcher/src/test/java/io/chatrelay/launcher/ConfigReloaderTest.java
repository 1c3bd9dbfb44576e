package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The settings file is re-read when it changes, including the way kubelet updates a mounted ConfigMap. */
@ExtendWith(VertxExtension.class)
class ConfigReloaderTest {
  private static final String FILE = "chatrelay.yaml";

  /**
   * Lays out a directory as kubelet does for a ConfigMap volume: {@code FILE -> ..data/FILE},
   * {@code ..data -> ..<timestamp>/}, the real file inside the timestamped directory.
   */
  private static void kubeletWrite(Path mount, String version, String content, FileTime mtime) throws Exception {
    Path dir = Files.createDirectory(mount.resolve("..2026_11_22_" + version));
    Files.writeString(dir.resolve(FILE), content);
    Files.setLastModifiedTime(dir.resolve(FILE), mtime);
    Path tmp = Files.createSymbolicLink(mount.resolve("..data_tmp"), dir.getFileName());
    // kubelet renames the new link over the old one: an atomic swap, the visible file path never changes.
    Files.move(tmp, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (!Files.exists(mount.resolve(FILE), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(mount.resolve(FILE), Path.of("..data").resolve(FILE));
    }
  }

  @Test
  void seesAConfigMapUpdateThroughKubeletsSymlinkSwap(Vertx vertx, VertxTestContext test, @TempDir Path mount)
    throws Exception {
    // Same size and same modification time: only the content tells the two versions apart.
    FileTime mtime = FileTime.fromMillis(1_700_000_000_000L);
    kubeletWrite(mount, "a", "tchatator:\n  max-messages-per-minute: 12\n", mtime);
    Path file = mount.resolve(FILE);
    LiveConfig live = new LiveConfig(ChatrelayConfig.load(file, Map.of(), Map.of()));
    live.onChange(next -> test.verify(() -> {
      assertThat(next.getInt("tchatator.max-messages-per-minute")).isEqualTo(34);
      test.completeNow();
    }));
    ConfigReloader reloader = new ConfigReloader(vertx, live, () -> ChatrelayConfig.load(file, Map.of(), Map.of()), file);

    // Give the reloader its first look at version a before swapping (it polls every 2 s).
    vertx.timer(2500).await(5, TimeUnit.SECONDS);
    kubeletWrite(mount, "b", "tchatator:\n  max-messages-per-minute: 34\n", mtime);
    deleteTree(mount.resolve("..2026_11_22_a"));

    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).as("reload after the swap").isTrue();
    reloader.stop();
  }

  @Test
  void keepsTheRunningSettingsWhenTheNewFileIsInvalid(Vertx vertx, @TempDir Path mount) throws Exception {
    FileTime mtime = FileTime.fromMillis(1_700_000_000_000L);
    kubeletWrite(mount, "a", "wnet:\n  max-frames-per-second: 200\n", mtime);
    Path file = mount.resolve(FILE);
    ChatrelayConfig initial = ChatrelayConfig.load(file, Map.of(), Map.of());
    LiveConfig live = new LiveConfig(initial);
    ConfigReloader reloader = new ConfigReloader(vertx, live, () -> ChatrelayConfig.load(file, Map.of(), Map.of()), file);

    kubeletWrite(mount, "b", "wnet:\n  max-frames-per-secnd: 300\n", mtime);
    assertThat(reloader.reload().await(10, TimeUnit.SECONDS)).isFalse();
    assertThat(live.get()).isEqualTo(initial);
    reloader.stop();
  }

  /** Issue 9: a value the definitions refuse is a refused reload, logged with the key and the reason. */
  @Test
  void refusesAReloadWithAnInvalidValueNamingTheKeyAndKeepsTheRunningSettings(Vertx vertx, @TempDir Path mount)
    throws Exception {
    FileTime mtime = FileTime.fromMillis(1_700_000_000_000L);
    kubeletWrite(mount, "a", "tchatator:\n  max-connections: 50\n", mtime);
    Path file = mount.resolve(FILE);
    ChatrelayConfig initial = ChatrelayConfig.load(file, Map.of(), Map.of());
    LiveConfig live = new LiveConfig(initial);
    ConfigReloader reloader = new ConfigReloader(vertx, live, () -> ChatrelayConfig.load(file, Map.of(), Map.of()), null);
    ListAppender<ILoggingEvent> log = capture();
    try {
      kubeletWrite(mount, "b", "tchatator:\n  max-connections: -5\n  max-message-length: 2000\ndatabase:\n  kind: mongo\n", mtime);
      assertThat(reloader.reload().await(10, TimeUnit.SECONDS)).isFalse();
      assertThat(live.get()).isEqualTo(initial);
      assertThat(live.get().getInt("tchatator.max-message-length")).as("no part of the refused file applies").isEqualTo(1000);
      assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
        .contains("settings not reloaded, keeping the running ones")
        .contains("tchatator.max-connections must be at least 0, got -5")
        .contains("database.kind expects one of embedded, postgres, got 'mongo'"));
    } finally {
      release(log);
      reloader.stop();
    }
  }

  /** The restart-only keys come from the definitions: accounts.hash-threads was missing from the hand-made list. */
  @Test
  void aChangedRestartOnlyKeyIsLoggedAsTakingEffectAtRestart(Vertx vertx) throws Exception {
    assertThat(ConfigReloader.RESTART_ONLY).contains("accounts.hash-threads", "tchatator.port", "wnet.max-connections",
      "node.name", "database.kind").doesNotContain("tchatator.max-connections", "wnet.takeover-window-ms",
      "accounts.password-iterations");
    ChatrelayConfig initial = ChatrelayConfig.defaults();
    LiveConfig live = new LiveConfig(initial);
    ConfigReloader reloader = new ConfigReloader(vertx, live,
      () -> initial.with("accounts.hash-threads", 3).with("accounts.password-iterations", 1000), null);
    ListAppender<ILoggingEvent> log = capture();
    try {
      assertThat(reloader.reload().await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
        .contains("setting accounts.hash-threads changed; it takes effect only after a restart")
        .noneMatch(m -> m.contains("accounts.password-iterations"));
    } finally {
      release(log);
      reloader.stop();
    }
  }

  /** An unknown CHATRELAY_ variable is reported once (at start), not again at every reload. */
  @Test
  void anUnknownVariableIsWarnedOnlyOnce(Vertx vertx) throws Exception {
    ChatrelayConfig initial = ChatrelayConfig.load(null, Map.of("CHATRELAY_NOPE", "1"), Map.of());
    LiveConfig live = new LiveConfig(initial);
    ConfigReloader reloader = new ConfigReloader(vertx, live,
      () -> ChatrelayConfig.load(null, Map.of("CHATRELAY_NOPE", "1"), Map.of("wnet.takeover-window-ms", 700)), null);
    ListAppender<ILoggingEvent> log = capture();
    try {
      assertThat(reloader.reload().await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(live.get().getLong("wnet.takeover-window-ms")).isEqualTo(700);
      assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("CHATRELAY_NOPE"));
    } finally {
      release(log);
      reloader.stop();
    }
  }

  private static ListAppender<ILoggingEvent> capture() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(ConfigReloader.class)).addAppender(appender);
    return appender;
  }

  private static void release(ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(ConfigReloader.class)).detachAppender(appender);
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
