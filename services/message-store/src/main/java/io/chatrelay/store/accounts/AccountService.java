package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.BusGrant;
import io.chatrelay.shared.bus.BusKey;
import io.chatrelay.shared.bus.Replies;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.StoreRequests;
import io.chatrelay.store.db.Database;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code chatrelay.accounts.*} event-bus API over an {@link AccountStore}; shapes in {@link Addresses} and
 * docs/event-bus.md. Also listens to {@code chatrelay.accounts.events} (published by whichever store instance
 * made the change) to drop the verified logins of a rotated or banned account in this instance too.
 */
public final class AccountService {
  /** Longest {@code source} accepted (an IPv6 literal with zone and brackets is well under it). */
  static final int MAX_SOURCE_LENGTH = 100;

  private final AccountStore store;
  private final StoreRequests requests;
  private final Clock clock;
  private final BusKey key;

  public AccountService(Database db, ServiceContext ctx, StoreRequests requests) {
    this.store = new AccountStore(ctx.vertx(), db, ctx.config(), ctx.clock());
    this.requests = requests;
    this.clock = ctx.clock();
    this.key = BusKey.of(ctx.vertx());
  }

  /** Registers the handlers; the caller awaits each consumer's {@code completion()}. */
  public List<MessageConsumer<?>> register(EventBus bus) {
    return List.of(
      bus.consumer(Addresses.ADMIN_ACCOUNTS_CREATE, admin(this::create)),
      bus.consumer(Addresses.ADMIN_ACCOUNTS_LIST, admin(this::list)),
      bus.consumer(Addresses.ADMIN_ACCOUNTS_ROTATE_KEY, admin(this::rotateKey)),
      bus.consumer(Addresses.ACCOUNTS_AUTHENTICATE, requests.handle(this::authenticate)),
      bus.consumer(Addresses.ACCOUNTS_GET, requests.handle(this::get)),
      bus.<JsonObject>consumer(Addresses.ACCOUNTS_EVENTS, msg -> accountChanged(msg.body())));
  }

  /** Account administration: only for a request that carries an admin grant (the launcher's admin API and CLI). */
  private Handler<Message<JsonObject>> admin(Function<JsonObject, Future<JsonObject>> handler) {
    return requests.handleMessage((msg, body) -> {
      BusGrant.require(key, msg, BusGrant.ADMIN);
      return handler.apply(body);
    });
  }

  private void accountChanged(Object body) {
    if (!(body instanceof JsonObject json)) return;
    AccountEvent event;
    try {
      event = AccountEvent.fromJson(json);
    } catch (RuntimeException malformed) {
      return;     // not ours to answer: an event has no reply
    }
    if (AccountEvent.KEY_ROTATED.equals(event.event()) || AccountEvent.BANNED.equals(event.event())) {
      store.forgetVerified(event.id());
    }
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
      String username = Replies.requireString(request, "username");
      String password = Replies.requireString(request, "password");
      String source = optionalString(request, "source");
      if (source != null && source.length() > MAX_SOURCE_LENGTH) {
        throw badRequest("field 'source' must be at most " + MAX_SOURCE_LENGTH + " characters");
      }
      return store.authenticatePassword(username, password, source, deadline(request)).map(AccountInfo::toJson);
    }
    if ("token".equals(type)) {
      return store.authenticateKey(Replies.requireString(request, "apiKey")).map(AccountInfo::toJson);
    }
    throw badRequest("type must be 'password' or 'token'");
  }

  private Future<JsonObject> get(JsonObject request) {
    return store.get(Replies.requireLong(request, "id")).map(AccountInfo::toJson);
  }

  /**
   * When the caller stops waiting: now + {@code timeoutMs}, or the event bus's default timeout when it is absent
   * (what a caller that sets none waits).
   */
  private long deadline(JsonObject request) {
    if (request.getValue("timeoutMs") == null) return clock.millis() + DeliveryOptions.DEFAULT_TIMEOUT;
    long timeoutMs = Replies.requireLong(request, "timeoutMs");
    if (timeoutMs < 1) throw badRequest("field 'timeoutMs' must be at least 1");
    return clock.millis() + timeoutMs;
  }

  private static BusFailure.BusFailureException badRequest(String text) {
    return BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", text).exception();
  }

  /** A string field that may be absent (null); any other type is a 400 {@code bad-request}. */
  private static String optionalString(JsonObject request, String field) {
    Object value = request.getValue(field);
    if (value == null || value instanceof String) return (String) value;
    throw badRequest("field '" + field + "' must be a string");
  }
}
