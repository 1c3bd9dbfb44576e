package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The reply of {@link Addresses#MESSAGES_UNREAD} (oldest first, {@code hasOlder} always false) and
 * {@link Addresses#MESSAGES_HISTORY} (newest first; {@code hasOlder} says whether a block before the last message
 * exists): {@code {messages: [MessageView...], hasOlder}}.
 */
public record MessagePage(List<MessageView> messages, boolean hasOlder) {
  public JsonObject toJson() {
    return new JsonObject().put("messages", MessageView.toJson(messages)).put("hasOlder", hasOlder);
  }

  public static MessagePage fromJson(JsonObject j) {
    return new MessagePage(MessageView.listFromJson(j.getJsonArray("messages")), j.getBoolean("hasOlder", false));
  }
}
