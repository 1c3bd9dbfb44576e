package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options every command shares: where the settings come from. Mixed into each command. */
public class SettingsOptions {
  @Option(names = "--config", paramLabel = "FILE",
    description = "Settings file (YAML). Every key is documented in the output of the 'config' command.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
    description = "Override one setting, e.g. --set wnet.port=9090 (repeatable; wins over file and environment).")
  Map<String, String> set = new LinkedHashMap<>();

  /** Extra overrides a command adds from its own options (e.g. --cluster). */
  final Map<String, Object> extra = new LinkedHashMap<>();

  ChatrelayConfig load() {
    Map<String, Object> overrides = new LinkedHashMap<>(extra);
    overrides.putAll(set);
    return ServiceCatalog.checked(ChatrelayConfig.load(configFile, System.getenv(), overrides));
  }

  void put(String key, Object value) {
    if (value != null && !(value instanceof List<?> l && l.isEmpty())) extra.put(key, value);
  }
}
