package io.chatrelay.wnet;

import java.security.SecureRandom;
import java.util.Base64;

/** Connection ids ({@code sid}s): 128 random bits, base64url without padding (22 characters), unguessable. */
final class ConnectionIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private ConnectionIds() {
  }

  static String next() {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    return ENCODER.encodeToString(bits);
  }
}
