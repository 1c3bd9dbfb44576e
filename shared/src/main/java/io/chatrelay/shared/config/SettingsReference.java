package io.chatrelay.shared.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference table of every setting (key, type and range, default, reloadable or restart-only, environment
 * variable, documentation) from the definitions and the comments of {@code chatrelay-defaults.yaml}: what
 * {@code config --reference} prints and {@code docs/configuration.md} holds.
 */
public final class SettingsReference {
  private static final Pattern KEY_LINE = Pattern.compile("^( *)([A-Za-z0-9-]+):(.*)$");
  private static final Pattern COMMENT_LINE = Pattern.compile("^ *# ?(.*)$");

  private SettingsReference() {
  }

  /**
   * Each key's documentation: the comment lines right above it; a key right below another one without a comment
   * of its own shares that key's comment (e.g. {@code ping-interval-ms} and {@code dead-after-ms}).
   */
  public static Map<String, String> docs() {
    Map<String, String> out = new LinkedHashMap<>();
    Deque<String[]> path = new ArrayDeque<>(); // {indent, name}
    StringBuilder pending = new StringBuilder();
    String previousDoc = null;
    for (String line : defaultsText().split("\n")) {
      Matcher comment = COMMENT_LINE.matcher(line);
      Matcher key = KEY_LINE.matcher(line);
      if (line.isBlank()) {
        pending.setLength(0);
        previousDoc = null;
      } else if (comment.matches()) {
        pending.append(pending.length() == 0 ? "" : " ").append(comment.group(1).trim());
      } else if (key.matches()) {
        int indent = key.group(1).length();
        while (!path.isEmpty() && Integer.parseInt(path.peekLast()[0]) >= indent) path.removeLast();
        String value = key.group(3).trim();
        if (value.isEmpty() || value.startsWith("#")) {
          path.addLast(new String[] {String.valueOf(indent), key.group(2)});
          previousDoc = null;
        } else {
          StringBuilder dotted = new StringBuilder();
          path.forEach(p -> dotted.append(p[1]).append('.'));
          String doc = pending.length() > 0 ? pending.toString() : previousDoc == null ? "" : previousDoc;
          out.put(dotted + key.group(2), doc);
          previousDoc = doc;
        }
        pending.setLength(0);
      }
    }
    return out;
  }

  /** The Markdown table of every setting, in the order of the settings file. */
  public static String markdown() {
    ChatrelayConfig defaults = ChatrelayConfig.defaults();
    Map<String, String> docs = docs();
    StringBuilder md = new StringBuilder();
    md.append("| key | type, range | default | applies | environment variable | what |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (String key : defaults.keys()) {
      Setting s = SettingDefinitions.find(key);
      Object value = defaults.printable(key);
      String shown = value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
      md.append("| `").append(key).append("` | ").append(s.describe()).append(" | `").append(shown).append("` | ")
        .append(s.restartOnly() ? "restart" : "live").append(" | `").append(s.envName()).append("` | ")
        .append(docs.getOrDefault(key, "").replace("|", "\\|")).append(" |\n");
    }
    return md.toString();
  }

  /** The text of the settings file with every default (what {@code config} prints). */
  public static String defaultsText() {
    try (InputStream in = SettingsReference.class.getClassLoader().getResourceAsStream(ChatrelayConfig.DEFAULTS_RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
