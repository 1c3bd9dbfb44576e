package io.chatrelay.wnet.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which pages may open a WebSocket here (defence against cross-site WebSocket hijacking; pure): a handshake
 * without {@code Origin} (bots, scripts: no browser sends the user's cookies for them), one from the edge's own
 * origin, and the origins of {@code wnet.allowed-origins} ({@code *}: all). Origins are compared as RFC 6454
 * serialises them: lower-case scheme and host, the port only when it is not the scheme's default.
 */
public final class OriginPolicy {
  public static final String ANY = "*";

  private final boolean any;
  private final Set<String> allowed;

  private OriginPolicy(boolean any, Set<String> allowed) {
    this.any = any;
    this.allowed = Set.copyOf(allowed);
  }

  /** Parses the setting; an entry that is not {@code *}, {@code null} or {@code scheme://host[:port]} is an error. */
  public static OriginPolicy of(List<String> entries) {
    boolean any = false;
    Set<String> allowed = new HashSet<>();
    for (String entry : entries) {
      String text = entry.trim();
      if (text.equals(ANY)) {
        any = true;
        continue;
      }
      String origin = serialize(text);
      if (origin == null) {
        throw new IllegalArgumentException("wnet.allowed-origins: '" + entry + "' is not an origin scheme://host[:port] or *");
      }
      allowed.add(origin);
    }
    return new OriginPolicy(any, allowed);
  }

  /**
   * Whether a handshake with this {@code Origin} header (null: none) may proceed, when it reached the edge as
   * {@code scheme} ({@code http} or {@code https}, as the browser used it) with this {@code Host} header (null: none).
   */
  public boolean allows(String origin, String scheme, String host) {
    if (origin == null || any) return true;
    String presented = serialize(origin.trim());
    if (presented == null) return false;
    if (allowed.contains(presented)) return true;
    return host != null && presented.equals(serialize(scheme + "://" + host.trim()));
  }

  /**
   * {@code scheme://host[:port]} in its canonical form, {@code null} kept as {@code null}, or null when
   * {@code text} is not an origin (a path, a query, user info, no host).
   */
  static String serialize(String text) {
    if (text.equals("null")) return "null";
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
      || uri.getRawFragment() != null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
      return null;
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort = port == -1 || port == defaultPort(scheme);
    return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  private static int defaultPort(String scheme) {
    return switch (scheme) {
      case "http", "ws" -> 80;
      case "https", "wss" -> 443;
      default -> -1;
    };
  }
}
