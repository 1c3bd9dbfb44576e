package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A block in force, the reply of {@link Addresses#MESSAGES_BLOCK}: the messages of {@code userId} to
 * {@code forUserId} (0: to everyone) are refused until {@code until} (epoch ms; {@code untilText} is the same
 * instant in ISO-8601). {@code setBy} is the account id of whoever set it (0: the settings-file administrator).
 */
public record BlockInfo(long userId, long forUserId, long setBy, long until) {
  public static final long EVERYONE = 0;

  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("forUserId", forUserId).put("setBy", setBy)
      .put("until", until).put("untilText", Instant.ofEpochMilli(until).toString());
  }

  public static BlockInfo fromJson(JsonObject j) {
    return new BlockInfo(Replies.requireLong(j, "userId"), Replies.requireLong(j, "forUserId"),
      Replies.requireLong(j, "setBy"), Replies.requireLong(j, "until"));
  }
}
