package io.chatrelay.launcher;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text exposition: {@code name{label="value",...} number}. */
final class PrometheusText {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private PrometheusText() {
  }

  /** The value of the first sample named {@code name} whose labels include {@code labels}. */
  static OptionalDouble sample(String text, String name, Map<String, String> labels) {
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches() || !m.group(1).equals(name)) continue;
      Map<String, String> found = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) found.put(l.group(1), l.group(2));
      }
      if (found.entrySet().containsAll(labels.entrySet())) return OptionalDouble.of(Double.parseDouble(m.group(3)));
    }
    return OptionalDouble.empty();
  }

  static OptionalDouble sample(String text, String name) {
    return sample(text, name, Map.of());
  }
}
