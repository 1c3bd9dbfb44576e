package io.chatrelay.tchatator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open sessions of one edge: how many per client address (for the per-address limit) and which ones have
 * opted into real-time delivery, by account id. Used from the edge verticle's event loop only.
 */
final class SessionRegistry {
  private final Set<TchatatorSession> sessions = new LinkedHashSet<>();
  private final Map<String, Integer> perAddress = new HashMap<>();
  private final Map<Long, Set<TchatatorSession>> subscribers = new HashMap<>();
  /** {@code chatrelay_connections{protocol="tchatator"}} (shared by every edge of the process). */
  private final AtomicLong open;

  SessionRegistry(AtomicLong open) {
    this.open = open;
  }

  /** Counts a new connection from {@code address}, unless {@code max} are already open from there. */
  boolean admit(String address, int max) {
    int open = perAddress.getOrDefault(address, 0);
    if (open >= max) return false;
    perAddress.put(address, open + 1);
    return true;
  }

  void add(TchatatorSession session) {
    if (sessions.add(session)) open.incrementAndGet();
  }

  /** Forgets a closed session: its address count and subscription. */
  void remove(TchatatorSession session, String address, Long subscribedAccount) {
    if (sessions.remove(session)) open.decrementAndGet();
    perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    if (subscribedAccount != null) unsubscribe(subscribedAccount, session);
  }

  void subscribe(long accountId, TchatatorSession session) {
    subscribers.computeIfAbsent(accountId, id -> new LinkedHashSet<>()).add(session);
  }

  void unsubscribe(long accountId, TchatatorSession session) {
    Set<TchatatorSession> set = subscribers.get(accountId);
    if (set != null && set.remove(session) && set.isEmpty()) subscribers.remove(accountId);
  }

  /** The sessions of {@code accountId} in real-time mode (a copy: pushing may close one). */
  List<TchatatorSession> subscribers(long accountId) {
    Set<TchatatorSession> set = subscribers.get(accountId);
    return set == null ? List.of() : new ArrayList<>(set);
  }

  List<TchatatorSession> all() {
    return new ArrayList<>(sessions);
  }
}
