package io.chatrelay.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A chatrelay launcher in its own JVM (same classpath as the tests), for tests that need real separate
 * processes: cluster members that can be killed, SIGTERM behaviour, restarts. Its output is collected so tests
 * wait for log lines instead of sleeping.
 */
public final class ChatrelayProcess implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final String name;
  private final Thread reader;

  private ChatrelayProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // process ended
      }
    }, "output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code java -cp <test classpath> io.chatrelay.launcher.Main <args>} in {@code dir} with extra env. */
  public static ChatrelayProcess start(String name, Path dir, Map<String, String> env, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Djava.net.preferIPv4Stack=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CHATRELAY_"));
    pb.environment().putAll(env);
    return new ChatrelayProcess(name, pb.start());
  }

  /** Waits until a line of output matches, or fails with the output so far. */
  public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (match.test(lines.get(seen))) return lines.get(seen);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
          throw new AssertionError(name + ": no matching line within " + timeout + " (alive=" + process.isAlive()
            + "); output:\n" + String.join("\n", lines));
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
      }
    }
  }

  public String awaitLine(String contains, Duration timeout) throws InterruptedException {
    return awaitLine(l -> l.contains(contains), timeout);
  }

  public String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM, as Kubernetes sends it. (Through the handle: Process.destroy() would also close our end of its output.) */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** SIGKILL: the process dies without leaving the cluster. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  /** Waits for the process to exit and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout + "; output:\n" + output());
    }
    reader.join(5000); // the last lines it printed
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
