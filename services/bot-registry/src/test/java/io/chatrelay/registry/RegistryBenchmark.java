package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.testing.LoadRun;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.shared.wnet.ClaimResult;

import io.vertx.core.Future;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prints the registry's throughput and latency on a 2-member Hazelcast cluster in this JVM (client on member 0,
 * a registry on each member, so requests are spread over both). Not run by default (no *Test name):
 * {@code mvn -B -o -q -pl services/bot-registry -am verify -Dtest=RegistryBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * then read {@code services/bot-registry/target/surefire-reports/io.chatrelay.registry.RegistryBenchmark-output.txt}.
 * It asserts only that every operation succeeded.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, timeUnit = TimeUnit.MINUTES)
class RegistryBenchmark {
  private static final int WARMUP = 2_000;
  private static final int PAIRS = 5_000;
  private static final int LOOKUPS = 20_000;
  private static final int NAMES_LOOKED_UP = 1_000;
  private static final int IN_FLIGHT = 32;

  @Test
  void registerUnregisterAndLookupOnTwoMembers(VertxTestContext test) {
    AtomicReference<RegistryCluster> started = new AtomicReference<>();
    RegistryCluster.start(2, 5_000)
      .compose(cluster -> {
        started.set(cluster);
        BotRegistryClient client = cluster.client(0);
        BotOwner owner = new BotOwner("bench.endpoint", UUID.randomUUID().toString(), cluster.nodeId(0), "bench");
        IntFunction<Future<?>> pair = i -> client.register(name("W", i), owner).compose(r -> {
          assertThat(r).isEqualTo(ClaimResult.added());
          return client.unregister(name("W", i), owner);
        });
        return measure("warm-up register+unregister", WARMUP, pair)
          .compose(v -> measure("register+unregister (2 cluster writes)", PAIRS, i ->
            client.register(name("P", i), owner).compose(r -> client.unregister(name("P", i), owner))))
          .compose(v -> measure("register only (setup for lookups)", NAMES_LOOKED_UP, i -> client.register(name("L", i), owner)))
          .compose(v -> measure("lookup", LOOKUPS, i -> client.lookup(name("L", i % NAMES_LOOKED_UP))))
          .compose(v -> measure("search (prefix of ~40 names)", LOOKUPS / 4, i -> client.search("LB")));
      })
      .eventually(() -> started.get() == null ? Future.succeededFuture() : started.get().close())
      .onComplete(test.succeedingThenComplete());
  }

  /** Runs {@code total} operations with {@link #IN_FLIGHT} under way at a time; prints rate and latencies. */
  private static Future<Void> measure(String label, int total, IntFunction<Future<?>> operation) {
    return LoadRun.runAndPrint(label, total, IN_FLIGHT, operation).mapEmpty();
  }

  /** A valid bot name (letters only) for index {@code i}. */
  private static String name(String prefix, int i) {
    StringBuilder sb = new StringBuilder(prefix);
    int n = i;
    do {
      sb.append((char) ('A' + n % 26));
      n /= 26;
    } while (n > 0);
    return sb.toString();
  }
}
