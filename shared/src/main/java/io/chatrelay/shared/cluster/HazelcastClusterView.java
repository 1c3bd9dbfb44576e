package io.chatrelay.shared.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Membership read from Hazelcast. Vert.x core owns the cluster manager's single node listener, so member
 * removals are observed with a Hazelcast {@link MembershipListener} of our own.
 * <p>
 * Node ids are Vert.x's, not Hazelcast member UUIDs: vertx-hazelcast 5 gives each node a random id and publishes
 * it as the member attribute {@value #VERTX_NODE_ID_ATTRIBUTE}, so members are mapped through that attribute.
 * <p>
 * This node counts as leaving, so not a live member, from the moment its own Hazelcast starts shutting down
 * ({@link LifecycleEvent.LifecycleState#SHUTTING_DOWN}): other members list it until it is gone, but it takes
 * nothing new on. Other members cannot announce that they are shutting down (Hazelcast 5 member attributes are
 * fixed at join): they are live until their removal, which Hazelcast reports about 0.35 s after a process dies.
 */
public final class HazelcastClusterView implements ClusterView {
  /** The member attribute holding a member's Vert.x node id (set by {@link HazelcastClusterManager} at join). */
  static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final HazelcastClusterManager manager;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean leaving;

  public HazelcastClusterView(HazelcastClusterManager manager) {
    this.manager = manager;
    HazelcastInstance hazelcast = manager.getHazelcastInstance();
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN
        || event.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
        leaving = true;
      }
    });
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String id = event.getMember().getAttribute(VERTX_NODE_ID_ATTRIBUTE);
        if (id != null) listeners.forEach(l -> l.accept(id));
      }
    });
  }

  public HazelcastInstance hazelcast() {
    return manager.getHazelcastInstance();
  }

  @Override
  public String nodeId() {
    return manager.getNodeId();
  }

  @Override
  public boolean isMember(String nodeId) {
    return members().contains(nodeId);
  }

  /** Listed by Hazelcast, without this node once it is leaving; none once this node's Hazelcast has stopped. */
  @Override
  public Set<String> members() {
    Set<String> ids;
    try {
      ids = manager.getHazelcastInstance().getCluster().getMembers().stream()
        .map(m -> m.getAttribute(VERTX_NODE_ID_ATTRIBUTE)).filter(Objects::nonNull)
        .collect(Collectors.toCollection(HashSet::new));
    } catch (HazelcastInstanceNotActiveException stopped) {
      return Set.of();
    }
    if (leaving) ids.remove(manager.getNodeId());
    return ids;
  }

  @Override
  public void onMemberRemoved(Consumer<String> listener) {
    listeners.add(listener);
  }

  @Override
  public boolean clustered() {
    return true;
  }
}
