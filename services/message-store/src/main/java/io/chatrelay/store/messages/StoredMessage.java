package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.MessageView;

import io.vertx.sqlclient.Row;

/** A row of the {@code message} table. */
record StoredMessage(long id, long senderId, long recipientId, String content, long sentAt, Long modifiedAt,
                     boolean deleted, boolean read) {
  /** The columns {@link #from(Row)} reads, for SELECT lists. */
  static final String COLUMNS = "id, sender_id, recipient_id, content, sent_at, modified_at, deleted, read";

  static StoredMessage from(Row row) {
    return new StoredMessage(row.getLong("id"), row.getLong("sender_id"), row.getLong("recipient_id"),
      row.getString("content"), row.getLong("sent_at"), row.getLong("modified_at"),
      row.getBoolean("deleted"), row.getBoolean("read"));
  }

  /** The message as {@code viewerId} (its sender or its recipient) sees it at {@code now}. */
  MessageView viewFor(long viewerId, long now) {
    return new MessageView(id, senderId, recipientId, viewerId == senderId ? MessageView.SENT : MessageView.RECEIVED,
      content, sentAt, modifiedAt, modifiedAt == null ? null : ModifiedText.since(modifiedAt, now), read);
  }

  StoredMessage edited(String newContent, long at) {
    return new StoredMessage(id, senderId, recipientId, newContent, sentAt, at, deleted, read);
  }
}
