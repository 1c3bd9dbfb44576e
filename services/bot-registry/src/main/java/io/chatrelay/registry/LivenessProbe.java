package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.shared.bus.WnetDeliveryCodec;
import io.chatrelay.shared.cluster.ClusterView;
import io.chatrelay.shared.config.LiveConfig;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether the holder of a name is dead, for a takeover. A holder on a node that is not a live member is
 * dead at once; otherwise its endpoint gets an {@link WnetDelivery.IsAlive} request with the configured window and
 * the holder is alive only if it answers {@code {alive:true}}. A probe under way is decided "dead" as soon as the
 * holder's node leaves ({@link #membersLeft()}): Vert.x does not fail a request whose write to a dead member
 * fails, so without that the question to a killed process would wait the whole window. Confined to the registry's
 * event loop.
 */
final class LivenessProbe {
  private static final Logger LOG = LoggerFactory.getLogger(LivenessProbe.class);
  /** Time allowed beyond the window for the endpoint's answer to travel back. */
  static final long ANSWER_MARGIN_MS = 500;

  private final Vertx vertx;
  private final ClusterView cluster;
  private final LiveConfig config;
  /** Probes under way by name and holder, so newcomers racing for one name share one isalive. */
  private final Map<String, Underway> underway = new HashMap<>();

  private record Underway(String name, BotOwner holder, Promise<Boolean> dead) {
  }

  LivenessProbe(Vertx vertx, ClusterView cluster, LiveConfig config) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.config = config;
  }

  /** True when {@code holder} of {@code name} is dead; never fails. */
  Future<Boolean> isDead(String name, BotOwner holder) {
    if (!cluster.isMember(holder.node())) {
      LOG.info("bot {}: holder's node {} is not a live member; it is dead", name, holder.node());
      return Future.succeededFuture(true);
    }
    String key = name + '\n' + holder.encode();
    Underway probe = underway.get(key);
    if (probe == null) {
      probe = new Underway(name, holder, Promise.promise());
      underway.put(key, probe);
      Promise<Boolean> verdict = probe.dead();
      verdict.future().onComplete(done -> underway.remove(key));
      ask(name, holder).onComplete(answer -> verdict.tryComplete(answer.result()));
    }
    return probe.dead().future();
  }

  /**
   * Members left the cluster: every probe whose holder's node is no longer a live member is decided "dead" now,
   * whatever its question. Checks all probes against the live members, not only the node reported, so a probe
   * started just before any removal was seen is decided too.
   */
  void membersLeft() {
    List<Underway> orphaned = underway.values().stream().filter(p -> !cluster.isMember(p.holder().node())).toList();
    for (Underway p : orphaned) {
      LOG.info("bot {}: holder's node {} left during the isalive question; it is dead", p.name(), p.holder().node());
      p.dead().tryComplete(true);
    }
  }

  private Future<Boolean> ask(String name, BotOwner holder) {
    long windowMs = config.get().getLong("wnet.takeover-window-ms");
    WnetDelivery.IsAlive question = new WnetDelivery.IsAlive(holder.conn(), name, windowMs);
    return vertx.eventBus().<JsonObject>request(holder.address(), WnetDeliveryCodec.body(holder.address(), question),
        WnetDeliveryCodec.options(holder.address(), windowMs + ANSWER_MARGIN_MS))
      .map(reply -> {
        boolean alive = Boolean.TRUE.equals(reply.body().getValue("alive"));
        LOG.info("bot {}: holder {} on {} answered alive={}", name, holder.conn(), holder.address(), alive);
        return !alive;
      })
      .otherwise(failure -> {
        LOG.info("bot {}: holder {} on {} is dead: {}", name, holder.conn(), holder.address(), BusFailure.from(failure).text());
        return true;
      });
  }
}
