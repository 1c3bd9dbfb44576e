package io.chatrelay.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/** Waiting on a condition in tests: checked every 20 ms, failed once {@code boundMs} have passed. */
final class Conditions {
  private Conditions() {
  }

  static Future<Void> until(Vertx vertx, long boundMs, Supplier<Future<Boolean>> condition) {
    return poll(vertx, System.currentTimeMillis() + boundMs, condition);
  }

  private static Future<Void> poll(Vertx vertx, long deadline, Supplier<Future<Boolean>> condition) {
    return condition.get().compose(met -> {
      if (met) return Future.succeededFuture();
      if (System.currentTimeMillis() > deadline) return Future.failedFuture(new AssertionError("condition not met in time"));
      return vertx.timer(20).compose(t -> poll(vertx, deadline, condition));
    });
  }
}
