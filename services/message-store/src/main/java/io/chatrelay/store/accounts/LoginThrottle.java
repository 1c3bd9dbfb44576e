package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountReasons;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.config.ChatrelayConfig;

import io.netty.util.NetUtil;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Failed password logins counted per source address and per account name, so that a guesser is refused at once
 * (429 {@code login-throttled}, no hash computed) instead of costing a PBKDF2 hash per attempt.
 * <p>
 * Each address (or account name) has a window of {@code accounts.login-throttle.window-seconds} that opens at its
 * first failure; once it holds {@code failures-per-address} (or {@code failures-per-account}) failures, every
 * uncached login from it is refused until the window closes ({@code retryAt}). 0 turns a limit off. Settings are
 * read live. Only failures count (a wrong password, an unknown account); successes, refusals and overloads do not.
 * <p>
 * Memory is bounded: at most {@code accounts.login-throttle.max-tracked} keys per scope; past that the oldest
 * window is forgotten. Flooding it with new addresses needs one failed hash per address, which the hashing queue
 * paces. IPv6 addresses are counted per /64 (what one subscriber usually holds), IPv4 per address.
 * Kept per store instance (in memory), so with several instances the effective limit is up to that many times
 * higher; what the limits guard is CPU, which is per instance too.
 */
final class LoginThrottle {
  enum Scope {
    ADDRESS("address", "accounts.login-throttle.failures-per-address"),
    ACCOUNT("account", "accounts.login-throttle.failures-per-account");

    final String wire;
    final String setting;

    Scope(String wire, String setting) {
      this.wire = wire;
      this.setting = setting;
    }
  }

  private static final HexFormat HEX = HexFormat.of();

  private final Failures addresses = new Failures();
  private final Failures accounts = new Failures();

  /** The refusal for a login from {@code address} (may be null) to {@code account} (may be null), or null. */
  BusFailure refusal(String address, String account, long now, ChatrelayConfig cfg) {
    long windowMs = windowMs(cfg);
    long addressUntil = address == null ? 0 : addresses.throttledUntil(address, now, cfg.getInt(Scope.ADDRESS.setting), windowMs);
    long accountUntil = account == null ? 0 : accounts.throttledUntil(account, now, cfg.getInt(Scope.ACCOUNT.setting), windowMs);
    if (addressUntil == 0 && accountUntil == 0) return null;
    // both throttled: the one that frees last is the answer
    Scope scope = addressUntil >= accountUntil ? Scope.ADDRESS : Scope.ACCOUNT;
    long retryAt = Math.max(addressUntil, accountUntil);
    String retryText = Instant.ofEpochMilli(retryAt).toString();
    return BusFailure.of(BusFailure.RATE_LIMITED, AccountReasons.LOGIN_THROTTLED,
        "too many failed logins from this " + scope.wire + "; try again at " + retryText)
      .with("retryAt", retryAt).with("retryAtText", retryText).with("scope", scope.wire);
  }

  void recordFailure(String address, String account, long now, ChatrelayConfig cfg) {
    long windowMs = windowMs(cfg);
    int maxTracked = Math.max(1, cfg.getInt("accounts.login-throttle.max-tracked"));
    if (address != null && cfg.getInt(Scope.ADDRESS.setting) > 0) addresses.fail(address, now, windowMs, maxTracked);
    if (account != null && cfg.getInt(Scope.ACCOUNT.setting) > 0) accounts.fail(account, now, windowMs, maxTracked);
  }

  /** Keys tracked in {@code scope} (for tests of the bound). */
  int tracked(Scope scope) {
    return (scope == Scope.ADDRESS ? addresses : accounts).size();
  }

  /**
   * The key an address is counted under: IPv4 as written, IPv6 by its first 64 bits (an IPv4-mapped IPv6
   * address as the IPv4 one), anything else (a host name) in lower case.
   */
  static String addressKey(String source) {
    if (source == null || source.isEmpty()) return null;
    String literal = source.startsWith("[") && source.endsWith("]") ? source.substring(1, source.length() - 1) : source;
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
    if (bytes == null) return source.toLowerCase(Locale.ROOT);
    if (bytes.length == 16 && isIpv4Mapped(bytes)) {
      return (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
    }
    if (bytes.length == 16) return HEX.formatHex(bytes, 0, 8) + "::/64";
    return NetUtil.bytesToIpAddress(bytes);
  }

  private static boolean isIpv4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }

  private static long windowMs(ChatrelayConfig cfg) {
    return Math.max(1, cfg.getLong("accounts.login-throttle.window-seconds")) * 1000L;
  }

  /** The failure windows of one scope, oldest window first. */
  private static final class Failures {
    private static final class Window {
      final long start;
      int failures;

      Window(long start) {
        this.start = start;
      }
    }

    // insertion order = order of the windows' starts (a reopened window is removed and put again)
    private final Map<String, Window> windows = new LinkedHashMap<>();

    /** When the key's window closes if it is full at {@code now}, else 0. */
    synchronized long throttledUntil(String key, long now, int limit, long windowMs) {
      if (limit <= 0) return 0;
      Window w = windows.get(key);
      if (w == null || now - w.start >= windowMs || w.failures < limit) return 0;
      return w.start + windowMs;
    }

    synchronized void fail(String key, long now, long windowMs, int maxTracked) {
      Window w = windows.get(key);
      if (w != null && now - w.start < windowMs) {
        w.failures++;
        return;
      }
      if (w != null) windows.remove(key);
      makeRoom(now, windowMs, maxTracked);
      Window opened = new Window(now);
      opened.failures = 1;
      windows.put(key, opened);
    }

    /** Forgets closed windows at the head, then the oldest open ones while the map is full. */
    private void makeRoom(long now, long windowMs, int maxTracked) {
      Iterator<Window> it = windows.values().iterator();
      while (it.hasNext()) {
        Window oldest = it.next();
        if (now - oldest.start < windowMs && windows.size() < maxTracked) break;
        it.remove();
      }
    }

    synchronized int size() {
      return windows.size();
    }
  }
}
