package io.chatrelay.tchatator.codec;

/** Bounds of what one peer may send: bytes per line (terminator excluded) and per request. */
public record DecoderLimits(int maxLineBytes, int maxRequestBytes) {
  public DecoderLimits {
    if (maxLineBytes < 64 || maxRequestBytes < maxLineBytes) {
      throw new IllegalArgumentException("need 64 <= max-line-bytes <= max-request-bytes, got "
        + maxLineBytes + " and " + maxRequestBytes);
    }
  }
}
