package io.chatrelay.tchatator.codec;

import io.chatrelay.tchatator.codec.Malformed.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns the bytes of one connection into requests (pure: no I/O). The framing rule, documented in
 * {@code docs/tchatator-protocol.md}:
 * <ul>
 *   <li>A request starts with a command name alone on a line; then one {@code key:value} line per parameter,
 *   in any order, {@code content} last.</li>
 *   <li>It ends at a blank line, at the end of {@code content}, at the next command line, as soon as every
 *   parameter the command accepts is present, or — when its required parameters are present and an optional
 *   one may still come — after a quiet time: the decoder then {@linkplain #awaitsQuietTime() says so}, and the
 *   session, which owns the clock, calls {@link #quietTimeElapsed()} if no byte came meanwhile. How the bytes
 *   are split into reads never changes the requests.</li>
 *   <li>Without {@code message-length}, {@code content} is one line. With it, see {@link ContentAccumulator}:
 *   the content ends at once when no further line could match the length; at a candidate end that a further
 *   line might still extend, it ends at a blank line, a command line, a line that makes a match impossible, or
 *   after the quiet time; it is rejected when it can no longer match.</li>
 * </ul>
 * After a request rejected before its end the decoder skips its remaining lines: up to the next command line, a
 * blank line or the {@linkplain #readEnded() end of the read}, so the peer can go on; a request rejected at its
 * end (a blank line) skips nothing.
 * Limits are read from the supplier at every feed, so new settings apply at once.
 */
public final class TchatatorDecoder {
  private enum State { IDLE, PARAMETERS, CONTENT, SKIPPING }

  private static final int MAX_ECHO = 20;

  private final Supplier<DecoderLimits> limits;
  private final Consumer<Decoded> out;
  private final LineReader lines = new LineReader();
  private final LineReader.Sink sink = new LineReader.Sink() {
    @Override
    public void line(byte[] bytes, int offset, int length, int breakLength) {
      onLine(bytes, offset, length, breakLength);
    }

    @Override
    public void lineTooLong() {
      onLineTooLong();
    }
  };
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final EnumMap<Parameter, Object> values = new EnumMap<>(Parameter.class);

  private DecoderLimits current;
  private State state = State.IDLE;
  private Command command;
  private long requestBytes;
  private ContentAccumulator content;
  private int lastBreakLength;

  public TchatatorDecoder(Supplier<DecoderLimits> limits, Consumer<Decoded> out) {
    this.limits = limits;
    this.out = out;
  }

  public void feed(byte[] data) {
    feed(data, 0, data.length);
  }

  public void feed(byte[] data, int offset, int length) {
    current = limits.get();
    lines.feed(data, offset, length, current.maxLineBytes(), sink);
  }

  /**
   * Says that the bytes of one read from the socket have all been fed. The rest of a rejected request comes in
   * the same read; what comes in a later one is judged as new: its sender may have read the 416 already and sent
   * its next block at once, which must get its own reply.
   */
  public void readEnded() {
    if (state == State.SKIPPING && !lines.hasPartialLine()) state = State.IDLE;
  }

  /**
   * Whether what is in hand ends if no byte comes for the quiet time: a request with its required parameters
   * whose optional ones may still come, or a content at a candidate end that a further line might extend. Never
   * while a line is unfinished. The session arms its timer when this holds
   * after a feed (and re-arms it at every feed).
   */
  public boolean awaitsQuietTime() {
    if (lines.hasPartialLine()) return false;
    return switch (state) {
      case IDLE, SKIPPING -> false;
      case PARAMETERS -> hasRequired();
      case CONTENT -> content.hasCandidate();
    };
  }

  /** Called by the session when no byte came for the quiet time since {@link #awaitsQuietTime()} held. */
  public void quietTimeElapsed() {
    if (!awaitsQuietTime()) return;
    if (state == State.PARAMETERS) finishRequest(State.IDLE);
    else finishContent();
  }

  /** Bytes the decoder holds now: an unfinished line and the content gathered so far (for tests of the limits). */
  int heldBytes() {
    return lines.partialLength() + (content == null ? 0 : content.length());
  }

  private void onLine(byte[] b, int off, int len, int breakLength) {
    switch (state) {
      case IDLE, SKIPPING -> idleLine(b, off, len, breakLength);
      case PARAMETERS -> parameterLine(b, off, len, breakLength);
      case CONTENT -> contentLine(b, off, len, breakLength);
    }
    lastBreakLength = breakLength;
  }

  private void onLineTooLong() {
    if (state != State.SKIPPING) fail(Reason.LINE_TOO_LONG, "line longer than " + current.maxLineBytes() + " bytes");
  }

  private void idleLine(byte[] b, int off, int len, int breakLength) {
    Command c = commandOf(b, off, len);
    if (c != null) {
      begin(c, len + breakLength);
    } else if (isBlank(b, off, len)) {
      state = State.IDLE;
    } else if (state == State.IDLE) {
      boolean looksLikeParameter = indexOfColon(b, off, len) >= 0;
      fail(looksLikeParameter ? Reason.MISSING_COMMAND : Reason.UNKNOWN_COMMAND,
        looksLikeParameter ? "a request must start with a command line" : "unknown command '" + printable(b, off, len) + "'");
    }
  }

  private void begin(Command c, int lineBytes) {
    command = c;
    values.clear();
    content = null;
    requestBytes = lineBytes;
    state = State.PARAMETERS;
    if (c.acceptedCount() == 0) finishRequest(State.IDLE);
  }

  private void parameterLine(byte[] b, int off, int len, int breakLength) {
    if (isBlank(b, off, len)) {
      // the blank line ends the request: if it is refused, the next lines are a new request, not its rest
      finishRequest(State.IDLE);
      return;
    }
    Command next = commandOf(b, off, len);
    if (next != null) {
      finishRequest(State.IDLE);
      begin(next, len + breakLength);
      return;
    }
    if (!withinRequestLimit(len + breakLength)) return;
    int colon = indexOfColon(b, off, len);
    if (colon < 0) {
      fail(Reason.BAD_LINE, "expected key:value");
      return;
    }
    String key = ascii(b, off, colon - off).trim();
    Parameter p = Parameter.byName(key);
    if (p == null || !command.accepts(p)) {
      fail(Reason.UNKNOWN_PARAMETER, command + " takes no parameter '" + printable(b, off, colon - off) + "'");
      return;
    }
    if (values.containsKey(p)) {
      fail(Reason.DUPLICATE_PARAMETER, "parameter '" + p.wire() + "' given twice");
      return;
    }
    int valueStart = colon + 1;
    int valueLength = off + len - valueStart;
    switch (p.kind()) {
      case ID -> storeNumber(p, b, valueStart, valueLength);
      case SECRET, TEXT -> storeText(p, b, valueStart, valueLength);
      case CONTENT -> startContent(b, valueStart, valueLength);
    }
    if (state == State.PARAMETERS && values.size() == command.acceptedCount()) finishRequest(State.IDLE);
  }

  private void storeNumber(Parameter p, byte[] b, int off, int len) {
    int start = off;
    int end = off + len;
    while (start < end && isSpace(b[start])) start++;
    while (end > start && isSpace(b[end - 1])) end--;
    long n = 0;
    boolean digits = end > start && end - start <= 18;
    for (int i = start; i < end && digits; i++) {
      digits = b[i] >= '0' && b[i] <= '9';
      n = n * 10 + (b[i] - '0');
    }
    if (!digits) {
      fail(Reason.BAD_NUMBER, p.wire() + " must be a whole number >= 0, got '" + printable(b, off, len) + "'");
      return;
    }
    if (p == Parameter.MESSAGE_LENGTH && n > current.maxRequestBytes()) {
      fail(Reason.REQUEST_TOO_LONG, "message-length " + n + " exceeds the request limit of " + current.maxRequestBytes() + " bytes");
      return;
    }
    values.put(p, n);
  }

  private void storeText(Parameter p, byte[] b, int off, int len) {
    String text = decode(b, off, len);
    if (text == null) return;
    text = text.trim();
    if (text.isEmpty()) {
      fail(Reason.EMPTY_PARAMETER, "parameter '" + p.wire() + "' is empty");
      return;
    }
    values.put(p, text);
  }

  private void startContent(byte[] b, int off, int len) {
    Long length = (Long) values.get(Parameter.MESSAGE_LENGTH);
    if (length == null) {
      String text = decode(b, off, len);
      if (text == null) return;
      values.put(Parameter.CONTENT, text);
      // lines after a one-line content cannot belong to this request
      finishRequest(State.SKIPPING);
      return;
    }
    content = new ContentAccumulator(length);
    state = State.CONTENT;
    addContentLine(b, off, len, 0);
  }

  private void contentLine(byte[] b, int off, int len, int breakLength) {
    if (content.hasCandidate() && (isBlank(b, off, len) || commandOf(b, off, len) != null)) {
      finishContent();
      idleLine(b, off, len, breakLength);
      return;
    }
    if (withinRequestLimit(len + breakLength)) addContentLine(b, off, len, lastBreakLength);
  }

  /** Counts a line of the current request; false (after reporting it) when the request gets too long. */
  private boolean withinRequestLimit(int lineBytes) {
    requestBytes += lineBytes;
    if (requestBytes <= current.maxRequestBytes()) return true;
    fail(Reason.REQUEST_TOO_LONG, "request longer than " + current.maxRequestBytes() + " bytes");
    return false;
  }

  private void addContentLine(byte[] b, int off, int len, int previousBreakLength) {
    if (content.add(b, off, len, previousBreakLength)) {
      if (content.isComplete()) finishContent();
      return;
    }
    if (content.hasCandidate()) {
      finishContent();
    } else {
      fail(Reason.LENGTH_MISMATCH, "content is longer than message-length " + values.get(Parameter.MESSAGE_LENGTH)
        + " counted in bytes or characters, with or without line breaks");
    }
  }

  private void finishContent() {
    String text = decode(content.bytes(), 0, content.candidateLength());
    if (text == null) return;
    boolean leftover = content.hasLinesAfterCandidate();
    Object length = values.get(Parameter.MESSAGE_LENGTH);
    Command current = command;
    values.put(Parameter.CONTENT, text);
    finishRequest(State.SKIPPING);
    if (leftover) {
      command = current;
      fail(Reason.UNEXPECTED_LINE, "lines after the end of content (message-length " + length + ")");
    }
  }

  /**
   * Hands out the request read so far, or refuses it if a required parameter is missing; {@code afterRefusal}
   * says whether the lines that follow a refusal are still this request's ({@code SKIPPING}) or a new one's.
   */
  private void finishRequest(State afterRefusal) {
    for (Parameter p : command.required()) {
      if (!values.containsKey(p)) {
        fail(Reason.MISSING_PARAMETER, command + " needs parameter '" + p.wire() + "'", afterRefusal);
        return;
      }
    }
    out.accept(TchatatorRequest.of(command, values));
    reset(State.IDLE);
  }

  /** Reports the request being read as malformed and skips the rest of it. */
  private void fail(String reason, String detail) {
    fail(reason, detail, State.SKIPPING);
  }

  private void fail(String reason, String detail, State next) {
    out.accept(new Malformed(reason, detail, command));
    reset(next);
  }

  private void reset(State next) {
    state = next;
    command = null;
    content = null;
    values.clear();
  }

  private boolean hasRequired() {
    return values.keySet().containsAll(command.required());
  }

  /** Null (after reporting the request malformed) if the bytes are not UTF-8. */
  private String decode(byte[] b, int off, int len) {
    if (isAscii(b, off, len)) return new String(b, off, len, StandardCharsets.ISO_8859_1);
    try {
      return utf8.decode(ByteBuffer.wrap(b, off, len)).toString();
    } catch (CharacterCodingException e) {
      fail(Reason.BAD_ENCODING, "text is not valid UTF-8");
      return null;
    }
  }

  private static boolean isAscii(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) if (b[i] < 0) return false;
    return true;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t';
  }

  private static Command commandOf(byte[] b, int off, int len) {
    while (len > 0 && isSpace(b[off + len - 1])) len--;
    if (len == 0 || len > Command.MAX_NAME_LENGTH) return null;
    for (int i = off; i < off + len; i++) {
      byte c = b[i];
      if (!(c >= 'A' && c <= 'Z' || c == '_')) return null;
    }
    return Command.byName(ascii(b, off, len));
  }

  private static boolean isBlank(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) if (!isSpace(b[i])) return false;
    return true;
  }

  private static int indexOfColon(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) if (b[i] == ':') return i;
    return -1;
  }

  private static String ascii(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }

  /**
   * A short piece of the peer's input for an error message, or only its size: a longer one could be an API key
   * sent in the wrong place, and error messages are logged and sent back.
   */
  private static String printable(byte[] b, int off, int len) {
    if (len > MAX_ECHO) return "(" + len + " bytes)";
    return new String(b, off, len, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
  }
}
