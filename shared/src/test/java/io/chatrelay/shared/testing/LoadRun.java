package io.chatrelay.shared.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * For benchmarks: runs {@code total} asynchronous operations with {@code inFlight} under way at a time and
 * measures each one's latency. The first failure fails the run.
 */
public final class LoadRun {
  private LoadRun() {
  }

  /** What a run measured: operation count, wall time and every latency (sorted, nanoseconds). */
  public record Result(int total, double seconds, long[] sortedNanos, int inFlight) {
    public double perSecond() {
      return total / seconds;
    }

    /** The latency at {@code quantile} (0..1), in microseconds. */
    public double micros(double quantile) {
      return sortedNanos[Math.min(sortedNanos.length - 1, (int) (sortedNanos.length * quantile))] / 1e3;
    }

    /** One printable line: count, rate, p50, p99, max. */
    public String line(String label) {
      return String.format(Locale.ROOT, "%-42s %7d ops  %9.0f ops/s  p50 %8.0f us  p99 %8.0f us  max %8.0f us  (%d in flight)",
        label, total, perSecond(), micros(0.50), micros(0.99), sortedNanos[sortedNanos.length - 1] / 1e3, inFlight);
    }
  }

  public static Future<Result> run(int total, int inFlight, IntFunction<Future<?>> operation) {
    Promise<Result> done = Promise.promise();
    long[] latencies = new long[total];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    long start = System.nanoTime();
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= total) return;
      long t0 = System.nanoTime();
      operation.apply(i).onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
          return;
        }
        latencies[i] = System.nanoTime() - t0;
        if (finished.incrementAndGet() == total) {
          Arrays.sort(latencies);
          done.tryComplete(new Result(total, (System.nanoTime() - start) / 1e9, latencies, inFlight));
        } else {
          launch[0].run();
        }
      });
    };
    for (int w = 0; w < Math.min(inFlight, total); w++) launch[0].run();
    return done.future();
  }

  /** Runs and prints {@link Result#line}. */
  public static Future<Result> runAndPrint(String label, int total, int inFlight, IntFunction<Future<?>> operation) {
    return run(total, inFlight, operation).onSuccess(r -> System.out.println(r.line(label)));
  }
}
