package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountReasons;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.config.LiveConfig;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The password hashes waiting for and running on the hashing worker pool, bounded: at most
 * {@code accounts.hash-queue-size} (read live) wait for a worker; one more fails at once with 503
 * {@code overloaded}. A job whose caller has stopped waiting ({@code deadline} passed, by {@code clock}) when a
 * worker takes it is dropped, not run: an attack that stops leaves no backlog burning the CPU.
 * <p>
 * Counted in {@code chatrelay.accounts.password.hashes{outcome="computed"|"expired"|"refused"}}.
 */
final class HashingQueue {
  static final String HASHES = "chatrelay.accounts.password.hashes";

  private static final BusFailure FULL = BusFailure.of(BusFailure.UNAVAILABLE, AccountReasons.OVERLOADED,
    "too many password checks are waiting; try again shortly");
  private static final BusFailure EXPIRED = BusFailure.of(BusFailure.UNAVAILABLE, AccountReasons.OVERLOADED,
    "the password check waited longer than the caller's timeout and was not run");

  private final WorkerExecutor workers;
  private final int threads;
  private final LiveConfig settings;
  private final Clock clock;
  /** Jobs submitted and not finished: waiting plus running. */
  private final AtomicInteger pending = new AtomicInteger();
  private final Counter computed;
  private final Counter expired;
  private final Counter refused;

  HashingQueue(WorkerExecutor workers, int threads, LiveConfig settings, Clock clock, MeterRegistry meters) {
    this.workers = workers;
    this.threads = threads;
    this.settings = settings;
    this.clock = clock;
    this.computed = counter(meters, "computed", "password hashes computed");
    this.expired = counter(meters, "expired", "password hashes dropped: the caller had stopped waiting");
    this.refused = counter(meters, "refused", "password hashes refused: the queue was full");
  }

  private static Counter counter(MeterRegistry meters, String outcome, String description) {
    return Counter.builder(HASHES).tag("outcome", outcome).description(description).register(meters);
  }

  /** Runs {@code job} on a worker unless the queue is full or {@code deadline} (epoch ms) has passed by then. */
  <T> Future<T> submit(Callable<T> job, long deadline) {
    int limit = threads + Math.max(0, settings.get().getInt("accounts.hash-queue-size"));
    if (pending.incrementAndGet() > limit) {
      pending.decrementAndGet();
      refused.increment();
      return Future.failedFuture(FULL.exception());
    }
    return workers.<T>executeBlocking(() -> {
      if (clock.millis() > deadline) {
        expired.increment();
        throw EXPIRED.exception();
      }
      computed.increment();
      return job.call();
    }, false).onComplete(ar -> pending.decrementAndGet());
  }
}
