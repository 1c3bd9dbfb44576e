package io.chatrelay.tchatator;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.tchatator.codec.DecoderLimits;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The {@code tchatator.*} settings the edge reads while it runs (all but host, port, backlog and proxy-protocol,
 * which are read once at start). Use {@link #live(LiveConfig)} and call it at every use: a reload applies at once.
 * A count limit of 0 means no limit.
 */
public record TchatatorSettings(DecoderLimits limits, Duration idleTimeout, long requestQuietMs,
                                int maxConnectionsPerAddress, int maxConnections, long storeTimeoutMs,
                                String adminApiKey, String logFile, boolean logToConsole) {

  public static TchatatorSettings from(ChatrelayConfig c) {
    return new TchatatorSettings(
      new DecoderLimits(c.getInt("tchatator.max-line-bytes"), c.getInt("tchatator.max-request-bytes")),
      Duration.ofSeconds(c.getLong("tchatator.idle-timeout-seconds")),
      // a timer needs at least 1 ms
      Math.max(1, c.getLong("tchatator.request-quiet-ms")),
      Math.max(0, c.getInt("tchatator.max-connections-per-address")),
      Math.max(0, c.getInt("tchatator.max-connections")),
      Math.max(1, c.getLong("tchatator.store-timeout-ms")),
      c.getString("tchatator.admin-api-key"),
      c.getString("tchatator.log-file"),
      c.getBoolean("tchatator.log-to-console"));
  }

  /** The settings of the current snapshot, converted once per snapshot (not at every use). */
  public static Supplier<TchatatorSettings> live(LiveConfig config) {
    return new Supplier<>() {
      private ChatrelayConfig source;
      private TchatatorSettings settings;

      @Override
      public synchronized TchatatorSettings get() {
        ChatrelayConfig now = config.get();
        if (now != source) {
          settings = from(now);
          source = now;
        }
        return settings;
      }
    };
  }
}
