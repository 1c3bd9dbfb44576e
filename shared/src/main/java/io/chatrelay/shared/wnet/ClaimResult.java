package io.chatrelay.shared.wnet;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Replies;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * The registry's answer to {@link Addresses#WNET_REGISTER} and {@link Addresses#WNET_TAKEOVER}:
 * {@code {result:"added"}}, {@code {result:"alive"}} or {@code {result:"occupied", owner}}.
 * {@code holder} is the current owner for {@link Outcome#OCCUPIED}, null otherwise.
 */
public record ClaimResult(Outcome outcome, BotOwner holder) {
  public enum Outcome {
    /** The name is now held by the requester (or already was). */
    ADDED,
    /** The name is held by someone else; {@code holder} says who. */
    OCCUPIED,
    /** Takeover only: the previous owner proved it is alive and keeps the name. */
    ALIVE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final ClaimResult ADDED_RESULT = new ClaimResult(Outcome.ADDED, null);
  private static final ClaimResult ALIVE_RESULT = new ClaimResult(Outcome.ALIVE, null);

  public static ClaimResult added() {
    return ADDED_RESULT;
  }

  public static ClaimResult alive() {
    return ALIVE_RESULT;
  }

  public static ClaimResult occupied(BotOwner holder) {
    return new ClaimResult(Outcome.OCCUPIED, holder);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("result", outcome.wire());
    return holder == null ? json : json.put("owner", holder.toJson());
  }

  public static ClaimResult fromJson(JsonObject json) {
    String result = Replies.requireString(json, "result");
    for (Outcome o : Outcome.values()) {
      if (o.wire().equals(result)) {
        return o == Outcome.OCCUPIED ? occupied(BotOwner.fromJson(json.getJsonObject("owner"))) : new ClaimResult(o, null);
      }
    }
    throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "unknown claim result '" + result + "'").exception();
  }
}
