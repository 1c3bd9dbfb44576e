package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.cluster.HazelcastClusterView;
import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.testing.TestCluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The Hazelcast name table on a real member whose Hazelcast has stopped (it left, or is shutting down). */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class HazelcastNameTableTest {
  private static final BotOwner OWNER = new BotOwner("test.endpoint", "conn", "node", "tester");
  private static final BotOwner OTHER = new BotOwner("test.endpoint", "other", "node", "tester");

  @Test
  void everyOperationOnAStoppedMemberIs503Unavailable(VertxTestContext test) {
    TestCluster cluster = new TestCluster(1);
    cluster.start(0)
      .compose(node -> stop(node).map(table -> {
        Map<String, Supplier<Future<?>>> operations = new LinkedHashMap<>();
        operations.put("putIfAbsent", () -> table.putIfAbsent("Name", OWNER, 0));
        operations.put("get", () -> table.get("Name"));
        operations.put("remove", () -> table.remove("Name", OWNER));
        operations.put("replace", () -> table.replace("Name", OWNER, OTHER, 0));
        operations.put("snapshot", table::snapshot);
        operations.put("watch", () -> table.watch(change -> { }));
        return operations;
      }))
      .compose(operations -> {
        List<Future<String>> outcomes = operations.entrySet().stream().map(op -> op.getValue().get()
          .map(r -> op.getKey() + ": succeeded")
          .recover(t -> Future.succeededFuture(op.getKey() + ": " + BusFailure.from(t).code() + " " + BusFailure.from(t).reason())))
          .toList();
        return Future.all(outcomes).map(all -> outcomes.stream().map(Future::result).toList());
      })
      .eventually(cluster::close)
      .onComplete(test.succeeding(outcomes -> test.verify(() -> {
        assertThat(outcomes).containsExactly("putIfAbsent: 503 unavailable", "get: 503 unavailable",
          "remove: 503 unavailable", "replace: 503 unavailable", "snapshot: 503 unavailable", "watch: 503 unavailable");
        test.completeNow();
      })));
  }

  /** A table on {@code node}, whose Hazelcast is then terminated. */
  private static Future<HazelcastNameTable> stop(NodeBootstrap.Node node) {
    HazelcastInstance hazelcast = ((HazelcastClusterView) node.cluster()).hazelcast();
    HazelcastNameTable table = new HazelcastNameTable(node.vertx(), hazelcast);
    return node.vertx().executeBlocking(() -> {
      hazelcast.getLifecycleService().terminate();
      return table;
    });
  }
}
