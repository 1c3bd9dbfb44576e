package io.chatrelay.registry;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.wnet.BotEvent;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.shared.wnet.ClaimResult;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.chatrelay.registry.EndpointPeer.Answer.ALIVE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member is killed (its Hazelcast instance terminated, as a crashed process would vanish) while it holds bot
 * names. The survivors' registries free the names at once, whatever the takeover window, and the event bus keeps
 * working between survivors (no stale subscription of the dead member: vertx-hazelcast #196, vert.x #4394).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BotRegistryMemberDeathTest {
  /** Far longer than the test waits: names must not be freed by a takeover window passing. */
  private static final long WINDOW_MS = 30_000;
  private static final long FREED_WITHIN_MS = 10_000;
  private static final List<String> NAMES = List.of("Alpha", "Beta", "Gamma");
  private static final int REQUESTS_AFTER_KILL = 12;

  private RegistryCluster cluster;

  @AfterEach
  void stopCluster(VertxTestContext test) {
    RegistryCluster.closeThenComplete(cluster, test);
  }

  @Test
  void namesOfAKilledMemberAreFreedAtOnceAndTheBusStillWorks(VertxTestContext test) {
    List<BotOwner> owners = new ArrayList<>();
    BotEventLog[] events = new BotEventLog[1];
    RegistryCluster.start(3, WINDOW_MS)
      .compose(c -> {
        cluster = c;
        return BotEventLog.listen(c.node(0).vertx());
      })
      .compose(log -> {
        events[0] = log;
        // The doomed member's endpoint answers alive: only the member's death can free its names.
        return EndpointPeer.start(cluster.node(2).vertx(), Addresses.wnetNode(cluster.nodeId(2)), ALIVE, 1);
      })
      .compose(peer -> echoOn(cluster.node(1).vertx()).compose(v -> {
        List<Future<ClaimResult>> registrations = new ArrayList<>();
        for (String name : NAMES) {
          BotOwner owner = peer.owner(cluster.nodeId(2));
          owners.add(owner);
          registrations.add(cluster.client(2).register(name, owner));
        }
        return Future.all(registrations);
      }))
      .compose(all -> Future.all(NAMES.stream().map(n -> events[0].await(BotEvent.Kind.ONLINE, n)).toList()))
      .compose(online -> {
        cluster.view(2).hazelcast().getLifecycleService().terminate();
        return Future.all(NAMES.stream().map(n -> events[0].await(BotEvent.Kind.OFFLINE, n)).toList())
          .timeout(FREED_WITHIN_MS, TimeUnit.MILLISECONDS);
      })
      .compose(offline -> {
        test.verify(() -> {
          for (int i = 0; i < NAMES.size(); i++) {
            assertThat(events[0].of(NAMES.get(i))).containsExactly(BotEvent.online(NAMES.get(i), owners.get(i)),
              BotEvent.offline(NAMES.get(i), owners.get(i)));
          }
        });
        // Routes to the dead member's consumers are dropped within moments: every lookup from both survivors
        // then answers a clean 404 (the killed member's Vert.x lives on in this JVM, so until then a request may
        // reach its registry, which answers 503 since its Hazelcast has stopped).
        return Polling.until(cluster.node(0).vertx(), this::lookupsFromSurvivors,
          reasons -> reasons.size() == 2 * REQUESTS_AFTER_KILL && reasons.stream().allMatch("unknown-bot"::equals),
          FREED_WITHIN_MS);
      })
      .compose(reasons -> requestsBetweenSurvivors())
      .compose(echoes -> {
        test.verify(() -> assertThat(echoes).hasSize(REQUESTS_AFTER_KILL).containsOnly("echo"));
        // Search indexes drop the names too, on every surviving instance.
        BotRegistryClient client = cluster.client(0);
        return Polling.until(cluster.node(0).vertx(), () -> Future.all(List.of(client.search(""), client.search(""),
          client.search(""), client.search(""))), all -> all.list().stream().allMatch(r -> ((List<?>) r).isEmpty()), 5000);
      })
      .compose(empty -> cluster.client(1).register("Alpha",
        new BotOwner("test.endpoint.new", "new", cluster.nodeId(1), "newcomer")))
      .onComplete(test.succeeding(result -> test.verify(() -> {
        assertThat(result).isEqualTo(ClaimResult.added());
        test.completeNow();
      })));
  }

  /** Lookups of the freed names from both survivors, spread over their registry instances: failure reasons. */
  private Future<List<String>> lookupsFromSurvivors() {
    List<Future<String>> reasons = new ArrayList<>();
    for (int i = 0; i < REQUESTS_AFTER_KILL; i++) {
      for (int node = 0; node < 2; node++) {
        reasons.add(cluster.client(node).lookup(NAMES.get(i % NAMES.size()))
          .map(found -> "found " + found)
          .recover(t -> Future.succeededFuture(BusFailure.from(t).reason())));
      }
    }
    return Future.all(reasons).map(all -> reasons.stream().map(Future::result).toList());
  }

  private Future<List<String>> requestsBetweenSurvivors() {
    List<Future<String>> echoes = new ArrayList<>();
    for (int i = 0; i < REQUESTS_AFTER_KILL; i++) {
      echoes.add(cluster.node(0).vertx().eventBus().<JsonObject>request("test.echo", new JsonObject())
        .map(reply -> reply.body().getString("answer"))
        .recover(t -> Future.succeededFuture(BusFailure.from(t).reason())));
    }
    return Future.all(echoes).map(all -> echoes.stream().map(Future::result).toList());
  }

  private static Future<Void> echoOn(Vertx vertx) {
    return vertx.eventBus().<JsonObject>consumer("test.echo", msg -> msg.reply(new JsonObject().put("answer", "echo")))
      .completion();
  }
}
