package io.chatrelay.shared.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The definition of one setting: its dotted key, its type, the values it accepts and whether a change needs a
 * restart. The default value and the documentation are in {@code chatrelay-defaults.yaml}; the definitions are in
 * {@link SettingDefinitions}, one line per key.
 *
 * @param key         dotted key, e.g. {@code wnet.port}
 * @param type        the value's type
 * @param min         smallest number accepted (numbers), shortest length (text)
 * @param max         largest number accepted (numbers)
 * @param choices     for {@link Type#CHOICE}: the accepted values
 * @param pattern     for text: a regular expression the value must match, or null
 * @param restartOnly a change takes effect only after a restart (read once at start)
 * @param masked      a secret: masked wherever settings are printed
 * @param limit       a count limit for which 0 means "no limit" (documented as such)
 */
public record Setting(String key, Type type, long min, long max, List<String> choices, String pattern,
                      boolean restartOnly, boolean masked, boolean limit) {

  public enum Type {
    BOOLEAN("true/false"), INT("integer"), LONG("integer"), TEXT("text"), LIST("list of text"), CHOICE("one of");

    final String label;

    Type(String label) {
      this.label = label;
    }
  }

  public Setting {
    choices = List.copyOf(choices);
  }

  // -- the one-line factories of the definition tables --------------------------------------------------------

  public static Setting bool(String key) {
    return new Setting(key, Type.BOOLEAN, 0, 0, List.of(), null, false, false, false);
  }

  /** A whole number from {@code min} to {@code max}. */
  public static Setting integer(String key, long min, long max) {
    return new Setting(key, Type.INT, min, max, List.of(), null, false, false, false);
  }

  /** A whole number of at least {@code min} (a 64-bit value, e.g. milliseconds). */
  public static Setting number(String key, long min) {
    return new Setting(key, Type.LONG, min, Long.MAX_VALUE, List.of(), null, false, false, false);
  }

  /** A whole number of at least {@code min}, at most {@link Integer#MAX_VALUE}. */
  public static Setting integer(String key, long min) {
    return integer(key, min, Integer.MAX_VALUE);
  }

  /** A count limit: 0 means no limit, otherwise at most this many. */
  public static Setting limit(String key) {
    return new Setting(key, Type.INT, 0, Integer.MAX_VALUE, List.of(), null, false, false, true);
  }

  /** A TCP port; 0 picks a free one. */
  public static Setting port(String key) {
    return integer(key, 0, 65535);
  }

  /** Any text, empty included. */
  public static Setting text(String key) {
    return new Setting(key, Type.TEXT, 0, 0, List.of(), null, false, false, false);
  }

  /** Text that may not be empty. */
  public static Setting required(String key) {
    return new Setting(key, Type.TEXT, 1, 0, List.of(), null, false, false, false);
  }

  public static Setting list(String key) {
    return new Setting(key, Type.LIST, 0, 0, List.of(), null, false, false, false);
  }

  public static Setting choice(String key, String... choices) {
    return new Setting(key, Type.CHOICE, 0, 0, List.of(choices), null, false, false, false);
  }

  /** The same setting, read only at start. */
  public Setting restart() {
    return new Setting(key, type, min, max, choices, pattern, true, masked, limit);
  }

  /** The same setting, masked when printed. */
  public Setting secret() {
    return new Setting(key, type, min, max, choices, pattern, restartOnly, true, limit);
  }

  /** The same text setting, which must match {@code regex} (empty text is checked too). */
  public Setting matching(String regex) {
    return new Setting(key, type, min, max, choices, regex, restartOnly, masked, limit);
  }

  // -- checking -----------------------------------------------------------------------------------------------

  /** The environment variable of this key: {@code wnet.max-frame-bytes -> CHATRELAY_WNET_MAX_FRAME_BYTES}. */
  public String envName() {
    return ChatrelayConfig.envName(key);
  }

  /**
   * Converts a value from YAML, the environment or an option to this setting's type and checks its range;
   * throws {@link IllegalArgumentException} with the reason (without the key) when it is not accepted.
   */
  public Object accept(Object value) {
    if (value == null) throw new IllegalArgumentException("has no value");
    String text = value instanceof String s ? s.trim() : null;
    boolean section = value instanceof Map || value instanceof JsonObject;
    if (section || type != Type.LIST && (value instanceof List || value instanceof JsonArray)) {
      throw new IllegalArgumentException("expects " + (type == Type.LIST ? "a list" : "a single value (" + describe() + ")")
        + ", got a " + (section ? "section" : "list"));
    }
    switch (type) {
      case BOOLEAN -> {
        if (value instanceof Boolean b) return b;
        if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) return Boolean.parseBoolean(text);
        throw new IllegalArgumentException("expects true or false, got '" + value + "'");
      }
      case INT, LONG -> {
        long l;
        if (value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal) {
          throw new IllegalArgumentException("expects a whole number, got '" + value + "'");
        }
        try {
          l = value instanceof Number n ? longOf(n) : Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException | ArithmeticException e) {
          throw new IllegalArgumentException("expects a whole number, got '" + value + "'");
        }
        if (l < min || l > max) throw new IllegalArgumentException(range() + ", got " + l);
        return type == Type.INT ? (Object) (int) l : (Object) l;
      }
      case LIST -> {
        JsonArray out = new JsonArray();
        if (value instanceof JsonArray a) a.forEach(v -> out.add(String.valueOf(v)));
        else if (value instanceof List<?> l) l.forEach(v -> out.add(String.valueOf(v)));
        else for (String part : String.valueOf(value).split(",")) if (!part.isBlank()) out.add(part.trim());
        return out;
      }
      case CHOICE -> {
        String s = String.valueOf(value).trim();
        for (String c : choices) if (c.equalsIgnoreCase(s)) return c;
        throw new IllegalArgumentException("expects one of " + String.join(", ", choices) + ", got '" + value + "'");
      }
      default -> {
        String s = String.valueOf(value);
        if (s.length() < min) throw new IllegalArgumentException("may not be empty");
        if (pattern != null && !Pattern.matches(pattern, s)) {
          throw new IllegalArgumentException("must match " + pattern + ", got '" + s + "'");
        }
        return s;
      }
    }
  }

  private long longOf(Number n) {
    if (n instanceof java.math.BigInteger b) return b.longValueExact();
    return n.longValue();
  }

  private String range() {
    if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) return "must be at least " + min;
    return "must be between " + min + " and " + max;
  }

  /** The type and accepted values, for the documentation and error messages. */
  public String describe() {
    return switch (type) {
      case INT, LONG -> {
        String r = max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? "≥ " + min : min + "–" + max;
        yield "integer " + r + (limit ? " (0: no limit)" : "");
      }
      case CHOICE -> "one of " + String.join(", ", choices);
      case TEXT -> min > 0 ? "text, not empty" : "text";
      default -> type.label;
    };
  }

  /** The value as printed by {@code config --check}: secrets that are set show as {@code ****}. */
  public Object printable(Object value) {
    if (masked && value != null && !String.valueOf(value).isEmpty()) return "****";
    return value;
  }

  @Override
  public String toString() {
    return key + " (" + describe() + ")";
  }
}
