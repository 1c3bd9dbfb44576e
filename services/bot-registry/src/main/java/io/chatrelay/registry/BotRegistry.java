package io.chatrelay.registry;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.shared.bus.WnetDeliveryCodec;
import io.chatrelay.shared.cluster.ClusterView;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.wnet.BotEvent;
import io.chatrelay.shared.wnet.BotRegistration;
import io.chatrelay.shared.wnet.ClaimResult;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one registry instance does, on its event loop. Several instances (one per node) share one
 * {@link NameTable} and need no leader: every decision is a conditional write on the table, which exactly one
 * racer wins, and only the winner publishes the {@link BotEvent}.
 */
final class BotRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(BotRegistry.class);
  /** The reason of the removal notice an administrator's kick sends the holder. */
  static final String KICKED = "kicked";
  /** A kick reads the holder, then removes on condition that it still holds; repeated when the holder changed. */
  private static final int KICK_ATTEMPTS = 4;

  private final Vertx vertx;
  private final NameTable table;
  private final ClusterView cluster;
  private final LivenessProbe probe;
  private final Clock clock;
  private final ChatrelayMeters meters;
  private final NameIndex index = new NameIndex();
  /** Reconciliations run one after the other (each rebuilds the index). */
  private Future<Void> reconciling = Future.succeededFuture();

  BotRegistry(Vertx vertx, NameTable table, ClusterView cluster, LivenessProbe probe, Clock clock, ChatrelayMeters meters) {
    this.vertx = vertx;
    this.table = table;
    this.cluster = cluster;
    this.probe = probe;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * One cluster write: {@code putIfAbsent}. Registering a name one already holds is a success. The owner's node
   * must be a live member: checked before the write, and again after it (see {@link #confirmLive}).
   */
  Future<ClaimResult> register(Sender sender, String name, BotOwner owner) {
    return admit(sender, owner).compose(v -> claim(name, owner));
  }

  /** Gives {@code name} to {@code owner} if its holder {@code previous} is dead (see {@link LivenessProbe}). */
  Future<ClaimResult> takeover(Sender sender, String name, BotOwner owner, BotOwner previous) {
    return admit(sender, owner).compose(v -> table.get(name)).compose(holder -> {
      if (holder == null) return claim(name, owner);
      if (holder.equals(owner)) return Future.succeededFuture(ClaimResult.added());
      if (!holder.equals(previous)) return Future.succeededFuture(ClaimResult.occupied(holder));
      return probe.isDead(name, previous).compose(dead -> {
        meters.takeovers(dead ? "taken-over" : "alive").increment();
        return dead ? swap(name, previous, owner) : Future.succeededFuture(ClaimResult.alive());
      });
    });
  }

  /**
   * Frees the name if {@code owner} still holds it; only the owner's own node may ask (403 {@code not-your-node}),
   * so the holder's own release gets no notice. (An administrator's {@link #kick} tells the holder.)
   */
  Future<Boolean> unregister(Sender sender, String name, BotOwner owner) {
    BusFailure refused = sender.refusalFor(owner);
    if (refused != null) return Future.failedFuture(refused.exception());
    return free(name, owner).onSuccess(removed -> {
      if (removed && !sender.isNodeOf(owner)) tellHolder(name, owner, "unregistered");
    });
  }

  /** The holder of {@code name}; fails 404 {@code unknown-bot}. */
  Future<BotOwner> lookup(String name) {
    if (!BotNames.isValid(name)) return Future.failedFuture(unknownBot("no bot has that name"));
    return table.get(name).compose(holder -> holder != null
      ? Future.succeededFuture(holder)
      : Future.failedFuture(unknownBot("no bot named " + name + " is registered")));
  }

  /** Every registration whose name starts with {@code prefix}, sorted by name: one read of the whole table. */
  Future<List<BotRegistration>> list(String prefix) {
    return table.snapshot().map(entries -> entries.entrySet().stream()
      .filter(e -> e.getKey().startsWith(prefix))
      .map(e -> new BotRegistration(e.getKey(), e.getValue().owner(), e.getValue().registeredAt()))
      .sorted(Comparator.comparing(BotRegistration::name))
      .toList());
  }

  /**
   * An administrator frees {@code name} whoever holds it: removed on condition that the holder just read still
   * holds it (so a newcomer that took it meanwhile is not kicked by mistake), published {@code offline}, and the
   * holder told ({@link WnetDelivery.NameRemoved}, reason {@value #KICKED}). Fails 404 {@code unknown-bot}.
   */
  Future<BotRegistration> kick(String name) {
    return kick(name, KICK_ATTEMPTS);
  }

  private Future<BotRegistration> kick(String name, int attemptsLeft) {
    if (!BotNames.isValid(name)) return Future.failedFuture(unknownBot("no bot has that name"));
    return table.entry(name).compose(entry -> {
      if (entry == null) return Future.failedFuture(unknownBot("no bot named " + name + " is registered"));
      return free(name, entry.owner()).compose(removed -> {
        if (!removed) {
          return attemptsLeft > 1 ? kick(name, attemptsLeft - 1) : Future.failedFuture(BusFailure.of(BusFailure.CONFLICT,
            "changing", "bot " + name + " changed hands during the kick; try again").exception());
        }
        LOG.info("bot {} kicked by an administrator: account {}, connection {} on node {}", name,
          entry.owner().account(), entry.owner().conn(), entry.owner().node());
        tellHolder(name, entry.owner(), KICKED);
        return Future.succeededFuture(new BotRegistration(name, entry.owner(), entry.registeredAt()));
      });
    });
  }

  /** Registered names starting with {@code prefix}, sorted; a local read. */
  List<String> search(String prefix) {
    return index.startingWith(prefix);
  }

  /** Names in this instance's search copy (the {@code chatrelay_bot_names} gauge). */
  int nameCount() {
    return index.size();
  }

  /** A change of the table, in order for its name. */
  void onChange(NameTable.NameChange change) {
    index.apply(change);
  }

  /**
   * Rebuilds the index from the table and frees the names held on nodes that are not members any more
   * ({@code departed} are counted out even if the membership view still lists them). Runs at start and when a
   * member leaves: Hazelcast keeps a dead member's entries, and changes in flight on it may never be reported.
   */
  Future<Void> reconcile(Set<String> departed) {
    reconciling = reconciling.transform(previous -> rebuildAndSweep(departed));
    return reconciling;
  }

  private Future<Void> rebuildAndSweep(Set<String> departed) {
    index.beginRebuild();
    return table.snapshot()
      .onFailure(t -> index.abandonRebuild())
      .compose(entries -> {
        index.completeRebuild(entries.keySet());
        Set<String> members = cluster.members();
        List<Future<Boolean>> removals = new ArrayList<>();
        for (Map.Entry<String, NameTable.Entry> e : entries.entrySet()) {
          BotOwner holder = e.getValue().owner();
          String node = holder.node();
          if (members.contains(node) && !departed.contains(node)) continue;
          String name = e.getKey();
          removals.add(free(name, holder).otherwise(t -> {
            LOG.warn("bot {}: could not free it from departed node {}: {}", name, node, t.getMessage());
            return false;
          }));
        }
        return Future.all(removals).map(all -> {
          long freed = removals.stream().filter(Future::result).count();
          if (!removals.isEmpty()) {
            LOG.info("freed {} bot name(s) held on departed nodes ({} found; others were freed by another registry)",
              freed, removals.size());
          }
          LOG.debug("name index rebuilt: {} names", index.size());
          return null;
        });
      });
  }

  /**
   * {@code owner}'s node is a live member (409 {@code unknown-node}; a registry on a node that is itself leaving
   * answers 503, since its view says no node is live), and the sender is that node (403, see {@link Sender}).
   */
  private Future<Void> admit(Sender sender, BotOwner owner) {
    if (!cluster.isMember(owner.node())) {
      if (!cluster.isMember(cluster.nodeId())) {
        return Future.failedFuture(BusFailure.of(BusFailure.UNAVAILABLE, "unavailable",
          "this node is leaving the cluster; retry").exception());
      }
      return Future.failedFuture(notAMember(owner));
    }
    BusFailure refused = sender.refusalFor(owner);
    return refused == null ? Future.succeededFuture() : Future.failedFuture(refused.exception());
  }

  private Future<ClaimResult> claim(String name, BotOwner owner) {
    return table.putIfAbsent(name, owner, clock.millis()).compose(holder -> {
      if (holder == null) {
        return confirmLive(name, owner).map(v -> {
          LOG.debug("bot {} registered by {} at {}", name, owner.account(), owner.address());
          publish(BotEvent.online(name, owner));
          return ClaimResult.added();
        });
      }
      return Future.succeededFuture(holder.equals(owner) ? ClaimResult.added() : ClaimResult.occupied(holder));
    });
  }

  private Future<ClaimResult> swap(String name, BotOwner previous, BotOwner owner) {
    return table.replace(name, previous, owner, clock.millis()).compose(replaced -> {
      if (!replaced) {
        // The holder changed while we probed: free now (putIfAbsent), or another newcomer won (occupied).
        return claim(name, owner);
      }
      LOG.info("bot {} taken over from {} by {} at {}", name, previous.conn(), owner.account(), owner.address());
      publish(BotEvent.offline(name, previous));
      tellHolder(name, previous, "taken-over");
      return confirmLive(name, owner).map(v -> {
        publish(BotEvent.online(name, owner));
        return ClaimResult.added();
      });
    });
  }

  /**
   * After a write gave {@code name} to {@code owner}: if its node left meanwhile, the sweep for that node may
   * already have read the table without this entry, so nobody would free it; undo the write and refuse.
   */
  private Future<Void> confirmLive(String name, BotOwner owner) {
    if (cluster.isMember(owner.node())) return Future.succeededFuture();
    return table.remove(name, owner).transform(ignored -> Future.failedFuture(notAMember(owner)));
  }

  /** Removes the name from {@code owner} and publishes it; no notice (used for holders whose node is gone). */
  private Future<Boolean> free(String name, BotOwner owner) {
    return table.remove(name, owner).onSuccess(removed -> {
      if (removed) {
        LOG.debug("bot {} unregistered from {}", name, owner.address());
        publish(BotEvent.offline(name, owner));
      }
    });
  }

  /**
   * Tells a holder that lost {@code name} other than by its own release. Only a holder on a live member: one on a
   * node that left is gone with it, and a send to a dead member only fails to connect (a warning from Vert.x).
   */
  private void tellHolder(String name, BotOwner holder, String reason) {
    if (!cluster.isMember(holder.node())) return;
    WnetDelivery notice = new WnetDelivery.NameRemoved(holder.conn(), name, reason);
    vertx.eventBus().send(holder.address(), WnetDeliveryCodec.body(holder.address(), notice), WnetDeliveryCodec.options(holder.address()));
  }

  private void publish(BotEvent event) {
    vertx.eventBus().publish(Addresses.WNET_BOT_EVENTS, event.toJson());
  }

  private static BusFailure.BusFailureException notAMember(BotOwner owner) {
    return BusFailure.of(BusFailure.CONFLICT, "unknown-node",
      "the owner's node " + owner.node() + " is not a live member of the cluster").exception();
  }

  private static BusFailure.BusFailureException unknownBot(String text) {
    return BusFailure.of(BusFailure.NOT_FOUND, "unknown-bot", text).exception();
  }
}
