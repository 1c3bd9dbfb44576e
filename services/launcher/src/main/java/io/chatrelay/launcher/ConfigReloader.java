package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * Re-reads the settings on SIGHUP and when the settings file's content changes (read every two seconds, without
 * blocking the event loop). Comparing content rather than modification time also catches Kubernetes' ConfigMap
 * update, where kubelet swaps a {@code ..data} symlink to a new directory and the file keeps its name. A file that
 * no longer parses is reported and the running settings stay. Keys that only take effect at start are reported
 * as such.
 */
public final class ConfigReloader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);
  /** Settings read only at start: a change is logged as needing a restart. */
  static final List<String> RESTART_ONLY = List.of("admin.", "cluster.", "database.", "node.",
    // the WS edge builds its servers and session limits at start; only the registry's takeover window is live
    "wnet.host", "wnet.port", "wnet.path", "wnet.max-frame-bytes", "wnet.ping-interval-ms", "wnet.dead-after-ms",
    "wnet.max-connections", "wnet.handshake-timeout-ms", "wnet.auth-timeout-ms", "wnet.allowed-origins", "wnet.proxy-protocol", "wnet.trusted-proxies",
    "wnet.max-queued-bytes", "wnet.max-connections-per-address", "wnet.max-frames-per-second", "wnet.server-instances",
    "tchatator.host", "tchatator.port", "tchatator.backlog",
    "tchatator.proxy-protocol", "wnet.plain-enabled", "wnet.tls.", "tchatator.tls.");

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
        if (changed && RESTART_ONLY.stream().anyMatch(key::startsWith)) {
          LOG.warn("setting {} changed; it takes effect only after a restart", key);
        }
      }
      next.warnings().forEach(LOG::warn);
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
