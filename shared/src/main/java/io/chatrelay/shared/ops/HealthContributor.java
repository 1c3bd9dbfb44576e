package io.chatrelay.shared.ops;

import io.vertx.core.Future;

/**
 * One condition this process needs before it may take traffic, e.g. "the database answers" or "the TCP listener
 * is bound". Registered with {@link Readiness}; the admin server asks every contributor on each
 * {@code GET /health/ready} and answers 503 while any of them fails.
 */
@FunctionalInterface
public interface HealthContributor {
  /**
   * Succeeds when the condition holds; fails with a message an operator can read otherwise. Called on an event
   * loop on every probe (every few seconds): never block, keep it cheap (one {@code SELECT 1}, a flag read).
   * A check that does not complete within {@code admin.check-timeout-ms} counts as failed.
   */
  Future<Void> check();
}
