package io.chatrelay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A server the benchmark started in its own JVM (a chatrelay {@code serve}, the bare echo server). Its output goes
 * to a log file and is kept so the bench can wait for a line; its pid gives CPU, RSS and heap.
 */
final class ServerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;

  private ServerProcess(String name, Process process, Path log) throws IOException {
    this.name = name;
    this.process = process;
    Files.createDirectories(log.getParent());
    PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
    reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
           out) {
        for (String line; (line = in.readLine()) != null; ) {
          out.println(line);
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException ended) {
        // the process is gone
      }
      synchronized (lines) {
        lines.notifyAll();
      }
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code command} in {@code dir}, output to {@code log}; CHATRELAY_* variables of this shell are not passed on. */
  static ServerProcess start(String name, List<String> command, Path dir, Path log, Map<String, String> env) throws IOException {
    Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CHATRELAY_"));
    pb.environment().putAll(env);
    return new ServerProcess(name, pb.start(), log);
  }

  /** {@code java} of this JVM, with {@code jvmOptions}, then {@code rest}. */
  static List<String> java(List<String> jvmOptions, List<String> rest) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-Djava.net.preferIPv4Stack=true");
    cmd.addAll(rest);
    return cmd;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  double cpuSeconds() {
    return Proc.cpuSeconds(pid());
  }

  /** Waits for a line of output that matches; fails with the last lines if the process ends or time is up. */
  String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (match.test(lines.get(seen))) return lines.get(seen);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
          throw new IllegalStateException(name + (process.isAlive() ? " printed no such line within " + timeout
            : " exited with " + process.exitValue()) + "; last lines:\n" + tail(30));
        }
        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  String tail(int count) {
    synchronized (lines) {
      return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
  }

  /** SIGKILL: no shutdown hook runs, a cluster member leaves without saying so. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM and wait up to {@code grace}; then SIGKILL. */
  void stop(Duration grace) {
    if (!process.isAlive()) return;
    process.toHandle().destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) kill();
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(15));
  }
}
