package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.shared.cluster.ClusterView;
import io.chatrelay.shared.config.LiveConfig;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides whether the holder of a name is dead, for a takeover. A holder on a node that left the cluster is dead
 * at once; otherwise its endpoint gets an {@link WnetDelivery.IsAlive} request with the configured window and the
 * holder is alive only if it answers {@code {alive:true}}. Confined to the registry's event loop.
 */
final class LivenessProbe {
  private static final Logger LOG = LoggerFactory.getLogger(LivenessProbe.class);
  /** Time allowed beyond the window for the endpoint's answer to travel back. */
  static final long ANSWER_MARGIN_MS = 500;

  private final Vertx vertx;
  private final ClusterView cluster;
  private final LiveConfig config;
  /** Probes under way, so newcomers racing for one name share one isalive. */
  private final Map<String, Future<Boolean>> underway = new HashMap<>();

  LivenessProbe(Vertx vertx, ClusterView cluster, LiveConfig config) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.config = config;
  }

  /** True when {@code holder} of {@code name} is dead; never fails. */
  Future<Boolean> isDead(String name, BotOwner holder) {
    if (!cluster.isMember(holder.node())) {
      LOG.info("bot {}: holder's node {} is not in the cluster; it is dead", name, holder.node());
      return Future.succeededFuture(true);
    }
    String key = name + '\n' + holder.encode();
    Future<Boolean> probe = underway.get(key);
    if (probe == null) {
      probe = ask(name, holder);
      underway.put(key, probe);
      probe.onComplete(done -> underway.remove(key));
    }
    return probe;
  }

  private Future<Boolean> ask(String name, BotOwner holder) {
    long windowMs = config.get().getLong("wnet.takeover-window-ms");
    WnetDelivery.IsAlive question = new WnetDelivery.IsAlive(holder.conn(), name, windowMs);
    return vertx.eventBus().<JsonObject>request(holder.address(), question.toJson(),
        new DeliveryOptions().setSendTimeout(windowMs + ANSWER_MARGIN_MS))
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
