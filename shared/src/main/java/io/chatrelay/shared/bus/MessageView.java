package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A Tchatator message as one participant sees it. {@code direction} is {@code "sent"} or {@code "received"} from
 * that participant's view; times are epoch milliseconds; {@code modifiedAt} and {@code modifiedText} (e.g.
 * {@code "modifié il y a 15 minutes"}) are null when the message was never edited.
 */
public record MessageView(long id, long senderId, long recipientId, String direction, String content, long sentAt,
                          Long modifiedAt, String modifiedText, boolean read) {
  public static final String SENT = "sent";
  public static final String RECEIVED = "received";

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("senderId", senderId).put("recipientId", recipientId)
      .put("direction", direction).put("content", content).put("sentAt", sentAt)
      .put("modifiedAt", modifiedAt).put("modifiedText", modifiedText).put("read", read);
  }

  public static MessageView fromJson(JsonObject j) {
    return new MessageView(Replies.requireLong(j, "id"), Replies.requireLong(j, "senderId"),
      Replies.requireLong(j, "recipientId"), Replies.requireString(j, "direction"), j.getString("content", ""),
      Replies.requireLong(j, "sentAt"), j.getLong("modifiedAt"), j.getString("modifiedText"),
      j.getBoolean("read", false));
  }

  public static JsonArray toJson(List<MessageView> messages) {
    JsonArray out = new JsonArray();
    messages.forEach(m -> out.add(m.toJson()));
    return out;
  }

  public static List<MessageView> listFromJson(JsonArray array) {
    List<MessageView> out = new ArrayList<>(array == null ? 0 : array.size());
    if (array != null) for (int i = 0; i < array.size(); i++) out.add(fromJson(array.getJsonObject(i)));
    return out;
  }
}
