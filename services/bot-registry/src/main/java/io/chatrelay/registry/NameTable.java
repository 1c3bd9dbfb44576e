package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The authoritative table of bot names: name -> {@link Entry} (the {@link BotOwner} and when it got the name).
 * Entries are stored as their canonical {@link Entry#encode()}; the conditional operations compare the OWNER only
 * (its {@link BotOwner#encode()}), never the time. Each operation is atomic on its name; the futures complete on
 * the caller's context.
 */
interface NameTable {
  /**
   * Stores {@code owner} (registered at {@code registeredAt}) unless the name is held: completes with null when
   * stored, else with the holder.
   */
  Future<BotOwner> putIfAbsent(String name, BotOwner owner, long registeredAt);

  /** The entry of {@code name} (holder and time), or null. */
  Future<Entry> entry(String name);

  /** The holder, or null. */
  default Future<BotOwner> get(String name) {
    return entry(name).map(entry -> entry == null ? null : entry.owner());
  }

  /** Removes the name only if {@code owner} holds it; true when it did. */
  Future<Boolean> remove(String name, BotOwner owner);

  /** Gives the name to {@code owner} (registered at {@code registeredAt}) only if {@code expected} holds it; true when it did. */
  Future<Boolean> replace(String name, BotOwner expected, BotOwner owner, long registeredAt);

  /** Every entry, read now (not atomically across names). */
  Future<Map<String, Entry>> snapshot();

  /**
   * Tells {@code listener} of every change, on any thread, in order for any one name (not across names). Changes
   * may be lost when a cluster member fails: re-read with {@link #snapshot()} then.
   */
  Future<Subscription> watch(Consumer<NameChange> listener);

  /** A name became held ({@code held}) or free. */
  record NameChange(String name, boolean held) {
  }

  interface Subscription {
    Future<Void> cancel();
  }

  /**
   * A stored entry: the owner's fields and {@code registeredAt} in one JSON object (so a reader that knows only
   * {@link BotOwner} still decodes the owner). An entry without {@code registeredAt} (written before the field
   * existed) reads as 0, unknown.
   */
  record Entry(BotOwner owner, long registeredAt) {
    static final String REGISTERED_AT = "registeredAt";

    String encode() {
      return owner.toJson().put(REGISTERED_AT, registeredAt).encode();
    }

    static Entry decode(String encoded) {
      JsonObject json = new JsonObject(encoded);
      return new Entry(BotOwner.fromJson(json), json.getLong(REGISTERED_AT, 0L));
    }

    /** The owner of an encoded entry, or null for null. */
    static BotOwner ownerOf(String encoded) {
      return encoded == null ? null : decode(encoded).owner();
    }
  }
}
