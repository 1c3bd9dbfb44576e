package io.chatrelay.wnet;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide connection counts of the WS edge, shared by every server instance: all open TCP connections
 * ({@code wnet.max-connections}) and those of each client address ({@code wnet.max-connections-per-address}),
 * counted from the TCP connection, upgraded or not. A limit of 0 or less means none. Thread-safe.
 */
final class ConnectionLimits {
  private final int maxTotal;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();

  ConnectionLimits(int maxTotal, int maxPerAddress) {
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /** Counts one more connection; false (nothing counted) when {@code wnet.max-connections} are open. */
  boolean tryOpen() {
    while (true) {
      int now = open.get();
      if (maxTotal > 0 && now >= maxTotal) return false;
      if (open.compareAndSet(now, now + 1)) return true;
    }
  }

  void closed() {
    open.decrementAndGet();
  }

  int open() {
    return open.get();
  }

  /** Counts a connection of {@code address}; false (nothing counted) when it already has its maximum. */
  boolean tryOpen(String address) {
    boolean[] admitted = {false};
    byAddress.compute(address, (a, count) -> {
      int now = count == null ? 0 : count;
      if (maxPerAddress > 0 && now >= maxPerAddress) return count;
      admitted[0] = true;
      return now + 1;
    });
    return admitted[0];
  }

  void closed(String address) {
    byAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
  }
}
