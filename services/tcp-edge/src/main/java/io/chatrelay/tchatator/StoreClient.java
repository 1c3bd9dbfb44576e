package io.chatrelay.tchatator;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.MessageRequest;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** The edge's calls to the message store over the event bus; failures stay as sent (read them with BusFailure.from). */
final class StoreClient {
  private final EventBus bus;

  StoreClient(EventBus bus) {
    this.bus = bus;
  }

  /** The account whose API key this is; fails 401 {@code bad-credentials} for an unknown key. */
  Future<AccountInfo> authenticate(String apiKey) {
    JsonObject request = new JsonObject().put("type", "token").put("apiKey", apiKey);
    return bus.<JsonObject>request(Addresses.ACCOUNTS_AUTHENTICATE, request).map(m -> AccountInfo.fromJson(m.body()));
  }

  Future<JsonObject> request(MessageRequest request) {
    return bus.<JsonObject>request(request.address(), request.toJson()).map(Message::body);
  }
}
