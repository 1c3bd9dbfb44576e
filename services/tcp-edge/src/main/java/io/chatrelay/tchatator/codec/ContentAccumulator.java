package io.chatrelay.tchatator.codec;

import java.util.Arrays;

/**
 * Gathers the lines of a {@code content} announced by {@code message-length} and finds where it may end.
 * Clients disagree on what the length counts: UTF-8 bytes (the C client) or characters (the document's
 * example), with or without the line breaks inside the content (the C client wraps long text). So after each
 * line the content is measured all those ways; a line end where one measure equals the announced length is a
 * <em>candidate</em> end. Once even the smallest measure (characters, breaks not counted) exceeds the length,
 * no later line end can match. Inner line breaks are kept as {@code \n}.
 * <p>
 * A candidate end is final at once ({@link #isComplete()}) when it matches the characters or the UTF-8 bytes
 * without line breaks: by characters nothing can follow (every measure would pass the length); by bytes, only a
 * character count could still grow to the length, and the byte count is the C client's, so it wins. A candidate
 * that matches only a measure counting line breaks may be extended by a further line (a C client wrapping 80 + 80
 * + 1 bytes announced as 161 matches after 80 + break + 80 already), so the decoder waits for the next line, a
 * blank line, a command line or the quiet time.
 */
final class ContentAccumulator {
  private final long expected;
  private byte[] bytes = new byte[256];
  private int length;
  private int lines;
  private long chars;
  private long breakBytes;
  private int candidateLength = -1;
  private int candidateLines;

  ContentAccumulator(long expected) {
    this.expected = expected;
  }

  /**
   * Adds one line; {@code previousBreakLength} is the terminator length of the line before it (it becomes an
   * inner break), ignored for the first line. Returns false when the content can no longer match.
   */
  boolean add(byte[] data, int offset, int count, int previousBreakLength) {
    if (lines > 0) {
      breakBytes += previousBreakLength;
      append((byte) '\n');
    }
    for (int i = offset; i < offset + count; i++) {
      if ((data[i] & 0xC0) != 0x80) chars++;
    }
    ensure(length + count);
    System.arraycopy(data, offset, bytes, length, count);
    length += count;
    lines++;
    if (matches()) {
      candidateLength = length;
      candidateLines = lines;
    }
    return chars <= expected;
  }

  private boolean matches() {
    long contentBytes = length - (lines - 1); // the '\n' kept for each inner break
    long breaks = lines - 1;
    return contentBytes == expected || chars == expected
      || contentBytes + breaks == expected || chars + breaks == expected
      || contentBytes + breakBytes == expected || chars + breakBytes == expected;
  }

  /** Whether the latest line end is a candidate that no further line could replace (see the class comment). */
  boolean isComplete() {
    return candidateLines == lines && candidateLength >= 0 && (chars == expected || length - (lines - 1) == expected);
  }

  boolean hasCandidate() {
    return candidateLength >= 0;
  }

  /** Whether lines were added after the latest candidate end (they cannot belong to the content). */
  boolean hasLinesAfterCandidate() {
    return lines > candidateLines;
  }

  /** Bytes gathered, inner breaks included. */
  int length() {
    return length;
  }

  byte[] bytes() {
    return bytes;
  }

  /** Bytes of the content up to the latest candidate end. */
  int candidateLength() {
    return candidateLength;
  }

  private void append(byte b) {
    ensure(length + 1);
    bytes[length++] = b;
  }

  private void ensure(int needed) {
    if (needed > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
  }
}
