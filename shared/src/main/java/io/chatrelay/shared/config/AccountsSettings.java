package io.chatrelay.shared.config;

/** {@code accounts.*}: password hashing and the login defences (live, except hash-threads). */
public record AccountsSettings(int passwordIterations, int hashThreads, int hashQueueSize, long verifiedCacheSeconds,
                               int verifiedCacheMaxEntries, LoginThrottle loginThrottle) {
  /** {@code accounts.login-throttle.*}; a failure count of 0: no limit. */
  public record LoginThrottle(int failuresPerAddress, int failuresPerAccount, long windowSeconds, int maxTracked) {
  }

  /** The hashing threads: {@code hash-threads}, or with 0 one fewer than the cores (at least 1). */
  public int effectiveHashThreads() {
    return hashThreads > 0 ? hashThreads : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  }
}
