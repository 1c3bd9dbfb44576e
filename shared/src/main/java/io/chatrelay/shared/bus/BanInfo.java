package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A ban, the reply of {@link Addresses#MESSAGES_BAN}: {@code userId} may send nothing, without end, since
 * {@code bannedAt} (epoch ms; {@code bannedAtText} in ISO-8601), set by administrator {@code setBy}.
 */
public record BanInfo(long userId, long setBy, long bannedAt) {
  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("setBy", setBy).put("bannedAt", bannedAt)
      .put("bannedAtText", Instant.ofEpochMilli(bannedAt).toString());
  }

  public static BanInfo fromJson(JsonObject j) {
    return new BanInfo(Replies.requireLong(j, "userId"), Replies.requireLong(j, "setBy"),
      Replies.requireLong(j, "bannedAt"));
  }
}
