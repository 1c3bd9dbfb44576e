package io.chatrelay.shared.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiFunction;
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
    return handleMessage((msg, body) -> handler.apply(body));
  }

  /** As {@link #handle(Function)}, for a handler that also reads the request itself (its headers: grants). */
  public static io.vertx.core.Handler<Message<JsonObject>> handleMessage(
    BiFunction<Message<JsonObject>, JsonObject, Future<JsonObject>> handler) {
    return msg -> {
      Future<JsonObject> result;
      try {
        // The consumer is typed JsonObject, but any caller may send any body: check it rather than cast it.
        Object body = ((Message<?>) msg).body();
        if (body == null) throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "empty request").exception();
        if (!(body instanceof JsonObject json)) {
          throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "the request body must be a JSON object").exception();
        }
        result = handler.apply(msg, json);
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
    if (v == null) throw badRequest("missing string field '" + field + "'");
    if (!(v instanceof String s)) throw badRequest("field '" + field + "' must be a string");
    if (s.isEmpty()) throw badRequest("field '" + field + "' must not be empty");
    return s;
  }

  /** A required integer field, or a 400 {@code bad-request} failure naming it. */
  public static long requireLong(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) throw badRequest("missing integer field '" + field + "'");
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw badRequest("field '" + field + "' must be a whole number");
    }
    return n.longValue();
  }

  private static BusFailure.BusFailureException badRequest(String text) {
    return BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", text).exception();
  }
}
