package io.chatrelay.launcher;

import java.io.IOException;
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
  private final OutputLines lines;
  private final String name;

  private ChatrelayProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.lines = new OutputLines(name, process.getInputStream());
  }

  /** Starts {@code java -cp <test classpath> io.chatrelay.launcher.Main <args>} in {@code dir} with extra env. */
  public static ChatrelayProcess start(String name, Path dir, Map<String, String> env, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    // C1 only: short-lived test processes start faster and leave more of the shared cores to the others
    cmd.add("-XX:TieredStopAtLevel=1");
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

  public String name() {
    return name;
  }

  /** Waits until a line of output matches, or fails with the output so far. */
  public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    return awaitLineAfter(0, match, timeout);
  }

  public String awaitLine(String contains, Duration timeout) throws InterruptedException {
    return awaitLine(l -> l.contains(contains), timeout);
  }

  /** How many lines the process has printed so far: pass it to {@link #awaitLineAfter} to wait for a new line. */
  public int mark() {
    return lines.count();
  }

  /** Waits until a line printed after {@code mark} matches, or fails with the output so far. */
  public String awaitLineAfter(int mark, Predicate<String> match, Duration timeout) throws InterruptedException {
    return lines.line(lines.awaitFrom(mark, match, timeout, process::isAlive));
  }

  /** The lines printed after {@code mark} (see {@link #mark}). */
  public List<String> linesAfter(int mark) {
    List<String> all = lines.all();
    return all.subList(Math.min(mark, all.size()), all.size());
  }

  public String output() {
    return lines.toString();
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
    lines.awaitEnd(Duration.ofSeconds(5)); // the last lines it printed
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
