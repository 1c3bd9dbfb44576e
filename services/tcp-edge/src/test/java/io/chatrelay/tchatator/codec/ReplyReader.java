package io.chatrelay.tchatator.codec;

import io.chatrelay.shared.bus.MessageView;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's reading of replies, for tests and the benchmark: gathers bytes and cuts them into replies, taking
 * each listed message's content by its {@code content-length}, as the protocol document tells clients to.
 */
public final class ReplyReader {
  private Buffer pending = Buffer.buffer();

  /** Adds received bytes; returns the replies they complete. */
  public List<TchatatorReply> feed(Buffer bytes) {
    pending.appendBuffer(bytes);
    List<TchatatorReply> out = new ArrayList<>();
    int consumed;
    while ((consumed = tryParse(out)) > 0) pending = pending.getBuffer(consumed, pending.length());
    return out;
  }

  /** Bytes of the reply at the start of {@code pending}, added to {@code out}, or 0 if it is not complete. */
  private int tryParse(List<TchatatorReply> out) {
    Cursor c = new Cursor(pending);
    String statusLine = c.line();
    if (statusLine == null) return 0;
    int slash = statusLine.indexOf('/');
    ReplyStatus status = statusOf(Integer.parseInt(statusLine.substring(0, slash)));
    List<TchatatorReply.Field> fields = new ArrayList<>();
    List<MessageView> messages = null;
    while (true) {
      String line = c.line();
      if (line == null) return 0;
      if (line.isEmpty()) break;
      int colon = line.indexOf(':');
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1);
      if (key.equals("count")) {
        messages = new ArrayList<>();
        for (int i = Integer.parseInt(value); i > 0; i--) {
          MessageView m = message(c);
          if (m == null) return 0;
          messages.add(m);
        }
      } else {
        fields.add(new TchatatorReply.Field(key, value));
      }
    }
    out.add(new TchatatorReply(status, fields, messages));
    return c.at;
  }

  private static MessageView message(Cursor c) {
    String[] v = new String[8];
    String[] keys = {"message-id", "sender-id", "recipient-id", "direction", "sent-at", "modified-at", "modified-text", "read"};
    for (int i = 0; i < keys.length; i++) {
      String line = c.line();
      if (line == null) return null;
      if (!line.startsWith(keys[i] + ":")) throw new IllegalStateException("expected " + keys[i] + ", got " + line);
      v[i] = line.substring(keys[i].length() + 1);
    }
    String lengthLine = c.line();
    if (lengthLine == null) return null;
    int length = Integer.parseInt(lengthLine.substring("content-length:".length()));
    int start = c.at + "content:".length();
    if (pendingLength(c) < start + length + 1) return null;
    String content = c.bytes.getString(start, start + length, StandardCharsets.UTF_8.name());
    if (c.bytes.getByte(start + length) != '\n') throw new IllegalStateException("content not followed by a line end");
    c.at = start + length + 1;
    return new MessageView(Long.parseLong(v[0]), Long.parseLong(v[1]), Long.parseLong(v[2]), v[3], content,
      Instant.parse(v[4]).toEpochMilli(), v[5].isEmpty() ? null : Instant.parse(v[5]).toEpochMilli(),
      v[6].isEmpty() ? null : v[6], Boolean.parseBoolean(v[7]));
  }

  private static int pendingLength(Cursor c) {
    return c.bytes.length();
  }

  private static ReplyStatus statusOf(int code) {
    for (ReplyStatus s : ReplyStatus.values()) if (s.code() == code) return s;
    throw new IllegalStateException("unknown status " + code);
  }

  private static final class Cursor {
    final Buffer bytes;
    int at;

    Cursor(Buffer bytes) {
      this.bytes = bytes;
    }

    /** The next line without its '\n', or null if it is not complete yet. */
    String line() {
      for (int i = at; i < bytes.length(); i++) {
        if (bytes.getByte(i) == '\n') {
          String s = bytes.getString(at, i, StandardCharsets.UTF_8.name());
          at = i + 1;
          return s;
        }
      }
      return null;
    }
  }
}
