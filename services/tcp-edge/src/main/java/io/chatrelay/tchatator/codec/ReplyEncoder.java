package io.chatrelay.tchatator.codec;

import io.chatrelay.shared.bus.MessageView;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes a reply: {@code <code>/<TEXT>\n}, one {@code key:value\n} per field, then for lists {@code count:<n>\n}
 * and per message its fields, {@code content-length:<bytes>\n} and {@code content:<text>\n} (the length comes
 * first so a reader takes the content, which may hold line breaks or blank lines, by its byte count), and
 * finally one empty line. Field values never hold line breaks: any is replaced by a space.
 */
public final class ReplyEncoder {
  private ReplyEncoder() {
  }

  public static Buffer encode(TchatatorReply reply) {
    Buffer out = Buffer.buffer(reply.messages() == null ? 96 : 96 + reply.messages().size() * 256);
    out.appendString(reply.status().line()).appendByte((byte) '\n');
    for (TchatatorReply.Field f : reply.fields()) line(out, f.key(), f.value());
    if (reply.messages() != null) {
      line(out, "count", Integer.toString(reply.messages().size()));
      for (MessageView m : reply.messages()) message(out, m);
    }
    return out.appendByte((byte) '\n');
  }

  private static void message(Buffer out, MessageView m) {
    line(out, "message-id", Long.toString(m.id()));
    line(out, "sender-id", Long.toString(m.senderId()));
    line(out, "recipient-id", Long.toString(m.recipientId()));
    line(out, "direction", m.direction());
    line(out, "sent-at", Instant.ofEpochMilli(m.sentAt()).toString());
    line(out, "modified-at", m.modifiedAt() == null ? "" : Instant.ofEpochMilli(m.modifiedAt()).toString());
    line(out, "modified-text", m.modifiedText() == null ? "" : m.modifiedText());
    line(out, "read", Boolean.toString(m.read()));
    byte[] content = m.content().getBytes(StandardCharsets.UTF_8);
    line(out, "content-length", Integer.toString(content.length));
    out.appendString("content:").appendBytes(content).appendByte((byte) '\n');
  }

  private static void line(Buffer out, String key, String value) {
    out.appendString(key).appendByte((byte) ':').appendString(singleLine(value)).appendByte((byte) '\n');
  }

  private static String singleLine(String value) {
    return value.indexOf('\n') < 0 && value.indexOf('\r') < 0 ? value : value.replace('\r', ' ').replace('\n', ' ');
  }
}
