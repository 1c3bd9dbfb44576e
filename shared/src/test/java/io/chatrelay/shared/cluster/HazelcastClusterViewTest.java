package io.chatrelay.shared.cluster;

import io.chatrelay.shared.testing.TestCluster;

import io.vertx.core.Promise;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Node ids in the view are the ones Vert.x uses (event-bus subscriptions, {@code nodeId()}), on every member. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class HazelcastClusterViewTest {
  @Test
  void membersAndDeparturesAreReportedWithVertxNodeIds(VertxTestContext test) {
    TestCluster cluster = new TestCluster(2);
    Promise<String> departed = Promise.promise();
    cluster.start(0).compose(first -> cluster.start(1).compose(second -> {
      ClusterView view = first.cluster();
      view.onMemberRemoved(departed::tryComplete);
      String secondId = second.cluster().nodeId();
      test.verify(() -> {
        assertThat(view.members()).containsExactlyInAnyOrder(view.nodeId(), secondId);
        assertThat(view.isMember(secondId)).isTrue();
        assertThat(second.cluster().members()).isEqualTo(view.members());
      });
      return second.close().compose(v -> departed.future()).map(id -> {
        test.verify(() -> {
          assertThat(id).isEqualTo(secondId);
          assertThat(view.isMember(secondId)).isFalse();
        });
        return id;
      });
    })).eventually(cluster::close).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aNodeWhoseHazelcastStoppedKnowsNoLiveMemberNotEvenItself(VertxTestContext test) {
    TestCluster cluster = new TestCluster(2);
    cluster.start(0).compose(first -> cluster.start(1).compose(second -> {
      HazelcastClusterView view = (HazelcastClusterView) second.cluster();
      return second.vertx().executeBlocking(() -> {
        view.hazelcast().getLifecycleService().terminate();
        return view;
      }).map(stopped -> {
        test.verify(() -> {
          assertThat(stopped.members()).isEmpty();
          assertThat(stopped.isMember(stopped.nodeId())).isFalse();
          assertThat(stopped.isMember(first.cluster().nodeId())).isFalse();
        });
        return stopped;
      });
    })).eventually(cluster::close).onComplete(test.succeedingThenComplete());
  }
}
