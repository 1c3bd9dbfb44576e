package io.chatrelay.shared.ops;

import io.vertx.core.Future;

/**
 * A readiness condition its owner sets, e.g. "listener bound": {@link #up()} once it holds, {@link #down} when it
 * stops holding. Starts down ("starting"). Thread-safe.
 */
public final class ReadinessFlag implements HealthContributor {
  private volatile String downReason = "starting";

  ReadinessFlag() {
  }

  public void up() {
    downReason = null;
  }

  public void down(String reason) {
    downReason = reason == null || reason.isBlank() ? "down" : reason;
  }

  @Override
  public Future<Void> check() {
    String reason = downReason;
    return reason == null ? Future.succeededFuture() : Future.failedFuture(reason);
  }
}
