package io.chatrelay.registry;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.Predicate;
import java.util.function.Supplier;

/** Repeats a read until its result satisfies a condition, or fails with the last result after a deadline. */
final class Polling {
  private static final long PAUSE_MS = 20;

  private Polling() {
  }

  static <T> Future<T> until(Vertx vertx, Supplier<Future<T>> read, Predicate<T> done, long timeoutMs) {
    Promise<T> promise = Promise.promise();
    attempt(vertx, read, done, System.nanoTime() + timeoutMs * 1_000_000, promise);
    return promise.future();
  }

  private static <T> void attempt(Vertx vertx, Supplier<Future<T>> read, Predicate<T> done, long deadline, Promise<T> promise) {
    read.get().onComplete(ar -> {
      if (ar.succeeded() && done.test(ar.result())) {
        promise.complete(ar.result());
      } else if (System.nanoTime() > deadline) {
        promise.fail(new AssertionError("condition not reached in time; last result: "
          + (ar.succeeded() ? ar.result() : ar.cause())));
      } else {
        vertx.setTimer(PAUSE_MS, t -> attempt(vertx, read, done, deadline, promise));
      }
    });
  }
}
