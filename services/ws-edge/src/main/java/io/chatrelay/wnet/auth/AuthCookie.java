package io.chatrelay.wnet.auth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code auth} cookie of a WebSocket handshake (pure, no I/O). Its value may be double-quoted with
 * backslash escapes (Python's cookie module writes {@code auth="type=password&auth=..."}) and is a URL query
 * string: {@code type=password&auth=<URL-encoded JSON {"username","password"}>} or {@code type=token&auth=<API key>}.
 */
public final class AuthCookie {
  public static final String NAME = "auth";
  /** What the public sample peers send instead of credentials. */
  static final String PLACEHOLDER = "$auth_data$";
  private static final int MAX_ECHOED_TYPE = 24;

  private AuthCookie() {
  }

  /** The credentials in the {@code Cookie} header values of a handshake. */
  public static Credentials parse(List<String> cookieHeaders) {
    String value = null;
    for (String header : cookieHeaders) {
      String found = cookies(header).get(NAME);
      if (found != null) value = found;
    }
    if (value == null) return new Credentials.Unusable("no auth cookie was sent");
    Map<String, String> fields;
    try {
      fields = queryString(value);
    } catch (IllegalArgumentException e) {
      return new Credentials.Unusable("the auth cookie is not a URL query string type=...&auth=...");
    }
    String type = fields.get("type");
    String data = fields.get("auth");
    if (type == null || type.isEmpty()) return new Credentials.Unusable("the auth cookie has no type");
    if (!type.equals("password") && !type.equals("token")) {
      String shown = type.length() > MAX_ECHOED_TYPE ? type.substring(0, MAX_ECHOED_TYPE) + "..." : type;
      return new Credentials.Unusable("auth type '" + shown + "' is not supported (use password or token)");
    }
    if (data == null || data.isEmpty()) return new Credentials.Unusable("the auth cookie has no auth data");
    if (data.contains(PLACEHOLDER)) {
      return new Credentials.Unusable("the auth cookie holds the placeholder " + PLACEHOLDER + ", not credentials");
    }
    return type.equals("token") ? new Credentials.Token(data) : password(data);
  }

  private static Credentials password(String data) {
    String notJson = "the password auth data is not JSON {\"username\": ..., \"password\": ...}";
    JsonObject json;
    try {
      json = new JsonObject(data);
    } catch (DecodeException | ClassCastException e) {
      return new Credentials.Unusable(notJson);
    }
    Object username = json.getValue("username");
    Object password = json.getValue("password");
    String name = username instanceof String s ? s
      : username instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? Long.toString(n.longValue())
      : null;
    if (name == null || name.isEmpty() || !(password instanceof String p) || p.isEmpty()) {
      return new Credentials.Unusable(notJson);
    }
    return new Credentials.Password(name, p);
  }

  /** Cookie name -> value (unquoted) of one {@code Cookie} header; a quoted value may contain {@code ;}. */
  static Map<String, String> cookies(String header) {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    int n = header.length();
    while (i < n) {
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) i++;
      int eq = header.indexOf('=', i);
      int semi = header.indexOf(';', i);
      if (eq < 0 || (semi >= 0 && semi < eq)) {
        i = semi < 0 ? n : semi + 1; // a cookie without '=': skip it
        continue;
      }
      String name = header.substring(i, eq).trim();
      i = eq + 1;
      while (i < n && header.charAt(i) == ' ') i++;
      String value;
      if (i < n && header.charAt(i) == '"') {
        StringBuilder raw = new StringBuilder();
        i++;
        while (i < n && header.charAt(i) != '"') {
          if (header.charAt(i) == '\\' && i + 1 < n) raw.append(header.charAt(i++));
          raw.append(header.charAt(i++));
        }
        i++; // closing quote
        value = unescape(raw);
        int end = header.indexOf(';', Math.min(i, n));
        i = end < 0 ? n : end + 1;
      } else {
        int end = semi < 0 ? n : semi;
        value = header.substring(i, end).trim();
        i = end + 1;
      }
      out.put(name, value);
    }
    return out;
  }

  /** Python's cookie unquoting: {@code \"}, {@code \\} and three-digit octal escapes ({@code \054} is a comma). */
  private static String unescape(CharSequence quoted) {
    StringBuilder out = new StringBuilder(quoted.length());
    for (int i = 0; i < quoted.length(); i++) {
      char c = quoted.charAt(i);
      if (c == '\\' && i + 1 < quoted.length()) {
        if (i + 3 < quoted.length() && isOctal(quoted.charAt(i + 1)) && isOctal(quoted.charAt(i + 2))
          && isOctal(quoted.charAt(i + 3))) {
          out.append((char) Integer.parseInt(quoted.subSequence(i + 1, i + 4).toString(), 8));
          i += 3;
        } else {
          out.append(quoted.charAt(++i));
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(char c) {
    return c >= '0' && c <= '7';
  }

  /** {@code a=1&b=2} with URL decoding; throws {@link IllegalArgumentException} on a bad escape. */
  private static Map<String, String> queryString(String value) {
    Map<String, String> out = new HashMap<>();
    for (String pair : value.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String val = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(val, StandardCharsets.UTF_8));
    }
    return out;
  }
}
