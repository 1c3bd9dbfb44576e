package io.chatrelay.shared.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

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
 */
public final class HazelcastClusterView implements ClusterView {
  /** The member attribute holding a member's Vert.x node id (set by {@link HazelcastClusterManager} at join). */
  static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final HazelcastClusterManager manager;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  public HazelcastClusterView(HazelcastClusterManager manager) {
    this.manager = manager;
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
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

  @Override
  public Set<String> members() {
    return manager.getHazelcastInstance().getCluster().getMembers().stream()
      .map(m -> m.getAttribute(VERTX_NODE_ID_ATTRIBUTE)).filter(Objects::nonNull).collect(Collectors.toSet());
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
