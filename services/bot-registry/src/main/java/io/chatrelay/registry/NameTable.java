package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;

import io.vertx.core.Future;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The authoritative table of bot names: name -> {@link BotOwner}. Owners are stored as their canonical
 * {@link BotOwner#encode()} so the conditional operations compare them exactly. Each operation is atomic on its
 * name; the futures complete on the caller's context.
 */
interface NameTable {
  /** Stores {@code owner} unless the name is held: completes with null when stored, else with the holder. */
  Future<BotOwner> putIfAbsent(String name, BotOwner owner);

  /** The holder, or null. */
  Future<BotOwner> get(String name);

  /** Removes the name only if {@code owner} holds it; true when it did. */
  Future<Boolean> remove(String name, BotOwner owner);

  /** Gives the name to {@code owner} only if {@code expected} holds it; true when it did. */
  Future<Boolean> replace(String name, BotOwner expected, BotOwner owner);

  /** Every entry, read now (not atomically across names). */
  Future<Map<String, BotOwner>> snapshot();

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
}
