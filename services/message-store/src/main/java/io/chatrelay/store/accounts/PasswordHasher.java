package io.chatrelay.store.accounts;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes in the form {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}
 * (16-byte random salt, 32-byte hash). Each stored hash carries its own iteration count, so raising the
 * setting never locks anyone out. Every method that derives a key is slow on purpose: call it on a worker thread.
 */
final class PasswordHasher {
  static final String SCHEME = "pbkdf2-sha256";
  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

  private final SecureRandom random = new SecureRandom();

  /** A new stored form of {@code password} with a fresh salt. Blocking. */
  String hash(String password, int iterations) {
    if (iterations < 1) throw new IllegalStateException("accounts.password-iterations must be at least 1, not " + iterations);
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = derive(password, salt, iterations, HASH_BYTES);
    return SCHEME + "$" + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  /** Whether {@code password} matches {@code stored}; false for a stored form this class cannot read. Blocking. */
  boolean verify(String password, String stored) {
    Parsed p = parse(stored);
    if (p == null) return false;
    return MessageDigest.isEqual(p.hash, derive(password, p.salt, p.iterations, p.hash.length));
  }

  /** The iteration count of a stored hash, or -1 if it cannot be read. */
  static int iterations(String stored) {
    Parsed p = parse(stored);
    return p == null ? -1 : p.iterations;
  }

  private record Parsed(int iterations, byte[] salt, byte[] hash) {
  }

  private static Parsed parse(String stored) {
    if (stored == null) return null;
    String[] parts = stored.split("\\$", -1);
    if (parts.length != 4 || !parts[0].equals(SCHEME)) return null;
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = B64_DECODER.decode(parts[2]);
      byte[] hash = B64_DECODER.decode(parts[3]);
      if (iterations < 1 || salt.length == 0 || hash.length == 0) return null;
      return new Parsed(iterations, salt, hash);
    } catch (IllegalArgumentException malformed) {   // NumberFormatException is one
      return null;
    }
  }

  private static byte[] derive(String password, byte[] salt, int iterations, int bytes) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
    } finally {
      spec.clearPassword();
    }
  }
}
