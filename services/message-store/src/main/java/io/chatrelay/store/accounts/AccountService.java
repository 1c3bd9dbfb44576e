package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Replies;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.db.Database;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The {@code chatrelay.accounts.*} event-bus API over an {@link AccountStore}; shapes in {@link Addresses} and
 * docs/event-bus.md.
 */
public final class AccountService {
  private final AccountStore store;

  public AccountService(Database db, ServiceContext ctx) {
    this.store = new AccountStore(ctx.vertx(), db, ctx.config(), ctx.clock());
  }

  /** Registers the handlers; the caller awaits each consumer's {@code completion()}. */
  public List<MessageConsumer<?>> register(EventBus bus) {
    return List.of(
      bus.consumer(Addresses.ACCOUNTS_CREATE, Replies.handle(this::create)),
      bus.consumer(Addresses.ACCOUNTS_LIST, Replies.handle(this::list)),
      bus.consumer(Addresses.ACCOUNTS_ROTATE_KEY, Replies.handle(this::rotateKey)),
      bus.consumer(Addresses.ACCOUNTS_AUTHENTICATE, Replies.handle(this::authenticate)),
      bus.consumer(Addresses.ACCOUNTS_GET, Replies.handle(this::get)));
  }

  private Future<JsonObject> create(JsonObject request) {
    String name = Replies.requireString(request, "name");
    Role role = Role.fromWire(optionalString(request, "role"));
    return store.create(name, role, optionalString(request, "password")).map(IssuedKey::toJson);
  }

  private Future<JsonObject> list(JsonObject request) {
    return store.list().map(accounts ->
      new JsonObject().put("accounts", new JsonArray(accounts.stream().map(Account::toJson).toList())));
  }

  private Future<JsonObject> rotateKey(JsonObject request) {
    return store.rotateKey(Replies.requireString(request, "name")).map(IssuedKey::toJson);
  }

  private Future<JsonObject> authenticate(JsonObject request) {
    String type = optionalString(request, "type");
    if ("password".equals(type)) {
      return store.authenticatePassword(Replies.requireString(request, "username"),
        Replies.requireString(request, "password")).map(AccountInfo::toJson);
    }
    if ("token".equals(type)) {
      return store.authenticateKey(Replies.requireString(request, "apiKey")).map(AccountInfo::toJson);
    }
    throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "type must be 'password' or 'token'").exception();
  }

  private Future<JsonObject> get(JsonObject request) {
    return store.get(Replies.requireLong(request, "id")).map(AccountInfo::toJson);
  }

  /** A string field that may be absent (null); any other type is a 400 {@code bad-request}. */
  private static String optionalString(JsonObject request, String field) {
    Object value = request.getValue(field);
    if (value == null || value instanceof String) return (String) value;
    throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "field '" + field + "' must be a string").exception();
  }
}
