package io.chatrelay.registry;

import io.chatrelay.shared.bus.WnetDeliveryCodec;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.BusGrant;
import io.chatrelay.shared.bus.BusKey;
import io.chatrelay.shared.bus.Replies;
import io.chatrelay.shared.cluster.ClusterView;
import io.chatrelay.shared.cluster.HazelcastClusterView;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.wnet.BotRegistration;
import io.chatrelay.shared.wnet.ClaimResult;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The wnet bot registry service: binds the {@code Addresses.WNET_*} request addresses to a {@link BotRegistry}.
 * Deploy one per node; instances share the cluster-wide name table and need no leader. Ready (its start future
 * completes) once its name index is loaded, names of departed nodes are freed and its consumers are registered.
 */
public final class BotRegistryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BotRegistryVerticle.class);

  private final ServiceContext ctx;
  private BotRegistry registry;
  private LivenessProbe probe;
  private BusKey key;
  private NameTable.Subscription watching;
  /** The cluster view cannot drop listeners: a stopped instance ignores membership changes. */
  private volatile boolean stopped;

  public BotRegistryVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    WnetDeliveryCodec.register(vertx);
    ClusterView cluster = ctx.cluster();
    NameTable table = nameTable(cluster);
    probe = new LivenessProbe(vertx, cluster, ctx.config());
    key = BusKey.of(vertx);
    registry = new BotRegistry(vertx, table, cluster, probe, ctx.clock(), ctx.meters());
    // Watch before the first snapshot, so no change falls between the two.
    return table.watch(change -> context.runOnContext(v -> {
        registry.onChange(change);
        ctx.meters().botNames().set(registry.nameCount());
      }))
      .compose(subscription -> {
        watching = subscription;
        cluster.onMemberRemoved(node -> context.runOnContext(v -> memberRemoved(node)));
        return registry.reconcile(Set.of()).onSuccess(r -> ctx.meters().botNames().set(registry.nameCount()));
      })
      .compose(v -> Future.all(List.of(
        bind(Addresses.WNET_REGISTER, this::register),
        bind(Addresses.WNET_TAKEOVER, this::takeover),
        bind(Addresses.WNET_UNREGISTER, this::unregister),
        bind(Addresses.WNET_LOOKUP, this::lookup),
        bind(Addresses.WNET_SEARCH, this::search),
        bind(Addresses.WNET_LIST, this::list),
        vertx.eventBus().<JsonObject>consumer(Addresses.WNET_KICK, Replies.handleMessage(this::kick)).completion())))
      .onSuccess(v -> LOG.info("bot registry ready on node {} ({})", cluster.nodeId(),
        cluster.clustered() ? "cluster-wide Hazelcast name table" : "local name table"))
      .recover(failure -> stop().transform(ignored -> Future.failedFuture(failure)));
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return watching == null ? Future.succeededFuture() : watching.cancel()
      .otherwise(t -> {
        LOG.debug("name table watch not cancelled: {}", t.getMessage());
        return null;
      });
  }

  private NameTable nameTable(ClusterView cluster) {
    if (!cluster.clustered()) return LocalNameTable.of(vertx);
    if (cluster instanceof HazelcastClusterView hz) return new HazelcastNameTable(vertx, hz.hazelcast());
    throw new IllegalStateException("clustered bot registry needs a Hazelcast cluster view, got " + cluster.getClass().getName());
  }

  private void memberRemoved(String node) {
    if (stopped) return;
    probe.membersLeft();
    LOG.info("node {} left the cluster: freeing its bot names", node);
    registry.reconcile(Set.of(node))
      .onFailure(t -> LOG.warn("could not free the bot names of departed node {}: {}", node, t.getMessage()));
  }

  /** Binds {@code handler}; {@link Replies#handle} checks that the body is a JSON object. */
  private Future<Void> bind(String address, BiFunction<Sender, JsonObject, Future<JsonObject>> handler) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address,
      Replies.handleMessage((msg, body) -> handler.apply(Sender.of(msg, key, ctx.cluster()), body)));
    return consumer.completion();
  }

  private Future<JsonObject> register(Sender sender, JsonObject body) {
    return registry.register(sender, BotNames.require(body), owner(body, "owner")).map(ClaimResult::toJson);
  }

  private Future<JsonObject> takeover(Sender sender, JsonObject body) {
    return registry.takeover(sender, BotNames.require(body), owner(body, "owner"), owner(body, "previous"))
      .map(ClaimResult::toJson);
  }

  private Future<JsonObject> unregister(Sender sender, JsonObject body) {
    return registry.unregister(sender, BotNames.require(body), owner(body, "owner"))
      .map(removed -> new JsonObject().put("removed", removed));
  }

  private Future<JsonObject> lookup(Sender sender, JsonObject body) {
    String name = Replies.requireString(body, "name");
    return registry.lookup(name).map(owner -> new JsonObject().put("name", name).put("owner", owner.toJson()));
  }

  private Future<JsonObject> search(Sender sender, JsonObject body) {
    Object prefix = body.getValue("prefix", "");
    if (!(prefix instanceof String p)) throw badRequest("field 'prefix' must be a string");
    return Future.succeededFuture(new JsonObject().put("names", new JsonArray(registry.search(p))));
  }

  private Future<JsonObject> list(Sender sender, JsonObject body) {
    Object prefix = body.getValue("prefix", "");
    if (!(prefix instanceof String p)) throw badRequest("field 'prefix' must be a string");
    return registry.list(p).map(bots -> {
      JsonArray out = new JsonArray();
      bots.forEach(b -> out.add(b.toJson()));
      return new JsonObject().put("bots", out);
    });
  }

  /** Administrators only: the request carries an admin grant (403 {@code unauthenticated} / {@code bad-grant}). */
  private Future<JsonObject> kick(Message<JsonObject> msg, JsonObject body) {
    BusGrant.require(key, msg, BusGrant.ADMIN);
    String name = Replies.requireString(body, "name");
    return registry.kick(name).map(BotRegistration::toJson);
  }

  private static BotOwner owner(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) throw badRequest("missing object field '" + field + "'");
    if (!(value instanceof JsonObject json)) throw badRequest("field '" + field + "' must be an object");
    return BotOwner.fromJson(json);
  }

  private static BusFailure.BusFailureException badRequest(String text) {
    return BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", text).exception();
  }
}
