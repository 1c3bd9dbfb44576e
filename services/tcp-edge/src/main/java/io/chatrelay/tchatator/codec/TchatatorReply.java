package io.chatrelay.tchatator.codec;

import io.chatrelay.shared.bus.MessageView;

import java.util.ArrayList;
import java.util.List;

/**
 * One reply (or real-time push): its status, its {@code key:value} fields in order (the first is always
 * {@code message}, the original protocol's French text) and, for a reply that lists messages, the list
 * (possibly empty); {@code messages} is null for a reply that lists nothing.
 */
public record TchatatorReply(ReplyStatus status, List<Field> fields, List<MessageView> messages) {
  /** One {@code key:value} line. */
  public record Field(String key, String value) {
  }

  public TchatatorReply {
    fields = List.copyOf(fields);
    messages = messages == null ? null : List.copyOf(messages);
  }

  public static TchatatorReply of(ReplyStatus status, String message) {
    return new TchatatorReply(status, List.of(new Field("message", message)), null);
  }

  /** A refusal: every non-200 reply says why with a machine token. */
  public static TchatatorReply failure(ReplyStatus status, String message, String reason) {
    return of(status, message).with("reason", reason);
  }

  public TchatatorReply with(String key, Object value) {
    List<Field> more = new ArrayList<>(fields);
    more.add(new Field(key, String.valueOf(value)));
    return new TchatatorReply(status, more, messages);
  }

  public TchatatorReply withMessages(List<MessageView> list) {
    return new TchatatorReply(status, fields, list);
  }

  /** The value of the first field named {@code key}, or null. */
  public String field(String key) {
    for (Field f : fields) if (f.key.equals(key)) return f.value;
    return null;
  }
}
