package io.chatrelay.tchatator.codec;

import java.util.Arrays;

/**
 * Cuts a byte stream into lines ended by {@code \n} or {@code \r\n}, never holding more than the line limit.
 * A line found whole in the fed bytes is handed out in place (no copy); only a line split across feeds is
 * gathered in an internal buffer. A line longer than the limit is reported once and skipped up to its end.
 */
final class LineReader {
  /** Receives lines without their terminator; {@code breakLength} is 1 for {@code \n}, 2 for {@code \r\n}. */
  interface Sink {
    void line(byte[] bytes, int offset, int length, int breakLength);

    void lineTooLong();
  }

  private byte[] partial = new byte[128];
  private int partialLength;
  private boolean skippingLongLine;

  /** Whether bytes of an unfinished line are in hand. */
  boolean hasPartialLine() {
    return partialLength > 0 || skippingLongLine;
  }

  int partialLength() {
    return partialLength;
  }

  void feed(byte[] data, int offset, int length, int maxLineBytes, Sink sink) {
    int end = offset + length;
    int start = offset;
    while (start < end) {
      int newline = indexOf(data, start, end);
      if (newline < 0) {
        keepPartial(data, start, end, maxLineBytes, sink);
        return;
      }
      if (skippingLongLine) {
        skippingLongLine = false;
      } else if (partialLength > 0) {
        int total = partialLength + (newline - start);
        if (total - (lastIsCr(data, start, newline) ? 1 : 0) > maxLineBytes) {
          sink.lineTooLong();
        } else {
          append(data, start, newline);
          emit(partial, 0, partialLength, sink);
        }
        partialLength = 0;
      } else if (newline - start - (newline > start && data[newline - 1] == '\r' ? 1 : 0) > maxLineBytes) {
        sink.lineTooLong();
      } else {
        emit(data, start, newline - start, sink);
      }
      start = newline + 1;
    }
  }

  private void keepPartial(byte[] data, int start, int end, int maxLineBytes, Sink sink) {
    if (skippingLongLine) return;
    // one byte of slack: a '\r' that will turn out to be part of the terminator
    if (partialLength + (end - start) > maxLineBytes + 1) {
      partialLength = 0;
      skippingLongLine = true;
      sink.lineTooLong();
      return;
    }
    append(data, start, end);
  }

  private boolean lastIsCr(byte[] data, int start, int newline) {
    return newline > start ? data[newline - 1] == '\r' : partial[partialLength - 1] == '\r';
  }

  private static void emit(byte[] bytes, int offset, int length, Sink sink) {
    if (length > 0 && bytes[offset + length - 1] == '\r') {
      sink.line(bytes, offset, length - 1, 2);
    } else {
      sink.line(bytes, offset, length, 1);
    }
  }

  private void append(byte[] data, int from, int to) {
    int needed = partialLength + (to - from);
    if (needed > partial.length) partial = Arrays.copyOf(partial, Math.max(needed, partial.length * 2));
    System.arraycopy(data, from, partial, partialLength, to - from);
    partialLength = needed;
  }

  private static int indexOf(byte[] data, int from, int to) {
    for (int i = from; i < to; i++) if (data[i] == '\n') return i;
    return -1;
  }
}
