package io.chatrelay.store.accounts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Password logins verified recently, so that a bot reconnecting with the same credentials costs one PBKDF2 hash
 * per {@code accounts.verified-cache-seconds}, not one per connection.
 * <p>
 * Keyed by HMAC-SHA256 of the login name and password under a random secret of this process: the password is
 * never kept, and the key cannot be checked against guesses by anyone who does not hold the secret (it never
 * leaves memory). An entry remembers what the account row held when the password was checked (its password hash
 * and API-key digest); a cached login still reads the row and counts only while both are unchanged, so a password
 * change or a key rotation by any process (another store instance, the {@code accounts} command, SQL) ends it at
 * once. Entries are also dropped on {@code chatrelay.accounts.events} ({@link #forget}). At most
 * {@code maxEntries}, least recently used first out.
 */
final class VerifiedCredentials {
  private static final String MAC = "HmacSHA256";
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

  /** What the row held when the password was checked, and when this entry expires (epoch ms). */
  record Entry(long accountId, String passwordHash, String apiKeyDigest, long expiresAt) {
    boolean stillMatches(long id, String currentPasswordHash, String currentApiKeyDigest) {
      return accountId == id && passwordHash.equals(currentPasswordHash) && apiKeyDigest.equals(currentApiKeyDigest);
    }
  }

  private final SecretKeySpec secret;
  private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

  VerifiedCredentials() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    secret = new SecretKeySpec(key, MAC);
  }

  /** The cache key of a login: {@code login} is the normalised login name (it never holds a newline). */
  String keyOf(String login, String password) {
    try {
      Mac mac = Mac.getInstance(MAC);
      mac.init(secret);
      return B64.encodeToString(mac.doFinal((login + "\n" + password).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(MAC + " is part of every JDK", e);
    }
  }

  /** The entry for {@code key} unless it has expired at {@code now}. */
  synchronized Entry get(String key, long now) {
    Entry e = entries.get(key);
    if (e != null && e.expiresAt() <= now) {
      entries.remove(key);
      return null;
    }
    return e;
  }

  synchronized void put(String key, Entry entry, int maxEntries) {
    entries.put(key, entry);
    var it = entries.values().iterator();
    while (entries.size() > Math.max(1, maxEntries) && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  synchronized void remove(String key) {
    entries.remove(key);
  }

  /** Drops every entry of the account (its key was rotated, it was banned). */
  synchronized void forget(long accountId) {
    entries.values().removeIf(e -> e.accountId() == accountId);
  }

  synchronized int size() {
    return entries.size();
  }
}
