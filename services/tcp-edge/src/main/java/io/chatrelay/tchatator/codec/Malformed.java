package io.chatrelay.tchatator.codec;

/**
 * A request the decoder rejected. {@code reason} is a stable machine token (see {@link Reason}), {@code detail}
 * says what was wrong for people; {@code command} is the command being read, or null if none had started.
 */
public record Malformed(String reason, String detail, Command command) implements Decoded {
  /** The reasons the decoder gives. */
  public static final class Reason {
    public static final String UNKNOWN_COMMAND = "unknown-command";
    public static final String MISSING_COMMAND = "missing-command";
    public static final String BAD_LINE = "bad-line";
    public static final String UNKNOWN_PARAMETER = "unknown-parameter";
    public static final String DUPLICATE_PARAMETER = "duplicate-parameter";
    public static final String MISSING_PARAMETER = "missing-parameter";
    public static final String EMPTY_PARAMETER = "empty-parameter";
    public static final String BAD_NUMBER = "bad-number";
    public static final String BAD_ENCODING = "bad-encoding";
    public static final String LENGTH_MISMATCH = "length-mismatch";
    public static final String UNEXPECTED_LINE = "unexpected-line";
    public static final String LINE_TOO_LONG = "line-too-long";
    public static final String REQUEST_TOO_LONG = "request-too-long";

    private Reason() {
    }
  }
}
