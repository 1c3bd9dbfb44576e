package io.chatrelay.shared.service;

import io.chatrelay.shared.cluster.ClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.ops.NodeOps;
import io.chatrelay.shared.ops.NodeReports;
import io.chatrelay.shared.ops.Readiness;

import io.vertx.core.Vertx;

import java.time.Clock;

/**
 * Everything a service verticle is given at construction: it looks nothing up by itself, so tests can hand it a
 * controllable clock, a test configuration or a cluster of their own.
 */
public record ServiceContext(Vertx vertx, LiveConfig config, ClusterView cluster, Clock clock) {
  /** This process's readiness conditions: register what the service needs before it may take traffic. */
  public Readiness readiness() {
    return NodeOps.of(vertx).readiness();
  }

  /** This process's application meters (served at the admin server's /metrics). */
  public ChatrelayMeters meters() {
    return NodeOps.of(vertx).meters();
  }

  /** This process's status sections (served to operators on {@code chatrelay.ops.node.<nodeId>}). */
  public NodeReports reports() {
    return NodeOps.of(vertx).reports();
  }
}
