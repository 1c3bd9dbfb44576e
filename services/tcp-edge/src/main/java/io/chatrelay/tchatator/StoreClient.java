package io.chatrelay.tchatator;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusKey;
import io.chatrelay.shared.bus.MessageRequest;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.function.Supplier;

/**
 * The edge's calls to the message store over the event bus; failures stay as sent (read them with BusFailure.from).
 * Every request waits at most {@code tchatator.store-timeout-ms} (read at each request), then fails as a timeout
 * (503 {@code timeout}): a client never waits the event bus's 30 s default for a store that is gone.
 */
final class StoreClient {
  private final EventBus bus;
  private final Supplier<TchatatorSettings> settings;
  private final BusKey key;

  StoreClient(EventBus bus, BusKey key, Supplier<TchatatorSettings> settings) {
    this.bus = bus;
    this.key = key;
    this.settings = settings;
  }

  /** The account whose API key this is; fails 401 {@code bad-credentials} for an unknown key. */
  Future<AccountInfo> authenticate(String apiKey) {
    JsonObject request = new JsonObject().put("type", "token").put("apiKey", apiKey);
    return bus.<JsonObject>request(Addresses.ACCOUNTS_AUTHENTICATE, request, options()).map(m -> AccountInfo.fromJson(m.body()));
  }

  /**
   * Sends {@code request} with an actor grant for its actor, signed here: the edge vouches for the account its
   * session authenticated (or for the settings-file administrator it checked itself). Signed at each request, so
   * a grant never outlives its minute however long the session lasts.
   */
  Future<JsonObject> request(MessageRequest request) {
    DeliveryOptions options = BusKey.carrying(options(), key.actorGrant(request.actor()));
    return bus.<JsonObject>request(request.address(), request.toJson(), options).map(Message::body);
  }

  private DeliveryOptions options() {
    return new DeliveryOptions().setSendTimeout(settings.get().storeTimeoutMs());
  }
}
