package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.config.SettingDefinitions;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Re-reads the settings on SIGHUP and when the settings file's content changes (read every two seconds, without
 * blocking the event loop). Comparing content rather than modification time also catches Kubernetes' ConfigMap
 * update, where kubelet swaps a {@code ..data} symlink to a new directory and the file keeps its name. A file that
 * no longer parses, or holds a value its definition refuses (wrong type, out of range, unknown choice; the log line
 * names each key and the reason), is reported and the running settings stay. Keys that only take effect at start are reported
 * as such.
 */
public final class ConfigReloader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);
  /** Settings read only at start (from their definitions): a change is logged as needing a restart. */
  static final Set<String> RESTART_ONLY = SettingDefinitions.restartOnly();

  private final Vertx vertx;
  private final LiveConfig live;
  private final Supplier<ChatrelayConfig> reload;
  private final Path file;
  private long timerId = -1;
  private String lastStamp;

  ConfigReloader(Vertx vertx, LiveConfig live, Supplier<ChatrelayConfig> reload, Path file) {
    this.vertx = vertx;
    this.live = live;
    this.reload = reload;
    this.file = file;
    if (file != null) {
      stamp().onSuccess(s -> lastStamp = s);
      timerId = vertx.setPeriodic(2000, id -> stamp().onSuccess(s -> {
        if (lastStamp != null && !s.equals(lastStamp)) {
          LOG.info("settings file {} changed; reloading", file);
          reload();
        }
        lastStamp = s;
      }));
    }
  }

  /** A digest of the file's content, following symlinks; "missing" while it cannot be read. */
  private Future<String> stamp() {
    return vertx.fileSystem().readFile(file.toString())
      .map(content -> HexFormat.of().formatHex(sha256(content.getBytes())))
      .otherwise("missing");
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Reads the settings again and installs them; returns whether they were valid. */
  public Future<Boolean> reload() {
    return vertx.executeBlocking(reload::get).map(next -> {
      ChatrelayConfig current = live.get();
      for (String key : next.keys()) {
        boolean changed = !current.getString(key).equals(next.getString(key));
        if (changed && RESTART_ONLY.contains(key)) {
          LOG.warn("setting {} changed; it takes effect only after a restart", key);
        }
      }
      // each warning (an unknown CHATRELAY_ variable) once: the running settings' ones were logged already
      next.warnings().stream().filter(w -> !current.warnings().contains(w)).forEach(LOG::warn);
      live.update(next);
      LOG.info("settings reloaded");
      return true;
    }).otherwise(err -> {
      LOG.error("settings not reloaded, keeping the running ones: {}", err.getMessage());
      return false;
    });
  }

  void stop() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
  }
}
