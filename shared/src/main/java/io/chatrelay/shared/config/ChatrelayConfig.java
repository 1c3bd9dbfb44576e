package io.chatrelay.shared.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One immutable snapshot of the settings: the built-in defaults ({@code chatrelay-defaults.yaml}, which documents
 * every key), overlaid by an optional YAML file, then by {@code CHATRELAY_*} environment variables, then by
 * explicit overrides (command-line options). Keys are dotted paths such as {@code wnet.port}.
 * <p>
 * Only keys present in the defaults exist: a file key or an override for an unknown key is an error, so a typo
 * never silently does nothing.
 */
public final class ChatrelayConfig {
  public static final String DEFAULTS_RESOURCE = "chatrelay-defaults.yaml";
  public static final String ENV_PREFIX = "CHATRELAY_";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final JsonObject root;
  private final List<String> warnings;

  private ChatrelayConfig(JsonObject root, List<String> warnings) {
    this.root = root;
    this.warnings = List.copyOf(warnings);
  }

  /** The built-in defaults only. */
  public static ChatrelayConfig defaults() {
    return new ChatrelayConfig(readDefaults(), List.of());
  }

  /**
   * Loads defaults, then {@code file} (may be null), then the {@code CHATRELAY_*} entries of {@code env}, then
   * {@code overrides} (dotted key to value; values are converted to the type of the default).
   */
  public static ChatrelayConfig load(Path file, Map<String, String> env, Map<String, ?> overrides) {
    JsonObject root = readDefaults();
    List<String> warnings = new ArrayList<>();
    if (file != null) {
      JsonObject fromFile = readYaml(file);
      merge(root, fromFile, "", file.toString());
    }
    Map<String, String> envKeys = envNames(root);
    env.forEach((name, value) -> {
      if (!name.startsWith(ENV_PREFIX)) return;
      String key = envKeys.get(name);
      if (key == null) {
        warnings.add("environment variable " + name + " matches no setting; ignored");
      } else {
        set(root, key, value, "environment variable " + name);
      }
    });
    overrides.forEach((key, value) -> set(root, key, value, "option for " + key));
    return new ChatrelayConfig(root, warnings);
  }

  /** The same settings with {@code key} set to {@code value} (converted to the default's type). */
  public ChatrelayConfig with(String key, Object value) {
    JsonObject copy = root.copy();
    set(copy, key, value, "override of " + key);
    return new ChatrelayConfig(copy, warnings);
  }

  /** Messages for the operator about the environment (unknown CHATRELAY_ variables). */
  public List<String> warnings() {
    return warnings;
  }

  /** Environment variable name of a dotted key: {@code wnet.max-frame-bytes -> CHATRELAY_WNET_MAX_FRAME_BYTES}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Every setting's dotted key, in file order. */
  public List<String> keys() {
    List<String> out = new ArrayList<>();
    collectKeys(root, "", out);
    return out;
  }

  public boolean has(String key) {
    return lookup(root, key) != null;
  }

  public String getString(String key) {
    return String.valueOf(require(key));
  }

  public int getInt(String key) {
    return ((Number) require(key)).intValue();
  }

  public long getLong(String key) {
    return ((Number) require(key)).longValue();
  }

  public boolean getBoolean(String key) {
    return (Boolean) require(key);
  }

  public List<String> getStringList(String key) {
    JsonArray array = (JsonArray) require(key);
    List<String> out = new ArrayList<>(array.size());
    array.forEach(v -> out.add(String.valueOf(v)));
    return out;
  }

  /** A copy of one section, e.g. {@code section("tchatator")}. */
  public JsonObject section(String key) {
    return ((JsonObject) require(key)).copy();
  }

  public JsonObject toJson() {
    return root.copy();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChatrelayConfig other && other.root.equals(root);
  }

  @Override
  public int hashCode() {
    return root.hashCode();
  }

  @Override
  public String toString() {
    return root.encodePrettily();
  }

  private Object require(String key) {
    Object v = lookup(root, key);
    if (v == null) throw new IllegalArgumentException("no such setting: " + key);
    return v;
  }

