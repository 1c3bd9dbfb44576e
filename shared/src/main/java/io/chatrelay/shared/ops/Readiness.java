package io.chatrelay.shared.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The readiness conditions of one process (one {@link Vertx}): every service registers what it needs before it
 * may take traffic; the launcher's admin server serves the result at {@code /health/ready}. Reach it with
 * {@code ServiceContext.readiness()}.
 * <p>
 * Names are {@code <service>.<condition>}, e.g. {@code message-store.database}, {@code tcp-edge.listener}; a name
 * registered again replaces the previous condition. The checks are vertx-health-check procedures
 * ({@link #healthChecks()}), so a failing one shows in the probe's JSON body with its reason.
 */
public final class Readiness {
  private final HealthChecks checks;
  private final long timeoutMs;
  private final Set<String> names = ConcurrentHashMap.newKeySet();

  Readiness(Vertx vertx, long timeoutMs) {
    this.checks = HealthChecks.create(vertx);
    this.timeoutMs = timeoutMs;
  }

  /** Adds (or replaces) a condition checked on every readiness probe. */
  public void register(String name, HealthContributor contributor) {
    // vertx-health-check reads '/' as nesting; one flat list keeps every reason visible in /health/ready.
    if (name.isBlank() || name.contains("/")) throw new IllegalArgumentException("readiness condition name: '" + name + "'");
    names.add(name);
    checks.register(name, timeoutMs, promise -> contributor.check().onComplete(ar -> promise.complete(ar.succeeded()
      ? Status.OK()
      : Status.KO(new JsonObject().put("reason", String.valueOf(ar.cause().getMessage()))))));
  }

  /** A condition its owner sets: registered at once, down ("starting") until {@link ReadinessFlag#up()}. */
  public ReadinessFlag flag(String name) {
    ReadinessFlag flag = new ReadinessFlag();
    register(name, flag);
    return flag;
  }

  /** Removes a condition (a stopped service no longer blocks readiness). Unknown names are ignored. */
  public void unregister(String name) {
    if (names.remove(name)) checks.unregister(name);
  }

  /** The procedures, for a {@code HealthCheckHandler}. */
  public HealthChecks healthChecks() {
    return checks;
  }
}
