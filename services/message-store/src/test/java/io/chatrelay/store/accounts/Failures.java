package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.BusFailure;

import io.vertx.core.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on futures that must fail with a given {@link BusFailure}. */
final class Failures {
  private Failures() {
  }

  /** Succeeds with the failure if {@code future} failed with {@code code} and {@code reason}; fails otherwise. */
  static Future<BusFailure> expectFailure(Future<?> future, int code, String reason) {
    return future.transform(ar -> {
      assertThat(ar.failed()).as("expected %d %s, got success %s", code, reason, ar.result()).isTrue();
      BusFailure failure = BusFailure.from(ar.cause());
      assertThat(failure.code()).as("code of %s", failure).isEqualTo(code);
      assertThat(failure.reason()).as("reason of %s", failure).isEqualTo(reason);
      return Future.succeededFuture(failure);
    });
  }
}
