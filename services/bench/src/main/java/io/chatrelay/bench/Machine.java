package io.chatrelay.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine a run measured on: printed and stored with every result. */
final class Machine {
  private Machine() {
  }

  static JsonObject describe(BenchEnv env) {
    return new JsonObject()
      .put("cores", Runtime.getRuntime().availableProcessors())
      .put("cpu", cpuModel())
      .put("memoryGiB", Math.round(memoryKib() / 1048576.0))
      .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
      .put("postgres", env.pg().version(env.vertx()))
      .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
      .put("loadAverageAtStart", loadAverage())
      .put("serverJvmOptions", String.join(" ", env.serverJvmOptions()));
  }

  static String line(JsonObject m) {
    return String.format("machine: %d cores, %s, %d GiB; %s; %s; load average %s; server JVM options: %s",
      m.getInteger("cores"), m.getString("cpu"), m.getLong("memoryGiB"), m.getString("java"), m.getString("postgres"),
      m.getString("loadAverageAtStart"), m.getString("serverJvmOptions").isEmpty() ? "(none)" : m.getString("serverJvmOptions"));
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      return lines.stream().filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst().orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  private static long memoryKib() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
    } catch (IOException e) {
      return 0;
    }
  }
}
