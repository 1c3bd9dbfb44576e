package io.chatrelay.tchatator.codec;

/**
 * Bounds of what one peer may send: bytes per line (terminator excluded) and per request. Settings that make no
 * sense are raised rather than refused, since they may come from a live reload: a line holds at least 64 bytes,
 * a request at least one line.
 */
public record DecoderLimits(int maxLineBytes, int maxRequestBytes) {
  public DecoderLimits {
    maxLineBytes = Math.max(64, maxLineBytes);
    maxRequestBytes = Math.max(maxLineBytes, maxRequestBytes);
  }
}
