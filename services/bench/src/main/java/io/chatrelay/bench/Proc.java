package io.chatrelay.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the kernel and the JVM say about another process: CPU time, RSS, live heap (Linux /proc and jcmd). */
final class Proc {
  /** Clock ticks per second of /proc/<pid>/stat times (USER_HZ); 100 on every Linux we run on. */
  private static final double TICKS = clockTicks();

  private Proc() {
  }

  /** User + system CPU seconds the process has used so far (all its threads). */
  static double cpuSeconds(long pid) {
    return ticks(Path.of("/proc", Long.toString(pid), "stat")) / TICKS;
  }

  /** Resident set size in bytes ({@code VmRSS}). */
  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
      throw new IllegalStateException("no VmRSS for " + pid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * CPU seconds of every process named {@code comm} (e.g. PostgreSQL), with the time of their children that ended
   * (a backend that exits is counted in its postmaster's cutime/cstime, so the sum never goes back).
   */
  static double cpuSecondsOfAll(String comm) {
    double ticks = 0;
    try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        try {
          String stat = Files.readString(dir.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (open >= 0 && close > open && stat.substring(open + 1, close).equals(comm)) ticks += ticks(stat) + childTicks(stat);
        } catch (IOException gone) {
          // the process ended while we listed
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ticks / TICKS;
  }

  private static long ticks(Path stat) {
    try {
      return ticks(Files.readString(stat));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** cutime + cstime: fields 16 and 17, the children waited for. */
  private static long childTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** utime + stime: fields 14 and 15, counted after the ")" that ends the command name (which may hold spaces). */
  private static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * The live heap by class after a full collection: {@code jcmd <pid> GC.class_histogram} (which collects first).
   * Keys are class names, values {instances, bytes}; the key "Total" holds the sums.
   */
  static Map<String, long[]> classHistogram(long pid) {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (String line : jcmd(pid, "GC.class_histogram")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      } else if (f.length >= 3 && f[0].equals("Total")) {
        out.put("Total", new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    if (!out.containsKey("Total")) throw new IllegalStateException("jcmd GC.class_histogram of " + pid + " printed no total");
    return out;
  }

  static List<String> jcmd(long pid, String... command) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
      Long.toString(pid)));
    cmd.addAll(List.of(command));
    return run(cmd, 60);
  }

  /** Runs a command, returns its output lines (stdout and stderr); fails on a non-zero exit. */
  static List<String> run(List<String> cmd, int timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
      }
      List<String> lines = new String(out, StandardCharsets.UTF_8).lines().toList();
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + String.join("\n", lines));
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double clockTicks() {
    try {
      return Double.parseDouble(run(List.of("getconf", "CLK_TCK"), 10).get(0).trim());
    } catch (RuntimeException e) {
      return 100;
    }
  }
}
