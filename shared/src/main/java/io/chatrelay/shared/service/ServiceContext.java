package io.chatrelay.shared.service;

import io.chatrelay.shared.cluster.ClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.vertx.core.Vertx;

import java.time.Clock;

/**
 * Everything a service verticle is given at construction: it looks nothing up by itself, so tests can hand it a
 * controllable clock, a test configuration or a cluster of their own.
 */
public record ServiceContext(Vertx vertx, LiveConfig config, ClusterView cluster, Clock clock) {
}
