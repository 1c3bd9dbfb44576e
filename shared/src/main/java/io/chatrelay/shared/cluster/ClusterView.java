package io.chatrelay.shared.cluster;

import java.util.Set;
import java.util.function.Consumer;

/**
 * What a service needs to know about the other processes: this node's id, which nodes are alive, and when one
 * leaves. Node ids are the Vert.x cluster manager's node ids (with Hazelcast: a random id per node, not the member UUID).
 */
public interface ClusterView {
  /** This process's node id. */
  String nodeId();

  /** Whether {@code nodeId} is a live member right now (listed by the cluster and not leaving). */
  boolean isMember(String nodeId);

  /** Node ids of the live members, this one included unless it is leaving. */
  Set<String> members();

  /** Calls {@code listener} with the node id of every member that leaves or dies (not on the event loop). */
  void onMemberRemoved(Consumer<String> listener);

  /** Whether this process is part of a multi-process cluster. */
  boolean clustered();
}
