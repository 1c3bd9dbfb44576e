package io.chatrelay.shared.wnet;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.BusKey;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Typed calls to the wnet bot registry ({@code Addresses.WNET_*}). Every failure is a
 * {@link BusFailure.BusFailureException}: the registry's own (400 {@code bad-name}, 404 {@code unknown-bot}) or
 * 503 when no registry answers. Claims and releases are signed as this process's node, kicks as the administrator
 * (with this process's {@link BusKey}).
 */
public final class BotRegistryClient {
  /** A takeover may wait for the previous owner's whole isalive window; keep this above it. */
  private static final long TAKEOVER_TIMEOUT_MS = 30_000;

  private final Vertx vertx;

  public BotRegistryClient(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Claims a free name: {@code added}, or {@code occupied} with the current holder. */
  public Future<ClaimResult> register(String name, BotOwner owner) {
    return request(Addresses.WNET_REGISTER, claim(name, owner), asThisNode(new DeliveryOptions())).map(ClaimResult::fromJson);
  }

  /** Takes the name from {@code previous} if it is dead: {@code added}, {@code alive} or {@code occupied}. */
  public Future<ClaimResult> takeover(String name, BotOwner owner, BotOwner previous) {
    return request(Addresses.WNET_TAKEOVER, claim(name, owner).put("previous", previous.toJson()),
      asThisNode(new DeliveryOptions().setSendTimeout(TAKEOVER_TIMEOUT_MS))).map(ClaimResult::fromJson);
  }

  /** Releases the name if {@code owner} still holds it; true when it did. */
  public Future<Boolean> unregister(String name, BotOwner owner) {
    return request(Addresses.WNET_UNREGISTER, claim(name, owner), asThisNode(new DeliveryOptions()))
      .map(reply -> reply.getBoolean("removed", false));
  }

  /** The current holder of {@code name}; fails 404 {@code unknown-bot}. */
  public Future<BotOwner> lookup(String name) {
    return request(Addresses.WNET_LOOKUP, new JsonObject().put("name", name), new DeliveryOptions())
      .map(reply -> BotOwner.fromJson(reply.getJsonObject("owner")));
  }

  /** Registered names starting with {@code prefix} ("" for all), sorted. */
  public Future<List<String>> search(String prefix) {
    return request(Addresses.WNET_SEARCH, new JsonObject().put("prefix", prefix), new DeliveryOptions())
      .map(reply -> {
        JsonArray names = reply.getJsonArray("names");
        List<String> out = new ArrayList<>(names.size());
        for (Object n : names) out.add((String) n);
        return out;
      });
  }

  /** Every registration whose name starts with {@code prefix} ("" for all), read from the table now, sorted by name. */
  public Future<List<BotRegistration>> list(String prefix) {
    return request(Addresses.WNET_LIST, new JsonObject().put("prefix", prefix), new DeliveryOptions())
      .map(reply -> {
        JsonArray bots = reply.getJsonArray("bots");
        List<BotRegistration> out = new ArrayList<>(bots.size());
        for (int i = 0; i < bots.size(); i++) out.add(BotRegistration.fromJson(bots.getJsonObject(i)));
        return out;
      });
  }

  /** Frees {@code name} whoever holds it (administrators only); the registration removed, or 404 {@code unknown-bot}. */
  public Future<BotRegistration> kick(String name) {
    return request(Addresses.WNET_KICK, new JsonObject().put("name", name),
      BusKey.carrying(new DeliveryOptions(), BusKey.of(vertx).adminGrant()))
      .map(BotRegistration::fromJson);
  }

  /**
   * Claims and releases carry a node grant of this process ({@link BusKey#nodeGrant}): the registry lets a node act
   * only for owners on itself. Signed at each request (a grant lives one minute).
   */
  private DeliveryOptions asThisNode(DeliveryOptions options) {
    return BusKey.carrying(options, BusKey.of(vertx).nodeGrant());
  }

  private static JsonObject claim(String name, BotOwner owner) {
    return new JsonObject().put("name", name).put("owner", owner.toJson());
  }

  /**
   * Asks this process's registry instance when it runs one, else any instance in the cluster. A local instance
   * answers without a network hop, and it is never on a member that has just died: Vert.x does not fail a
   * request whose write to a dead member fails, so such a request would wait for its whole timeout.
   */
  private Future<JsonObject> request(String address, JsonObject body, DeliveryOptions options) {
    return vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions(options).setLocalOnly(true))
      .recover(t -> t instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
        ? vertx.eventBus().request(address, body, options)
        : Future.failedFuture(t))
      .map(Message::body)
      .recover(t -> Future.failedFuture(BusFailure.from(t).exception()));
  }
}
