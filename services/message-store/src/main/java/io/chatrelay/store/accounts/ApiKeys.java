package io.chatrelay.store.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * API keys: 32 random bytes written as 64 lower-case hex digits (what the Tchatator C client sends after
 * {@code api-token:}). Only their SHA-256 is stored: a key has 256 random bits, so a fast hash is as good as a
 * slow one and lets the database find the account by a unique index.
 */
final class ApiKeys {
  private static final int KEY_BYTES = 32;
  private static final Pattern WELL_FORMED = Pattern.compile("[0-9a-f]{" + (KEY_BYTES * 2) + "}");
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {
  }

  static String generate() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return HEX.formatHex(key);
  }

  /** The presented key in the form keys are issued in (case is forgiven), or null if it cannot be a key. */
  static String normalize(String presented) {
    if (presented == null || presented.length() != KEY_BYTES * 2) return null;
    String lower = presented.toLowerCase(Locale.ROOT);
    return WELL_FORMED.matcher(lower).matches() ? lower : null;
  }

  /** What the database stores for {@code key}: SHA-256 of its hex text, in lower-case hex. */
  static String digest(String key) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
