package io.chatrelay.shared.testing;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BusKey;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Requests as the trusted services send them, for tests: a body with an {@code actor} carries an actor grant for
 * it, any other an admin grant (both signed with the sending Vert.x's {@link BusKey}).
 */
public final class Granted {
  private Granted() {
  }

  public static DeliveryOptions options(Vertx vertx, Object body) {
    BusKey key = BusKey.of(vertx);
    if (body instanceof JsonObject json && json.getValue("actor") instanceof JsonObject actor) {
      try {
        return BusKey.carrying(new DeliveryOptions(), key.actorGrant(AccountInfo.fromJson(actor)));
      } catch (RuntimeException malformed) {
        return new DeliveryOptions();    // the store answers the malformed actor 400 before any grant is read
      }
    }
    return BusKey.carrying(new DeliveryOptions(), key.adminGrant());
  }

  public static Future<JsonObject> request(Vertx vertx, String address, Object body) {
    return vertx.eventBus().<JsonObject>request(address, body, options(vertx, body)).map(Message::body);
  }
}
