package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.BusGrant;
import io.chatrelay.shared.bus.BusKey;
import io.chatrelay.shared.cluster.ClusterView;

import io.vertx.core.eventbus.Message;

/**
 * Who sent a registry request: the node named by the request's node grant ({@link BusGrant#NODE}, signed with the
 * cluster's bus key by {@code BotRegistryClient}), or a refusal when it carries none that verifies. The rule
 * ({@link #refusalFor}): a request may claim, replace or release a name only for an owner on the sender's own node.
 * Without a cluster the one node is this one (the grant's signature is still checked).
 */
record Sender(String node, BusFailure refusal) {

  /** The sender of {@code request}, checked with this process's bus key. */
  static Sender of(Message<?> request, BusKey key, ClusterView cluster) {
    try {
      BusGrant grant = BusGrant.require(key, request, BusGrant.NODE);
      return new Sender(cluster.clustered() ? grant.node() : cluster.nodeId(), null);
    } catch (BusFailure.BusFailureException e) {
      return new Sender(null, e.failure());
    }
  }

  /**
   * Why this sender may not act for {@code owner}: its own grant's refusal (403 {@code unauthenticated} /
   * {@code bad-grant}), 403 {@code not-your-node} when the owner is on another node; null when it may.
   */
  BusFailure refusalFor(BotOwner owner) {
    if (refusal != null) return refusal;
    if (node.equals(owner.node())) return null;
    return BusFailure.of(BusFailure.DENIED, "not-your-node",
      "only the owner's node " + owner.node() + " may claim or release its names, not node " + node);
  }

  /** Whether this (verified) sender is the node {@code owner} lives on. */
  boolean isNodeOf(BotOwner owner) {
    return node != null && node.equals(owner.node());
  }
}
