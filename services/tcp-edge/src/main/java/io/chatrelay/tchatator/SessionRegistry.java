package io.chatrelay.tchatator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open sessions of one edge: how many per client address and in all (for the connection limits), which are
 * logged in as each account (to end them when the account's key is rotated or it is banned), and which have opted
 * into real-time delivery, by account id. Used from the edge verticle's event loop only.
 */
final class SessionRegistry {
  /** Why a connection was not admitted. */
  enum Refusal {
    /** {@code tchatator.max-connections-per-address} reached for its address */
    PER_ADDRESS_LIMIT("per-address-limit"),
    /** {@code tchatator.max-connections} reached on this edge */
    MAX_CONNECTIONS("max-connections");

    /** The {@code reason} tag of {@code chatrelay_connection_refusals_total}. */
    final String meterReason;

    Refusal(String meterReason) {
      this.meterReason = meterReason;
    }
  }

  /** Sessions by account id. */
  private static final class ByAccount {
    private final Map<Long, Set<TchatatorSession>> index = new HashMap<>();

    void add(long accountId, TchatatorSession session) {
      index.computeIfAbsent(accountId, id -> new LinkedHashSet<>()).add(session);
    }

    void remove(long accountId, TchatatorSession session) {
      Set<TchatatorSession> set = index.get(accountId);
      if (set != null && set.remove(session) && set.isEmpty()) index.remove(accountId);
    }

    /** A copy: ending or pushing to one may change the set. */
    List<TchatatorSession> of(long accountId) {
      Set<TchatatorSession> set = index.get(accountId);
      return set == null ? List.of() : new ArrayList<>(set);
    }
  }

  private final Set<TchatatorSession> sessions = new LinkedHashSet<>();
  private final Map<String, Integer> perAddress = new HashMap<>();
  private final ByAccount loggedIn = new ByAccount();
  private final ByAccount subscribers = new ByAccount();
  /** {@code chatrelay_connections{protocol="tchatator"}} (shared by every edge of the process). */
  private final AtomicLong open;

  SessionRegistry(AtomicLong open) {
    this.open = open;
  }

  /**
   * Counts a new connection from {@code address} unless {@code maxPerAddress} are open from there or
   * {@code maxInAll} on the edge (0: no limit); null when admitted. Every admitted connection must be
   * {@linkplain #remove removed} when it closes.
   */
  Refusal admit(String address, int maxPerAddress, int maxInAll) {
    if (maxInAll > 0 && open.get() >= maxInAll) return Refusal.MAX_CONNECTIONS;
    int fromThere = perAddress.getOrDefault(address, 0);
    if (maxPerAddress > 0 && fromThere >= maxPerAddress) return Refusal.PER_ADDRESS_LIMIT;
    perAddress.put(address, fromThere + 1);
    open.incrementAndGet();
    return null;
  }

  void add(TchatatorSession session) {
    sessions.add(session);
  }

  /** Forgets a closed session: its place in the counts, its login and its subscription. */
  void remove(TchatatorSession session, String address, Long account, boolean subscribed) {
    if (sessions.remove(session)) open.decrementAndGet();
    perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    if (account != null) {
      loggedIn.remove(account, session);
      if (subscribed) subscribers.remove(account, session);
    }
  }

  void loggedIn(long accountId, TchatatorSession session) {
    loggedIn.add(accountId, session);
  }

  void loggedOut(long accountId, TchatatorSession session) {
    loggedIn.remove(accountId, session);
  }

  /** The sessions logged in as {@code accountId}. */
  List<TchatatorSession> sessionsOf(long accountId) {
    return loggedIn.of(accountId);
  }

  void subscribe(long accountId, TchatatorSession session) {
    subscribers.add(accountId, session);
  }

  void unsubscribe(long accountId, TchatatorSession session) {
    subscribers.remove(accountId, session);
  }

  /** The sessions of {@code accountId} in real-time mode. */
  List<TchatatorSession> subscribers(long accountId) {
    return subscribers.of(accountId);
  }

  List<TchatatorSession> all() {
    return new ArrayList<>(sessions);
  }
}
