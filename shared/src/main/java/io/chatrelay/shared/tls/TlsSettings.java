package io.chatrelay.shared.tls;

import io.chatrelay.shared.config.ChatrelayConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An edge's TLS listener, {@code <edge>.tls.*} (documented in {@code chatrelay-defaults.yaml}): the port (0: off),
 * the PEM certificate (chain allowed) and key files, and how often the files are checked for a new certificate.
 * {@link #read} is the one place an edge reads these keys, and validates them with a message naming the key.
 */
public record TlsSettings(String section, int port, Path certFile, Path keyFile, long reloadCheckMs) {

  public boolean enabled() {
    return port > 0;
  }

  /**
   * Reads and checks {@code <edge>.tls.*}: the port is 0..65535 and not the edge's plain port; with a port, both
   * files are set and readable. {@code edge} is the settings section, {@code wnet} or {@code tchatator}.
   */
  public static TlsSettings read(ChatrelayConfig cfg, String edge) {
    String s = edge + ".tls";
    int port = cfg.getInt(s + ".port");
    if (port < 0 || port > 65535) throw new IllegalArgumentException(s + ".port must be 0 (off) or a port 1-65535, got " + port);
    long reloadCheckMs = cfg.getLong(s + ".reload-check-ms");
    if (reloadCheckMs < 0) throw new IllegalArgumentException(s + ".reload-check-ms must be 0 (never) or more, got " + reloadCheckMs);
    String cert = cfg.getString(s + ".cert-file").trim();
    String key = cfg.getString(s + ".key-file").trim();
    if (port == 0) return new TlsSettings(s, 0, cert.isEmpty() ? null : Path.of(cert), key.isEmpty() ? null : Path.of(key), reloadCheckMs);
    int plain = cfg.getInt(edge + ".port");
    if (plain == port && plain != 0) throw new IllegalArgumentException(s + ".port " + port + " is also " + edge + ".port; give TLS a port of its own");
    return new TlsSettings(s, port, readable(s + ".cert-file", cert), readable(s + ".key-file", key), reloadCheckMs);
  }

  /** {@code value} as a path to a readable regular file, else an error naming {@code key}. */
  static Path readable(String key, String value) {
    if (value.isEmpty()) throw new IllegalArgumentException(key + " must be set (a PEM file) when TLS is on");
    Path p = Path.of(value);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new IllegalArgumentException(key + ": " + p.toAbsolutePath() + " is not a readable file");
    }
    return p;
  }
}
