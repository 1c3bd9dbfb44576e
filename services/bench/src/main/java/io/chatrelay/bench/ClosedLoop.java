package io.chatrelay.bench;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * A closed loop: {@code workers} each run one operation at a time, the next as soon as the last completes, for a
 * warm-up and then a measured window. Only operations started and finished inside the window count. A worker
 * whose operation fails stops (a broken connection would otherwise spin).
 */
final class ClosedLoop {
  private ClosedLoop() {
  }

  static LoadPoint run(int workers, IntFunction<Future<?>> operation, Duration warmup, Duration measure, CpuMeter cpu)
    throws InterruptedException {
    long t0 = System.nanoTime();
    long windowStart = t0 + warmup.toNanos();
    long windowEnd = windowStart + measure.toNanos();
    Latencies latencies = new Latencies();
    AtomicLong ops = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(workers);
    for (int w = 0; w < workers; w++) {
      int worker = w;
      Runnable[] next = new Runnable[1];
      next[0] = () -> {
        long start = System.nanoTime();
        if (start >= windowEnd) {
          stopped.countDown();
          return;
        }
        operation.apply(worker).onComplete(ar -> {
          long end = System.nanoTime();
          if (ar.failed()) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, String.valueOf(ar.cause().getMessage()));
            stopped.countDown();
            return;
          }
          if (start >= windowStart && end <= windowEnd) {
            ops.incrementAndGet();
            latencies.record(end - start);
          }
          next[0].run();
        });
      };
      next[0].run();
    }
    sleepUntil(windowStart);
    cpu.start();
    sleepUntil(windowEnd);
    double serverCpu = cpu.server();
    double databaseCpu = cpu.database();
    if (!stopped.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("operations still running 30 s after the window");
    return new LoadPoint(ops.get(), measure.toNanos() / 1e9, latencies.take(), failures.get(), firstFailure.get(), serverCpu,
      databaseCpu);
  }

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(left);
  }
}
