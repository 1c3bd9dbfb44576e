package io.chatrelay.shared.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Locale;

/**
 * The typed sections of one settings snapshot, built when the snapshot is made (at load, and so before a reload is
 * installed): a record component {@code portAutoIncrement} of the section {@code cluster} is the key
 * {@code cluster.port-auto-increment}; a component that is itself a record is a sub-section
 * ({@code database.postgres}); an enum component takes the key's value in upper case. A record's compact
 * constructor may check rules between keys by throwing {@link IllegalArgumentException} naming them.
 */
record Sections(NodeSettings node, ClusterSettings cluster, StoreSettings store, AccountsSettings accounts,
                AdminSettings admin, ShutdownSettings shutdown) {

  static Sections of(ChatrelayConfig cfg) {
    return new Sections(bind(NodeSettings.class, "node", cfg), bind(ClusterSettings.class, "cluster", cfg),
      bind(StoreSettings.class, "database", cfg), bind(AccountsSettings.class, "accounts", cfg),
      bind(AdminSettings.class, "admin", cfg), bind(ShutdownSettings.class, "shutdown", cfg));
  }

  /** Builds record {@code type} from the keys under {@code prefix}. */
  static <R extends Record> R bind(Class<R> type, String prefix, ChatrelayConfig cfg) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      String key = prefix + "." + kebab(c.getName());
      values[i] = value(c.getType(), key, cfg);
    }
    try {
      Constructor<R> ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(values);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) throw new SettingsException(iae.getMessage());
      throw new IllegalStateException("cannot build " + type.getSimpleName(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object value(Class<?> type, String key, ChatrelayConfig cfg) {
    if (type.isRecord()) return bind((Class<? extends Record>) type, key, cfg);
    if (type == boolean.class) return cfg.getBoolean(key);
    if (type == int.class) return cfg.getInt(key);
    if (type == long.class) return cfg.getLong(key);
    if (type == String.class) return cfg.getString(key);
    if (type == java.util.List.class) return cfg.getStringList(key);
    if (type.isEnum()) {
      return Enum.valueOf((Class<? extends Enum>) type, cfg.getString(key).toUpperCase(Locale.ROOT).replace('-', '_'));
    }
    throw new IllegalStateException("no conversion to " + type + " for " + key);
  }

  /** {@code portAutoIncrement -> port-auto-increment}; a trailing _ (a Java keyword: {@code interface_}) is dropped. */
  static String kebab(String camel) {
    StringBuilder out = new StringBuilder();
    for (char ch : camel.replaceAll("_$", "").toCharArray()) {
      if (Character.isUpperCase(ch)) out.append('-').append(Character.toLowerCase(ch));
      else out.append(ch);
    }
    return out.toString();
  }
}
