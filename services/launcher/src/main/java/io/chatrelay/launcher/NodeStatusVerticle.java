package io.chatrelay.launcher;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.Replies;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.ops.NodeStatus;
import io.chatrelay.shared.service.ServiceContext;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers this process's status address {@code chatrelay.ops.node.<nodeId>} with a {@link NodeStatus}: the services
 * it runs, its uptime, open connections and messages relayed per second per protocol (sampled once a second over
 * the last {@value #RATE_WINDOW_SECONDS} s), the refusal and takeover counters, and the services' own sections.
 * Deployed on every process, whether or not it has an admin server: the operators' API on any node asks them all.
 */
final class NodeStatusVerticle extends VerticleBase {
  static final int RATE_WINDOW_SECONDS = 5;
  private static final List<String> PROTOCOLS = List.of(ChatrelayMeters.PROTOCOL_WNET, ChatrelayMeters.PROTOCOL_TCHATATOR);
  /** The counters operators read at a glance: Micrometer name -> Prometheus name. */
  private static final Map<String, String> COUNTERS = Map.of(
    ChatrelayMeters.RATE_LIMIT_REFUSALS, ChatrelayMeters.PROMETHEUS_RATE_LIMIT_REFUSALS,
    ChatrelayMeters.CONNECTION_REFUSALS, ChatrelayMeters.PROMETHEUS_CONNECTION_REFUSALS,
    ChatrelayMeters.TAKEOVERS, ChatrelayMeters.PROMETHEUS_TAKEOVERS);

  private final ServiceContext ctx;
  private final List<String> services;
  private final long startedAt;
  /** Per protocol, the relayed count of the last samples (oldest first); touched on this verticle's event loop only. */
  private final Map<String, Deque<Sample>> samples = new LinkedHashMap<>();

  private record Sample(long nanos, double count) {
  }

  NodeStatusVerticle(ServiceContext ctx, List<String> services) {
    this.ctx = ctx;
    this.services = List.copyOf(services);
    this.startedAt = ctx.clock().millis();
  }

  @Override
  public Future<?> start() {
    PROTOCOLS.forEach(p -> samples.put(p, new ArrayDeque<>()));
    sample();
    vertx.setPeriodic(1000, id -> sample());
    return vertx.eventBus().<JsonObject>consumer(Addresses.opsNode(ctx.cluster().nodeId()),
      Replies.handle(body -> Future.succeededFuture(status().toJson()))).completion();
  }

  private void sample() {
    ChatrelayMeters meters = ctx.meters();
    samples.forEach((protocol, window) -> {
      window.addLast(new Sample(System.nanoTime(), meters.messagesRelayed(protocol).count()));
      while (window.size() > RATE_WINDOW_SECONDS + 1) window.removeFirst();
    });
  }

  NodeStatus status() {
    ChatrelayMeters meters = ctx.meters();
    Map<String, Long> connections = new LinkedHashMap<>();
    Map<String, Double> rates = new LinkedHashMap<>();
    Map<String, Long> totals = new LinkedHashMap<>();
    for (String protocol : PROTOCOLS) {
      connections.put(protocol, meters.connections(protocol).get());
      double total = meters.messagesRelayed(protocol).count();
      totals.put(protocol, (long) total);
      // over the time since the oldest sample kept, so the rate is right between two samples too
      Sample oldest = samples.get(protocol).peekFirst();
      double seconds = oldest == null ? 0 : (System.nanoTime() - oldest.nanos()) / 1e9;
      rates.put(protocol, seconds < 0.5 ? 0.0 : Math.max(0, (total - oldest.count()) / seconds));
    }
    long now = ctx.clock().millis();
    return new NodeStatus(ctx.cluster().nodeId(), services, startedAt, now - startedAt, connections, rates, totals,
      RATE_WINDOW_SECONDS, counters(meters.registry()), ctx.reports().snapshot());
  }

  private static List<NodeStatus.Count> counters(MeterRegistry registry) {
    List<NodeStatus.Count> out = new ArrayList<>();
    COUNTERS.forEach((name, prometheus) -> {
      for (Counter counter : registry.find(name).counters()) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag tag : counter.getId().getTags()) tags.put(tag.getKey(), tag.getValue());
        out.add(new NodeStatus.Count(prometheus, tags, (long) counter.count()));
      }
    });
    out.sort(Comparator.comparing(NodeStatus.Count::meter).thenComparing(c -> c.tags().toString()));
    return out;
  }
}
