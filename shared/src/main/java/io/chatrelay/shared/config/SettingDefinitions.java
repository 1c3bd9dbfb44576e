package io.chatrelay.shared.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.chatrelay.shared.config.Setting.bool;
import static io.chatrelay.shared.config.Setting.choice;
import static io.chatrelay.shared.config.Setting.integer;
import static io.chatrelay.shared.config.Setting.limit;
import static io.chatrelay.shared.config.Setting.list;
import static io.chatrelay.shared.config.Setting.number;
import static io.chatrelay.shared.config.Setting.port;
import static io.chatrelay.shared.config.Setting.required;
import static io.chatrelay.shared.config.Setting.text;

/**
 * Every setting's definition, one line per key, one table per section. The default value and the documentation
 * of each key are in {@code chatrelay-defaults.yaml}; a key must be in both (checked when the class loads, so a key
 * added to one and not the other fails every test at once).
 * <p>
 * Adding a key: its documented default in the yaml, and one line here ({@code .restart()} when it is read only at
 * start, {@code .secret()} when it must never be printed). {@code limit(...)} is a count limit where 0 means no
 * limit; sizes (bytes, lengths, entries) are {@code integer(key, 1)}: at least 1.
 */
public final class SettingDefinitions {
  private SettingDefinitions() {
  }

  public static final List<Setting> NODE = List.of(
    text("node.name").restart(),
    required("node.data-dir").restart());

  public static final List<Setting> CLUSTER = List.of(
    bool("cluster.enabled").restart(),
    required("cluster.name").restart(),
    text("cluster.bus-key").restart().secret(),
    integer("cluster.port", 1, 65535).restart(),
    bool("cluster.port-auto-increment").restart(),
    list("cluster.members").restart(),
    text("cluster.interface").restart(),
    text("cluster.kubernetes-service-dns").restart(),
    text("cluster.eventbus-host").restart(),
    port("cluster.eventbus-port").restart(),
    integer("cluster.max-no-heartbeat-seconds", 1).restart(),
    bool("cluster.lite-member").restart(),
    integer("cluster.data-member-wait-seconds", 0).restart(),
    text("cluster.eventbus-tls.cert-file").restart(),
    text("cluster.eventbus-tls.key-file").restart(),
    text("cluster.eventbus-tls.trust-file").restart());

  public static final List<Setting> DATABASE = List.of(
    choice("database.kind", "embedded", "postgres").restart(),
    required("database.embedded-file").restart(),
    integer("database.pool-size", 1).restart(),
    integer("database.connect-timeout-ms", 1).restart(),
    integer("database.acquire-timeout-ms", 1).restart(),
    number("database.unavailable-retry-after-ms", 0),
    number("database.stop-grace-ms", 0),
    required("database.postgres.host").restart(),
    integer("database.postgres.port", 1, 65535).restart(),
    required("database.postgres.database").restart(),
    required("database.postgres.user").restart(),
    text("database.postgres.password").restart().secret(),
    required("database.postgres.schema").restart());

  public static final List<Setting> ACCOUNTS = List.of(
    integer("accounts.password-iterations", 1),
    integer("accounts.hash-threads", 0, 1024).restart(),
    integer("accounts.hash-queue-size", 0),
    number("accounts.verified-cache-seconds", 0),
    integer("accounts.verified-cache-max-entries", 1),
    number("accounts.event-poll-ms", 0),
    limit("accounts.login-throttle.failures-per-address"),
    limit("accounts.login-throttle.failures-per-account"),
    number("accounts.login-throttle.window-seconds", 1),
    integer("accounts.login-throttle.max-tracked", 1));

  public static final List<Setting> WNET = List.of(
    required("wnet.host").restart(),
    port("wnet.port").restart(),
    required("wnet.path").matching("/.*").restart(),
    bool("wnet.plain-enabled").restart(),
    port("wnet.tls.port").restart(),
    text("wnet.tls.cert-file").restart(),
    text("wnet.tls.key-file").restart(),
    number("wnet.tls.reload-check-ms", 0).restart(),
    integer("wnet.server-instances", 0, 1024).restart(),
    integer("wnet.max-frame-bytes", 1).restart(),
    number("wnet.takeover-window-ms", 1),
    number("wnet.ping-interval-ms", 1).restart(),
    number("wnet.dead-after-ms", 1).restart(),
    integer("wnet.max-queued-bytes", 1).restart(),
    limit("wnet.max-connections-per-address").restart(),
    limit("wnet.max-connections").restart(),
    number("wnet.handshake-timeout-ms", 1).restart(),
    number("wnet.auth-timeout-ms", 1).restart(),
    limit("wnet.max-frames-per-second").restart(),
    list("wnet.allowed-origins").restart(),
    bool("wnet.proxy-protocol").restart(),
    list("wnet.trusted-proxies").restart());

  public static final List<Setting> TCHATATOR = List.of(
    required("tchatator.host").restart(),
    port("tchatator.port").restart(),
    integer("tchatator.backlog", 1).restart(),
    port("tchatator.tls.port").restart(),
    text("tchatator.tls.cert-file").restart(),
    text("tchatator.tls.key-file").restart(),
    number("tchatator.tls.reload-check-ms", 0).restart(),
    bool("tchatator.proxy-protocol").restart(),
    integer("tchatator.max-line-bytes", 64),
    integer("tchatator.max-request-bytes", 64),
    number("tchatator.idle-timeout-seconds", 1),
    number("tchatator.request-quiet-ms", 1),
    limit("tchatator.max-connections-per-address"),
    limit("tchatator.max-connections"),
    number("tchatator.store-timeout-ms", 1),
    integer("tchatator.max-message-length", 1),
    limit("tchatator.max-messages-per-minute"),
    limit("tchatator.max-messages-per-hour"),
    integer("tchatator.history-block-size", 1),
    number("tchatator.block-duration-hours", 1),
    text("tchatator.admin-api-key").secret(),
    text("tchatator.log-file"),
    bool("tchatator.log-to-console"));

  public static final List<Setting> ADMIN = List.of(
    bool("admin.enabled").restart(),
    required("admin.host").restart(),
    port("admin.port").restart(),
    bool("admin.metrics-enabled").restart(),
    number("admin.check-timeout-ms", 1).restart());

  public static final List<Setting> SHUTDOWN = List.of(
    number("shutdown.drain-seconds", 0),
    number("shutdown.timeout-seconds", 1));

  /** Every section's table, in the order of the settings file. */
  public static final List<List<Setting>> SECTIONS = List.of(NODE, CLUSTER, DATABASE, ACCOUNTS, WNET, TCHATATOR, ADMIN,
    SHUTDOWN);

  private static final Map<String, Setting> BY_KEY = index();

  private static Map<String, Setting> index() {
    Map<String, Setting> out = new LinkedHashMap<>();
    for (List<Setting> section : SECTIONS) {
      for (Setting s : section) {
        if (out.put(s.key(), s) != null) throw new IllegalStateException("setting " + s.key() + " defined twice");
      }
    }
    return out;
  }

  /** The definition of {@code key}, or null. */
  public static Setting find(String key) {
    return BY_KEY.get(key);
  }

  public static List<Setting> all() {
    return new ArrayList<>(BY_KEY.values());
  }

  /** The keys a running process reads only at start: a reload that changes one is logged as needing a restart. */
  public static Set<String> restartOnly() {
    Set<String> out = new TreeSet<>();
    BY_KEY.values().stream().filter(Setting::restartOnly).forEach(s -> out.add(s.key()));
    return out;
  }
}
