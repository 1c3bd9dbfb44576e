package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;

import io.vertx.core.eventbus.Message;

/**
 * Who sent a registry request. Requests are not signed yet, so every sender is {@link #UNVERIFIED} and may act for
 * any node. When requests carry a signed sender node id, {@link #of} reads it and {@link #mayActFor} is the one
 * rule: a request may claim, replace or release a name only for an owner on the sender's own node.
 */
record Sender(String node) {
  static final Sender UNVERIFIED = new Sender(null);

  /** The sender of {@code request}: {@link #UNVERIFIED} until requests are signed. */
  static Sender of(Message<?> request) {
    return UNVERIFIED;
  }

  /** Whether this sender may act for {@code owner}, i.e. is on the owner's node (any unverified sender may, for now). */
  boolean mayActFor(BotOwner owner) {
    return node == null || node.equals(owner.node());
  }

  /** Whether this sender is the node {@code owner} lives on (never, while unverified). */
  boolean isNodeOf(BotOwner owner) {
    return node != null && node.equals(owner.node());
  }
}
