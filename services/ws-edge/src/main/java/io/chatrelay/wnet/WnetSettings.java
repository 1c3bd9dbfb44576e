package io.chatrelay.wnet;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.tls.TlsSettings;

import java.util.List;

/** The {@code wnet.*} settings (documented in {@code chatrelay-defaults.yaml}). */
public record WnetSettings(String host, int port, String path, int serverInstances, int maxFrameBytes,
                           long takeoverWindowMs, long pingIntervalMs, long deadAfterMs, int maxQueuedBytes,
                           int maxConnectionsPerAddress, int maxConnections, long handshakeTimeoutMs, long authTimeoutMs,
                           int maxFramesPerSecond, List<String> allowedOrigins, boolean proxyProtocol,
                           List<String> trustedProxies, boolean plainEnabled, TlsSettings tls) {

  public WnetSettings {
    allowedOrigins = List.copyOf(allowedOrigins);
    trustedProxies = List.copyOf(trustedProxies);
    if (!plainEnabled && !tls.enabled()) {
      throw new IllegalArgumentException("wnet.plain-enabled is false and wnet.tls.port is 0: the WebSocket edge would"
        + " listen nowhere; set wnet.tls.port (and its cert-file, key-file) or turn the plain port back on");
    }
    if (deadAfterMs <= pingIntervalMs) {
      throw new IllegalArgumentException("wnet.dead-after-ms (" + deadAfterMs + ") must be more than wnet.ping-interval-ms ("
        + pingIntervalMs + "): a peer answering every ping would be closed as dead");
    }
  }

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
      cfg.getInt("wnet.max-connections"),
      cfg.getLong("wnet.handshake-timeout-ms"),
      cfg.getLong("wnet.auth-timeout-ms"),
      cfg.getInt("wnet.max-frames-per-second"),
      cfg.getStringList("wnet.allowed-origins"),
      cfg.getBoolean("wnet.proxy-protocol"),
      cfg.getStringList("wnet.trusted-proxies"),
      cfg.getBoolean("wnet.plain-enabled"),
      TlsSettings.read(cfg, "wnet"));
  }
}
