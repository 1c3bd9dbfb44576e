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
import java.util.Set;

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
  /**
   * {@code CHATRELAY_*} variables that are not settings but are read by something else: {@code logback.xml} reads
   * CHATRELAY_LOG_LEVEL. They are not reported as unknown.
   */
  public static final Set<String> NOT_SETTINGS = Set.of("CHATRELAY_LOG_LEVEL");
  /** The tests' own variables (CHATRELAY_TEST_PG_HOST, ...), inherited by the processes they start. */
  static final String TEST_ENV_PREFIX = "CHATRELAY_TEST_";
  private static final JsonObject DEFAULTS = checkedDefaults();
  private static final Map<String, String> ENV_KEYS = envNames(DEFAULTS);

  private final JsonObject root;
  private final List<String> warnings;
  private final Sections sections;

  private ChatrelayConfig(JsonObject root, List<String> warnings) {
    this.root = root;
    this.warnings = List.copyOf(warnings);
    this.sections = Sections.of(this);
  }

  /** The built-in defaults only. */
  public static ChatrelayConfig defaults() {
    return new ChatrelayConfig(DEFAULTS.copy(), List.of());
  }

  /**
   * Loads defaults, then {@code file} (may be null), then the {@code CHATRELAY_*} entries of {@code env}, then
   * {@code overrides} (dotted key to value). Every value is converted to its {@link Setting}'s type and checked
   * against its range; the typed sections ({@link #cluster()}, {@link #store()}, ...) are built. Any problem, all
   * of them at once, is a {@link SettingsException} naming each key and the reason.
   */
  public static ChatrelayConfig load(Path file, Map<String, String> env, Map<String, ?> overrides) {
    JsonObject root = DEFAULTS.copy();
    List<String> warnings = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    if (file != null) {
      JsonObject fromFile = readYaml(file);
      merge(root, fromFile, "", file.toString(), errors);
    }
    env.forEach((name, value) -> {
      if (!name.startsWith(ENV_PREFIX) || NOT_SETTINGS.contains(name) || name.startsWith(TEST_ENV_PREFIX)) return;
      String key = ENV_KEYS.get(name);
      if (key == null) {
        warnings.add("environment variable " + name + " matches no setting; ignored");
      } else {
        set(root, key, value, "environment variable " + name, errors);
      }
    });
    overrides.forEach((key, value) -> set(root, key, value, "option for " + key, errors));
    if (!errors.isEmpty()) throw new SettingsException(errors);
    return new ChatrelayConfig(root, warnings);
  }

  /** The same settings with {@code key} set to {@code value} (converted and checked like a loaded value). */
  public ChatrelayConfig with(String key, Object value) {
    JsonObject copy = root.copy();
    List<String> errors = new ArrayList<>();
    set(copy, key, value, "override of " + key, errors);
    if (!errors.isEmpty()) throw new SettingsException(errors);
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

  public NodeSettings node() {
    return sections.node();
  }

  public ClusterSettings cluster() {
    return sections.cluster();
  }

  public StoreSettings store() {
    return sections.store();
  }

  public AccountsSettings accounts() {
    return sections.accounts();
  }

  public AdminSettings admin() {
    return sections.admin();
  }

  public ShutdownSettings shutdown() {
    return sections.shutdown();
  }

  /** The value of {@code key} for printing: a secret that is set shows as {@code ****}. */
  public Object printable(String key) {
    Setting def = SettingDefinitions.find(key);
    return def == null ? require(key) : def.printable(require(key));
  }

  /** The settings as JSON with every secret that is set shown as {@code ****} (for printing). */
  public JsonObject toMaskedJson() {
    JsonObject out = root.copy();
    for (Setting s : SettingDefinitions.all()) {
      if (!s.masked()) continue;
      int dot = s.key().lastIndexOf('.');
      ((JsonObject) lookup(out, s.key().substring(0, dot))).put(s.key().substring(dot + 1), printable(s.key()));
    }
    return out;
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

  /**
   * The defaults file, every value normalised by its definition; a key of the file without a definition, or a
   * definition without a key in the file, is a programming error found when this class loads.
   */
  private static JsonObject checkedDefaults() {
    JsonObject root;
    try (InputStream in = ChatrelayConfig.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      Objects.requireNonNull(in, DEFAULTS_RESOURCE + " missing from the classpath");
      root = toJson(YAML.readValue(in, Map.class), DEFAULTS_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> keys = new ArrayList<>();
    collectKeys(root, "", keys);
    List<String> problems = new ArrayList<>();
    for (String key : keys) {
      if (SettingDefinitions.find(key) == null) problems.add(key + " has no definition in SettingDefinitions");
      else set(root, key, lookup(root, key), DEFAULTS_RESOURCE, problems);
    }
    for (Setting s : SettingDefinitions.all()) {
      if (!keys.contains(s.key())) problems.add(s.key() + " is defined but has no default in " + DEFAULTS_RESOURCE);
    }
    if (!problems.isEmpty()) throw new IllegalStateException(String.join("; ", problems));
    return root;
  }

  private static JsonObject readYaml(Path file) {
    try {
      if (Files.size(file) == 0) return new JsonObject();
      return toJson(YAML.readValue(file.toFile(), Map.class), file.toString());
    } catch (IOException e) {
      throw new SettingsException("cannot read settings file " + file + ": " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static JsonObject toJson(Object parsed, String source) {
    if (parsed == null) return new JsonObject();
    if (!(parsed instanceof Map)) throw new IllegalArgumentException(source + ": top level must be a mapping");
    return new JsonObject((Map<String, Object>) parsed).copy();
  }

  private static void merge(JsonObject root, JsonObject from, String prefix, String source, List<String> errors) {
    for (Map.Entry<String, Object> e : from) {
      String key = prefix + e.getKey();
      Object current = lookup(root, key);
      if (current == null) {
        errors.add(source + ": unknown setting " + key);
      } else if (current instanceof JsonObject) {
        if (e.getValue() instanceof JsonObject fromSub) merge(root, fromSub, key + ".", source, errors);
        else errors.add(source + ": " + key + " must be a section");
      } else {
        set(root, key, e.getValue(), source, errors);
      }
    }
  }

  /** Converts and checks {@code value} by the key's definition and stores it; a problem is added to {@code errors}. */
  private static void set(JsonObject root, String key, Object value, String source, List<String> errors) {
    int dot = key.lastIndexOf('.');
    Object parent = dot < 0 ? root : lookup(root, key.substring(0, dot));
    String leaf = key.substring(dot + 1);
    Setting def = SettingDefinitions.find(key);
    if (def == null || !(parent instanceof JsonObject obj) || !obj.containsKey(leaf)) {
      errors.add(source + ": unknown setting " + key);
      return;
    }
    try {
      obj.put(leaf, def.accept(value));
    } catch (IllegalArgumentException e) {
      errors.add(source + ": " + key + " " + e.getMessage());
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
