package io.chatrelay.shared.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Requests to the {@code chatrelay.admin.*} addresses, each carrying an admin {@link BusGrant} signed with this
 * process's {@link BusKey}. For the launcher's admin API and CLI (and tests); failures as sent
 * ({@link BusFailure#from}).
 */
public final class AdminRequests {
  private AdminRequests() {
  }

  public static Future<JsonObject> request(Vertx vertx, String address, JsonObject body, long timeoutMs) {
    DeliveryOptions options = BusKey.carrying(new DeliveryOptions().setSendTimeout(timeoutMs), BusKey.of(vertx).adminGrant());
    return vertx.eventBus().<JsonObject>request(address, body, options).map(Message::body);
  }

  /** {@code chatrelay.admin.accounts.create}: {@code {id, name, role, apiKey}}. {@code password} may be null. */
  public static Future<JsonObject> createAccount(Vertx vertx, String name, String role, String password) {
    JsonObject body = new JsonObject().put("name", name).put("role", role);
    if (password != null) body.put("password", password);
    return request(vertx, Addresses.ADMIN_ACCOUNTS_CREATE, body, DeliveryOptions.DEFAULT_TIMEOUT);
  }
}
