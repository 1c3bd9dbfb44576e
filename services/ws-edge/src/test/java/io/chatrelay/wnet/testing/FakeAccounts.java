package io.chatrelay.wnet.testing;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in for the message store on {@code chatrelay.accounts.authenticate}, for the answers the real one gives
 * only under attack or load (429 login-throttled, 503 overloaded, 403 banned) and to see what the edge sends.
 * {@code answer} gets each request and returns the reply body, a {@link BusFailure}, a {@link Future} of either
 * (answered when it completes), or null for no answer at all.
 */
public final class FakeAccounts implements AutoCloseable {
  private final MessageConsumer<JsonObject> consumer;
  private final List<JsonObject> requests = new CopyOnWriteArrayList<>();

  private FakeAccounts(Vertx vertx, Function<JsonObject, Object> answer) {
    consumer = vertx.eventBus().consumer(Addresses.ACCOUNTS_AUTHENTICATE, msg -> {
      requests.add(msg.body());
      Object reply = answer.apply(msg.body());
      if (reply instanceof Future<?> later) {
        later.onSuccess(r -> reply(msg, r));
      } else {
        reply(msg, reply);
      }
    });
    Await.result(consumer.completion());
  }

  private static void reply(Message<JsonObject> msg, Object reply) {
    if (reply instanceof BusFailure failure) {
      failure.replyTo(msg);
    } else if (reply != null) {
      msg.reply(reply);
    }
  }

  public static FakeAccounts start(Vertx vertx, Function<JsonObject, Object> answer) {
    return new FakeAccounts(vertx, answer);
  }

  /** A verified account reply. */
  public static JsonObject account(long id, String name) {
    return new JsonObject().put("id", id).put("name", name).put("role", "member");
  }

  public List<JsonObject> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    Await.result(consumer.unregister());
  }
}
