package io.chatrelay.launcher;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One of the Python wnet peers of {@code src/test/python} in its own process (Debian's python3-websockets, as
 * the public peers use): {@code wnet_bot.py}, {@code wnet_client.py}, or the scripted {@code wnet_peer.py}, whose
 * stdin lines are sent as frames. Every frame a peer receives is a line of its output; when its connection ends
 * it prints {@code closed <code> <reason>}.
 */
public final class PythonPeer implements AutoCloseable {
  private static final String PYTHON = "/usr/bin/python3";
  private static final Path SCRIPTS = Path.of("src", "test", "python");

  private final String name;
  private final Process process;
  private final OutputLines lines;
  private final OutputStream stdin;

  private PythonPeer(String name, Process process) {
    this.name = name;
    this.process = process;
    this.lines = new OutputLines(name, process.getInputStream());
    this.stdin = process.getOutputStream();
  }

  /** Skips the calling test unless python3 with the websockets library is installed (the CI script installs it). */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(available(), "python3 with the websockets library (Debian python3-websockets)");
  }

  private static boolean available() {
    if (!Files.isExecutable(Path.of(PYTHON)) || !Files.isDirectory(SCRIPTS)) return false;
    try {
      Process probe = new ProcessBuilder(PYTHON, "-c", "import websockets").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code wnet_bot.py}: registers {@code botName} with the account's password and echoes every message. */
  public static PythonPeer bot(String url, String botName, String user, String password) {
    return start("bot " + botName, "wnet_bot.py", url, botName, user, password);
  }

  /** {@code wnet_client.py}: search, connect, cssend, then waits for the bot's answer and exits 0. */
  public static PythonPeer client(String url, String botName, String text) {
    return start("client of " + botName, "wnet_client.py", url, botName, text);
  }

  /** {@code wnet_peer.py} without credentials (an anonymous client): {@link #send} drives it. */
  public static PythonPeer scripted(String name, String url) {
    return start(name, "wnet_peer.py", url);
  }

  /** {@code wnet_peer.py} with the account's password cookie (it may register as a bot). */
  public static PythonPeer scripted(String name, String url, String user, String password) {
    return start(name, "wnet_peer.py", url, user, password);
  }

  private static PythonPeer start(String name, String script, String... args) {
    List<String> command = new ArrayList<>(List.of(PYTHON, "-u", "-B", SCRIPTS.resolve(script).toString()));
    command.addAll(List.of(args));
    try {
      // stderr too: a refused handshake or a traceback then shows in the failure message
      return new PythonPeer(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends one frame (scripted peer only). */
  public PythonPeer send(String frame) {
    try {
      stdin.write((frame + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(name + " does not take frames any more", e);
    }
    return this;
  }

  /** How many lines the peer has printed: pass it to {@link #awaitLineAfter} to wait for a new one. */
  public int mark() {
    return lines.count();
  }

  /** The first line (from the start) that matches; fails after {@code timeout} or once the peer ended. */
  public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    return awaitLineAfter(0, match, timeout);
  }

  /** The first line printed after {@code mark} that matches. */
  public String awaitLineAfter(int mark, Predicate<String> match, Duration timeout) throws InterruptedException {
    return lines.line(lines.awaitFrom(mark, match, timeout, process::isAlive));
  }

  /** The next line the peer prints after {@code mark}, whatever it is. */
  public String nextLineAfter(int mark, Duration timeout) throws InterruptedException {
    return awaitLineAfter(mark, line -> true, timeout);
  }

  public List<String> lines() {
    return lines.all();
  }

  /** Waits for the peer to exit and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout + "; output:\n" + lines);
    }
    lines.awaitEnd(Duration.ofSeconds(5));
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + ":\n" + lines;
  }
}
