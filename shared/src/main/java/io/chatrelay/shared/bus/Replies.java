package io.chatrelay.shared.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/** Glue between request handlers that return futures and event-bus replies. */
public final class Replies {
  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

  private Replies() {
  }

  /**
   * A consumer handler that runs {@code handler} and replies with its result; a {@link BusFailure} is sent as
   * such, any other exception as {@code 500 internal} (and logged, since it is our bug, not the caller's).
   */
  public static io.vertx.core.Handler<Message<JsonObject>> handle(Function<JsonObject, Future<JsonObject>> handler) {
    return msg -> {
      Future<JsonObject> result;
      try {
        JsonObject body = msg.body();
        if (body == null) throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "empty request").exception();
        result = handler.apply(body);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          Throwable t = ar.cause();
          BusFailure f = BusFailure.from(t);
          if (!(t instanceof BusFailure.BusFailureException) && f.code() == BusFailure.INTERNAL) {
            LOG.error("request to {} failed", msg.address(), t);
          }
          f.replyTo(msg);
        }
      });
    };
  }

  /** A required string field, or a 400 {@code bad-request} failure naming it. */
  public static String requireString(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "missing string field '" + field + "'").exception();
    }
    return s;
  }

  /** A required integer field, or a 400 {@code bad-request} failure naming it. */
  public static long requireLong(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "missing integer field '" + field + "'").exception();
    }
    return n.longValue();
  }
}