  private static Object lookup(JsonObject root, String key) {
    Object cur = root;
    for (String part : key.split("\\.")) {
      if (!(cur instanceof JsonObject obj)) return null;
      cur = obj.getValue(part);
    }
    return cur;
  }

  private static JsonObject readDefaults() {
    try (InputStream in = ChatrelayConfig.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      Objects.requireNonNull(in, DEFAULTS_RESOURCE + " missing from the classpath");
      return toJson(YAML.readValue(in, Map.class), DEFAULTS_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject readYaml(Path file) {
    try {
      if (Files.size(file) == 0) return new JsonObject();
      return toJson(YAML.readValue(file.toFile(), Map.class), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read settings file " + file + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static JsonObject toJson(Object parsed, String source) {
    if (parsed == null) return new JsonObject();
    if (!(parsed instanceof Map)) throw new IllegalArgumentException(source + ": top level must be a mapping");
    return new JsonObject((Map<String, Object>) parsed).copy();
  }

  private static void merge(JsonObject into, JsonObject from, String prefix, String source) {
    for (Map.Entry<String, Object> e : from) {
      String key = prefix + e.getKey();
      Object current = into.getValue(e.getKey());
      if (current == null) throw new IllegalArgumentException(source + ": unknown setting " + key);
      if (current instanceof JsonObject sub) {
        if (!(e.getValue() instanceof JsonObject fromSub)) {
          throw new IllegalArgumentException(source + ": " + key + " must be a section");
        }
        merge(sub, fromSub, key + ".", source);
      } else {
        set(into, e.getKey(), e.getValue(), source);
      }
    }
  }

  private static void set(JsonObject root, String key, Object value, String source) {
    int dot = key.lastIndexOf('.');
    Object parent = dot < 0 ? root : lookup(root, key.substring(0, dot));
    String leaf = key.substring(dot + 1);
    if (!(parent instanceof JsonObject obj) || !obj.containsKey(leaf) || obj.getValue(leaf) instanceof JsonObject) {
      throw new IllegalArgumentException(source + ": unknown setting " + key);
    }
    obj.put(leaf, convert(obj.getValue(leaf), value, key, source));
  }

  /** Converts {@code value} to the type of {@code template} (the default's value). */
  private static Object convert(Object template, Object value, String key, String source) {
    if (value == null) throw new IllegalArgumentException(source + ": " + key + " has no value");
    String text = value instanceof String s ? s.trim() : null;
    try {
      if (template instanceof Boolean) {
        if (value instanceof Boolean b) return b;
        if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) return Boolean.parseBoolean(text);
        throw new IllegalArgumentException("expected true or false");
      }
      if (template instanceof Integer || template instanceof Long) {
        long l = value instanceof Number n ? n.longValue() : Long.parseLong(text);
        if (value instanceof Double || value instanceof Float) throw new IllegalArgumentException("expected a whole number");
        return template instanceof Integer ? Math.toIntExact(l) : l;
      }
      if (template instanceof Number) {
        return value instanceof Number n ? n.doubleValue() : Double.parseDouble(text);
      }
      if (template instanceof JsonArray) {
        if (value instanceof JsonArray a) return a.copy();
        if (value instanceof List<?> l) return new JsonArray(new ArrayList<>(l));
        JsonArray out = new JsonArray();
        for (String part : text.split(",")) if (!part.isBlank()) out.add(part.trim());
        return out;
      }
      if (value instanceof Map || value instanceof List || value instanceof JsonObject) {
        throw new IllegalArgumentException("expected a single value");
      }
      return String.valueOf(value);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(source + ": " + key + " expects a whole number, got '" + value + "'");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + key + ": " + e.getMessage() + ", got '" + value + "'");
    }
  }

  private static Map<String, String> envNames(JsonObject root) {
    List<String> keys = new ArrayList<>();
    collectKeys(root, "", keys);
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : keys) out.put(envName(k), k);
    return out;
  }

  private static void collectKeys(JsonObject obj, String prefix, List<String> out) {
    for (Map.Entry<String, Object> e : obj) {
      if (e.getValue() instanceof JsonObject sub) collectKeys(sub, prefix + e.getKey() + ".", out);
      else out.add(prefix + e.getKey());
    }
  }
}
