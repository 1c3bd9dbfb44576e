package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The name table of a process that is not clustered: a {@link ConcurrentHashMap}, shared by every registry
 * instance of the same {@link Vertx}. Listeners are called inside the map's per-key lock, which keeps the
 * changes of one name in order.
 */
final class LocalNameTable implements NameTable, Shareable {
  private static final String SHARED_MAP = "chatrelay.wnet.registry";

  private final Map<String, Entry> names = new ConcurrentHashMap<>();
  private final List<Consumer<NameChange>> listeners = new CopyOnWriteArrayList<>();

  /** The table of {@code vertx}, created by the first registry instance that asks. */
  static LocalNameTable of(Vertx vertx) {
    return vertx.sharedData().<String, LocalNameTable>getLocalMap(SHARED_MAP).computeIfAbsent("names", k -> new LocalNameTable());
  }

  @Override
  public Future<BotOwner> putIfAbsent(String name, BotOwner owner, long registeredAt) {
    BotOwner[] holder = new BotOwner[1];
    names.compute(name, (k, current) -> {
      if (current != null) {
        holder[0] = current.owner();
        return current;
      }
      notifyListeners(name, true);
      return new Entry(owner, registeredAt);
    });
    return Future.succeededFuture(holder[0]);
  }

  @Override
  public Future<Entry> entry(String name) {
    return Future.succeededFuture(names.get(name));
  }

  @Override
  public Future<Boolean> remove(String name, BotOwner owner) {
    boolean[] removed = new boolean[1];
    names.computeIfPresent(name, (k, current) -> {
      if (!current.owner().equals(owner)) return current;
      removed[0] = true;
      notifyListeners(name, false);
      return null;
    });
    return Future.succeededFuture(removed[0]);
  }

  @Override
  public Future<Boolean> replace(String name, BotOwner expected, BotOwner owner, long registeredAt) {
    boolean[] replaced = new boolean[1];
    names.computeIfPresent(name, (k, current) -> {
      if (!current.owner().equals(expected)) return current;
      replaced[0] = true;
      return new Entry(owner, registeredAt);
    });
    return Future.succeededFuture(replaced[0]);
  }

  @Override
  public Future<Map<String, Entry>> snapshot() {
    return Future.succeededFuture(new HashMap<>(names));
  }

  @Override
  public Future<Subscription> watch(Consumer<NameChange> listener) {
    listeners.add(listener);
    return Future.succeededFuture(() -> {
      listeners.remove(listener);
      return Future.succeededFuture();
    });
  }

  private void notifyListeners(String name, boolean held) {
    NameChange change = new NameChange(name, held);
    listeners.forEach(l -> l.accept(change));
  }
}
