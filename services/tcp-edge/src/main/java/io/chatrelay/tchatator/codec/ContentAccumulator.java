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
 * A candidate end is final at once ({@link #isComplete()}) when no further line could match, or when the C client
 * evidently wrote it: it matches the characters (nothing can follow: every measure would pass the length); or the
 * UTF-8 bytes without breaks (only a character count could still grow to the length, and the byte count is the C
 * client's, so it wins); or the UTF-8 bytes with breaks, every line before the last holding exactly
 * {@value #C_CLIENT_WRAP} characters and the last fewer (the C client's wrapping, finished). Any other candidate may
 * be extended by a further line (a C client wrapping 80 + 80 + 1 bytes announced as 161 matches after 80 + break +
 * 80 already), so the decoder waits for the next line, a blank line, a command line or the quiet time.
 */
final class ContentAccumulator {
  /** The C client inserts a line break after every this many characters. */
  static final int C_CLIENT_WRAP = 80;

  private final long expected;
  private byte[] bytes = new byte[256];
  private int length;
  private int lines;
  private long chars;
  private long breakBytes;
  private int candidateLength = -1;
  private int candidateLines;
  private long lineChars;
  /** Whether every line before the current one held exactly {@link #C_CLIENT_WRAP} characters. */
  private boolean wrappedAsTheCClient = true;

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
      wrappedAsTheCClient &= lineChars == C_CLIENT_WRAP;
    }
    lineChars = 0;
    for (int i = offset; i < offset + count; i++) {
      if ((data[i] & 0xC0) != 0x80) lineChars++;
    }
    chars += lineChars;
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
    if (candidateLines != lines || candidateLength < 0) return false;
    long contentBytes = length - (lines - 1);
    boolean bytesWithBreaks = contentBytes + (lines - 1) == expected || contentBytes + breakBytes == expected;
    return chars == expected || contentBytes == expected
      || bytesWithBreaks && wrappedAsTheCClient && lineChars < C_CLIENT_WRAP;
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
