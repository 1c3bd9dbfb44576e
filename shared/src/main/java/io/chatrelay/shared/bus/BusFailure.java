package io.chatrelay.shared.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A refused or failed request on the event bus. On the wire it is a {@link ReplyException} whose failure code
 * is {@link #code} (an HTTP-like number) and whose message is the JSON {@code {reason, text, ...details}}:
 * {@code reason} is a stable machine-readable token, {@code text} is for people.
 */
public record BusFailure(int code, String reason, String text, JsonObject details) {
  public static final int BAD_REQUEST = 400;
  public static final int UNAUTHENTICATED = 401;
  public static final int DENIED = 403;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int TOO_LONG = 413;
  public static final int RATE_LIMITED = 429;
  public static final int INTERNAL = 500;
  public static final int UNAVAILABLE = 503;

  public BusFailure {
    details = details == null ? new JsonObject() : details;
  }

  public static BusFailure of(int code, String reason, String text) {
    return new BusFailure(code, reason, text, new JsonObject());
  }

  public BusFailure with(String key, Object value) {
    return new BusFailure(code, reason, text, details.copy().put(key, value));
  }

  public JsonObject toJson() {
    return details.copy().put("reason", reason).put("text", text);
  }

  /** Replies to {@code message} with this failure. */
  public void replyTo(Message<?> message) {
    message.fail(code, toJson().encode());
  }

  /** As an exception, to fail a {@code Future}. */
  public BusFailureException exception() {
    return new BusFailureException(this);
  }

  /**
   * What a failed request means: a {@link BusFailure} sent by the service, or {@code 503 unavailable} when nobody
   * answered (no handler, timeout), or {@code 500 internal} for anything else.
   */
  public static BusFailure from(Throwable t) {
    if (t instanceof BusFailureException e) return e.failure();
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return of(UNAVAILABLE, "unavailable", "service not reachable: " + re.getMessage());
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return of(UNAVAILABLE, "timeout", "service did not answer in time");
      }
      try {
        JsonObject body = new JsonObject(re.getMessage() == null ? "{}" : re.getMessage());
        String reason = body.getString("reason", "failed");
        String text = body.getString("text", re.getMessage());
        body.remove("reason");
        body.remove("text");
        return new BusFailure(re.failureCode(), reason, text, body);
      } catch (DecodeException | ClassCastException notJson) {
        return of(re.failureCode(), "failed", String.valueOf(re.getMessage()));
      }
    }
    return of(INTERNAL, "internal", String.valueOf(t.getMessage()));
  }

  /** Carries a {@link BusFailure} through {@code Future} chains. */
  public static final class BusFailureException extends RuntimeException {
    private final transient BusFailure failure;

    public BusFailureException(BusFailure failure) {
      super(failure.code + " " + failure.reason + ": " + failure.text, null, false, false);
      this.failure = failure;
    }

    public BusFailure failure() {
      return failure;
    }
  }
}
