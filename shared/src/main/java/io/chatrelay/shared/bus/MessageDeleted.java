package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonObject;

/**
 * Published on {@link Addresses#MESSAGES_DELETED} after a message was deleted, and the reply of
 * {@link Addresses#MESSAGES_DELETE}: {@code {id, senderId, recipientId, deletedAt}}.
 */
public record MessageDeleted(long id, long senderId, long recipientId, long deletedAt) {
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("senderId", senderId).put("recipientId", recipientId)
      .put("deletedAt", deletedAt);
  }

  public static MessageDeleted fromJson(JsonObject j) {
    return new MessageDeleted(Replies.requireLong(j, "id"), Replies.requireLong(j, "senderId"),
      Replies.requireLong(j, "recipientId"), Replies.requireLong(j, "deletedAt"));
  }
}
