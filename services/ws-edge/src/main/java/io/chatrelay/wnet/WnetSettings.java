package io.chatrelay.wnet;

import io.chatrelay.shared.config.ChatrelayConfig;

/** The {@code wnet.*} settings (documented in {@code chatrelay-defaults.yaml}). */
public record WnetSettings(String host, int port, String path, int serverInstances, int maxFrameBytes,
                           long takeoverWindowMs, long pingIntervalMs, long deadAfterMs, int maxQueuedBytes,
                           int maxConnectionsPerAddress, int maxFramesPerSecond) {

  public static WnetSettings from(ChatrelayConfig cfg) {
    int instances = cfg.getInt("wnet.server-instances");
    return new WnetSettings(
      cfg.getString("wnet.host"),
      cfg.getInt("wnet.port"),
      cfg.getString("wnet.path"),
      instances > 0 ? instances : Runtime.getRuntime().availableProcessors(),
      cfg.getInt("wnet.max-frame-bytes"),
      cfg.getLong("wnet.takeover-window-ms"),
      cfg.getLong("wnet.ping-interval-ms"),
      cfg.getLong("wnet.dead-after-ms"),
      cfg.getInt("wnet.max-queued-bytes"),
      cfg.getInt("wnet.max-connections-per-address"),
      cfg.getInt("wnet.max-frames-per-second"));
  }
}
