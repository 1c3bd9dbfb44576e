package io.chatrelay.registry;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.wnet.BotEvent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/** Every {@link BotEvent} published on {@link Addresses#WNET_BOT_EVENTS}, as one subscriber sees them. */
final class BotEventLog {
  private final List<BotEvent> events = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(Predicate<BotEvent> match, Promise<BotEvent> promise) {
  }

  static Future<BotEventLog> listen(Vertx vertx) {
    BotEventLog log = new BotEventLog();
    return vertx.eventBus().<JsonObject>consumer(Addresses.WNET_BOT_EVENTS, msg -> log.add(BotEvent.fromJson(msg.body())))
      .completion().map(log);
  }

  /** Completes with the first event (already received or to come) of {@code kind} for {@code name}. */
  Future<BotEvent> await(BotEvent.Kind kind, String name) {
    Predicate<BotEvent> match = e -> e.kind() == kind && e.name().equals(name);
    Promise<BotEvent> promise = Promise.promise();
    synchronized (this) {
      for (BotEvent e : events) {
        if (match.test(e)) return Future.succeededFuture(e);
      }
      waiters.add(new Waiter(match, promise));
    }
    return promise.future();
  }

  synchronized List<BotEvent> events() {
    return List.copyOf(events);
  }

  /** Events for {@code name}, in arrival order. */
  synchronized List<BotEvent> of(String name) {
    return events.stream().filter(e -> e.name().equals(name)).toList();
  }

  private void add(BotEvent event) {
    List<Promise<BotEvent>> ready = new ArrayList<>();
    synchronized (this) {
      events.add(event);
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.match().test(event)) {
          ready.add(w.promise());
          it.remove();
        }
      }
    }
    ready.forEach(p -> p.complete(event));
  }
}
