package io.chatrelay.shared.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

/**
 * What one process (one {@link Vertx}) exposes to operators: its readiness conditions, its meters and the
 * sections of its status. Kept in the Vert.x instance's local shared data, so it needs no static state and no new
 * constructor argument: services reach it through {@code ServiceContext.readiness()} / {@code meters()} /
 * {@code reports()}, the admin server through {@link #of}.
 * <p>
 * {@code NodeBootstrap} installs it with the Prometheus registry Vert.x reports to; a Vert.x created elsewhere
 * (a service's own tests) gets an in-memory registry the test can read.
 */
public final class NodeOps implements Shareable {
  private static final String MAP = "chatrelay.node-ops";
  /** Readiness check timeout when none was installed (the default of {@code admin.check-timeout-ms}). */
  static final long DEFAULT_CHECK_TIMEOUT_MS = 2000;

  private final Readiness readiness;
  private final ChatrelayMeters meters;
  private final NodeReports reports = new NodeReports();

  private NodeOps(Vertx vertx, MeterRegistry registry, long checkTimeoutMs) {
    this.readiness = new Readiness(vertx, checkTimeoutMs);
    this.meters = new ChatrelayMeters(registry);
  }

  /** This Vert.x instance's operations state, created with an in-memory meter registry if none was installed. */
  public static NodeOps of(Vertx vertx) {
    return vertx.sharedData().<String, NodeOps>getLocalMap(MAP)
      .computeIfAbsent(MAP, k -> new NodeOps(vertx, new SimpleMeterRegistry(), DEFAULT_CHECK_TIMEOUT_MS));
  }

  /** Installs the meter registry and check timeout for {@code vertx}; must come before any {@link #of} call. */
  public static NodeOps install(Vertx vertx, MeterRegistry registry, long checkTimeoutMs) {
    NodeOps ops = new NodeOps(vertx, registry, checkTimeoutMs);
    NodeOps previous = vertx.sharedData().<String, NodeOps>getLocalMap(MAP).putIfAbsent(MAP, ops);
    if (previous != null) throw new IllegalStateException("operations state already created for this Vert.x instance");
    return ops;
  }

  public Readiness readiness() {
    return readiness;
  }

  public ChatrelayMeters meters() {
    return meters;
  }

  /** The sections services add to this process's status ({@link NodeStatus}). */
  public NodeReports reports() {
    return reports;
  }
}
