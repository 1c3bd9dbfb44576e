package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The cluster-wide name table: a Hazelcast {@link IMap} of name -> {@link Entry#encode()} (the owner and when it got
 * the name). Conditional writes ({@code putIfAbsent}, {@code remove(k, v)}, {@code replace(k, old, new)}) are
 * single partition operations, so exactly one of several racing writers wins. Since the stored value holds the
 * time too, {@code remove} and {@code replace} read the entry first and write on condition that it is still that
 * value (compare-and-set; repeated if another writer changed it in between). Hazelcast offers these only as
 * blocking calls: they run on worker threads, unordered (Vert.x's {@code AsyncMap.replaceIfPresent} would do the
 * same but throws on Hazelcast).
 */
final class HazelcastNameTable implements NameTable {
  static final String MAP_NAME = "chatrelay.wnet.bots";

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;

  HazelcastNameTable(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
  }

  /** Looked up per operation (Hazelcast caches the proxy): on a stopped member the lookup itself throws. */
  private IMap<String, String> map() {
    return hazelcast.getMap(MAP_NAME);
  }

  @Override
  public Future<BotOwner> putIfAbsent(String name, BotOwner owner, long registeredAt) {
    String encoded = new Entry(owner, registeredAt).encode();
    return guard(() -> vertx.executeBlocking(() -> Entry.ownerOf(map().putIfAbsent(name, encoded)), false));
  }

  @Override
  public Future<Entry> entry(String name) {
    return guard(() -> Future.fromCompletionStage(map().getAsync(name), vertx.getOrCreateContext())
      .map(encoded -> encoded == null ? null : Entry.decode(encoded)));
  }

  @Override
  public Future<Boolean> remove(String name, BotOwner owner) {
    return guard(() -> vertx.executeBlocking(() -> {
      IMap<String, String> map = map();
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        String current = map.get(name);
        if (current == null || !owner.equals(Entry.ownerOf(current))) return false;
        if (map.remove(name, current)) return true;
      }
      throw contended(name);
    }, false));
  }

  @Override
  public Future<Boolean> replace(String name, BotOwner expected, BotOwner owner, long registeredAt) {
    String encoded = new Entry(owner, registeredAt).encode();
    return guard(() -> vertx.executeBlocking(() -> {
      IMap<String, String> map = map();
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        String current = map.get(name);
        if (current == null || !expected.equals(Entry.ownerOf(current))) return false;
        if (map.replace(name, current, encoded)) return true;
      }
      throw contended(name);
    }, false));
  }

  @Override
  public Future<Map<String, Entry>> snapshot() {
    return guard(() -> vertx.executeBlocking(() -> {
      Map<String, Entry> out = new HashMap<>();
      for (Map.Entry<String, String> e : map().entrySet()) out.put(e.getKey(), Entry.decode(e.getValue()));
      return out;
    }, false));
  }

  @Override
  public Future<Subscription> watch(Consumer<NameChange> listener) {
    return guard(() -> vertx.executeBlocking(() -> map().addEntryListener(new Forwarder(listener), false), false))
      .map(id -> () -> guard(() -> vertx.executeBlocking(() -> map().removeEntryListener(id), false)).mapEmpty());
  }

  /**
   * Runs a map operation; if this member's Hazelcast has stopped (it left the cluster or is shutting down), the
   * table is unavailable here — a 503 the caller can retry elsewhere — not an internal error.
   */
  private static <T> Future<T> guard(Supplier<Future<T>> operation) {
    Future<T> result;
    try {
      result = operation.get();
    } catch (HazelcastInstanceNotActiveException e) {
      result = Future.failedFuture(e);
    }
    return result.recover(t -> Future.failedFuture(t instanceof HazelcastInstanceNotActiveException ? STOPPED.exception() : t));
  }

  private static final BusFailure STOPPED = BusFailure.of(BusFailure.UNAVAILABLE, "unavailable",
    "this node's cluster member has stopped; retry");

  /**
   * An entry changed between our read and our conditional write this many times in a row: each change is another
   * writer's successful write of the same name, so this is never reached in practice.
   */
  private static final int MAX_ATTEMPTS = 16;

  private static BusFailure.BusFailureException contended(String name) {
    return BusFailure.of(BusFailure.UNAVAILABLE, "unavailable", "bot " + name + " is changing too fast; retry").exception();
  }

  /**
   * Hazelcast delivers the events of one partition (so of one name) in order, on one of its event threads.
   * Values are not needed: the index keeps names only.
   */
  private record Forwarder(Consumer<NameChange> listener) implements EntryAddedListener<String, String>,
    EntryRemovedListener<String, String>, EntryEvictedListener<String, String>, EntryExpiredListener<String, String>,
    EntryMergedListener<String, String> {

    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      listener.accept(new NameChange(event.getKey(), true));
    }

    @Override
    public void entryMerged(EntryEvent<String, String> event) {
      listener.accept(new NameChange(event.getKey(), true));
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
      listener.accept(new NameChange(event.getKey(), false));
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> event) {
      listener.accept(new NameChange(event.getKey(), false));
    }

    @Override
    public void entryExpired(EntryEvent<String, String> event) {
      listener.accept(new NameChange(event.getKey(), false));
    }
  }
}
