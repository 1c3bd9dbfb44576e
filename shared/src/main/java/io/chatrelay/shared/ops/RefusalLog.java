package io.chatrelay.shared.ops;

import org.slf4j.Logger;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs refused connections at INFO at most once per address per period (default one minute), with how many were
 * refused since the last line: an address hammering a limit gives one line a minute, not one per attempt.
 * Thread-safe; every edge event loop of a process may share one instance.
 */
public final class RefusalLog {
  /** Addresses remembered at most; past it the oldest periods are forgotten (a flood of addresses costs bounded memory). */
  private static final int MAX_ADDRESSES = 10_000;

  private final Logger log;
  private final String protocol;
  private final Clock clock;
  private final long periodMs;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  public RefusalLog(Logger log, String protocol, Clock clock) {
    this(log, protocol, clock, 60_000);
  }

  public RefusalLog(Logger log, String protocol, Clock clock, long periodMs) {
    this.log = log;
    this.protocol = protocol;
    this.clock = clock;
    this.periodMs = periodMs;
  }

  private static final class Window {
    final long startMs;
    int suppressed;

    Window(long startMs) {
      this.startMs = startMs;
    }
  }

  /** Records one refusal of {@code address} for {@code reason}; logs it unless this address was logged this period. */
  public void refused(String address, String reason) {
    long now = clock.millis();
    boolean[] logIt = {false};
    int[] suppressedBefore = {0};
    windows.compute(address, (a, w) -> {
      if (w == null || now - w.startMs >= periodMs) {
        logIt[0] = true;
        suppressedBefore[0] = w == null ? 0 : w.suppressed;
        return new Window(now);
      }
      w.suppressed++;
      return w;
    });
    if (logIt[0]) {
      if (suppressedBefore[0] > 0) {
        log.info("{} connection from {} refused ({}); {} more refused in the previous period", protocol, address, reason,
          suppressedBefore[0]);
      } else {
        log.info("{} connection from {} refused ({}); further refusals of this address are logged at most once a minute",
          protocol, address, reason);
      }
    }
    if (windows.size() > MAX_ADDRESSES) forgetExpired(now);
  }

  private void forgetExpired(long now) {
    for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
      if (now - it.next().startMs >= periodMs) it.remove();
    }
    if (windows.size() > MAX_ADDRESSES) windows.clear();
  }
}
