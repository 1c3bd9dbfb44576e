package io.chatrelay.tchatator.codec;

/**
 * First line of every reply, {@code <code>/<TEXT>}. The original protocol's codes are 200, 401, 403, 416 and
 * 426; chatrelay adds 100 (real-time push), 404, 413, 500 and 503.
 */
public enum ReplyStatus {
  PUSH(100, "PUSH"),
  OK(200, "OK"),
  UNAUTH(401, "UNAUTH"),
  DENIED(403, "DENIED"),
  NOTFOUND(404, "NOTFOUND"),
  TOOLONG(413, "TOOLONG"),
  MISFMT(416, "MISFMT"),
  TOOMRQ(426, "TOOMRQ"),
  ERROR(500, "ERROR"),
  UNAVAIL(503, "UNAVAIL");

  private final int code;
  private final String text;

  ReplyStatus(int code, String text) {
    this.code = code;
    this.text = text;
  }

  public int code() {
    return code;
  }

  /** {@code 200/OK} */
  public String line() {
    return code + "/" + text;
  }
}
