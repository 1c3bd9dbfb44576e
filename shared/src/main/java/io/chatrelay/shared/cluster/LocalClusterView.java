package io.chatrelay.shared.cluster;

import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/** The single-process view: this node is the only member and nobody ever leaves. */
public final class LocalClusterView implements ClusterView {
  private final String nodeId = UUID.randomUUID().toString();

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public boolean isMember(String id) {
    return nodeId.equals(id);
  }

  @Override
  public Set<String> members() {
    return Set.of(nodeId);
  }

  @Override
  public void onMemberRemoved(Consumer<String> listener) {
    // one process: no member ever leaves while it runs
  }

  @Override
  public boolean clustered() {
    return false;
  }
}
