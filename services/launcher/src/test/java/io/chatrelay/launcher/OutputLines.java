package io.chatrelay.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The lines a child process prints, collected by a daemon thread as they come, so that tests wait for a line
 * instead of sleeping. Each waiter starts from a position it chooses: the beginning, or the lines not seen yet.
 */
final class OutputLines {
  private final String name;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;
  private boolean ended;

  OutputLines(String name, InputStream output) {
    this.name = name;
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      } finally {
        synchronized (lines) {
          ended = true;
          lines.notifyAll();
        }
      }
    }, "output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** How many lines have arrived so far: a starting point for {@link #awaitFrom}. */
  int count() {
    synchronized (lines) {
      return lines.size();
    }
  }

  /**
   * Waits for the first line at index {@code from} or later that matches and returns its index; fails with the
   * output so far once {@code timeout} passes or the output ends without a match ({@code alive} says whether the
   * process still runs, for the message).
   */
  int awaitFrom(int from, Predicate<String> match, Duration timeout, BooleanSupplier alive) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = from;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (match.test(lines.get(seen))) return seen;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || ended) {
          throw new AssertionError(name + ": no matching line within " + timeout + " (alive=" + alive.getAsBoolean()
            + "); output:\n" + String.join("\n", lines));
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
      }
    }
  }

  String line(int index) {
    synchronized (lines) {
      return lines.get(index);
    }
  }

  List<String> all() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** Waits (at most {@code timeout}) for the last lines of a process that has exited. */
  void awaitEnd(Duration timeout) throws InterruptedException {
    reader.join(timeout.toMillis());
  }

  @Override
  public String toString() {
    return String.join("\n", all());
  }
}
