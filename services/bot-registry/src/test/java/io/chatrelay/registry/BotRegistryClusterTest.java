package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.wnet.BotEvent;
import io.chatrelay.shared.wnet.BotRegistration;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.shared.wnet.ClaimResult;

import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.chatrelay.registry.EndpointPeer.Answer.ALIVE;
import static io.chatrelay.registry.EndpointPeer.Answer.NOT_ALIVE;
import static org.assertj.core.api.Assertions.assertThat;

/** Three real Hazelcast members on loopback in this JVM, a registry on each, no leader. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BotRegistryClusterTest {
  private static final int MEMBERS = 3;
  private static final long WINDOW_MS = 300;
  private static final int ROUNDS = 8;

  private static RegistryCluster cluster;
  private static BotEventLog events;

  @BeforeAll
  static void startCluster(VertxTestContext test) {
    RegistryCluster.start(MEMBERS, WINDOW_MS)
      .compose(c -> {
        cluster = c;
        return BotEventLog.listen(c.node(MEMBERS - 1).vertx());
      })
      .onComplete(test.succeeding(log -> {
        events = log;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stopCluster(VertxTestContext test) {
    RegistryCluster.closeThenComplete(cluster, test);
  }

  @Test
  void newcomersOnEveryNodeRacingForOneNameLeaveExactlyOneWinner(VertxTestContext test) {
    Future<Void> rounds = Future.succeededFuture();
    for (int round = 0; round < ROUNDS; round++) {
      String name = "Race" + (char) ('a' + round);
      rounds = rounds.compose(v -> raceToRegister(name, test));
    }
    rounds.onComplete(test.succeedingThenComplete());
  }

  private Future<Void> raceToRegister(String name, VertxTestContext test) {
    List<BotOwner> owners = new ArrayList<>();
    List<Future<ClaimResult>> racing = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      BotOwner owner = new BotOwner("test.endpoint." + i, UUID.randomUUID().toString(), cluster.nodeId(i), "racer" + i);
      owners.add(owner);
      racing.add(cluster.client(i).register(name, owner));
    }
    return Future.all(racing).compose(all -> lookupEverywhere(name).map(holders -> {
      List<ClaimResult> results = racing.stream().map(Future::result).toList();
      test.verify(() -> {
        BotOwner winner = holders.get(0);
        assertThat(holders).containsOnly(winner);
        assertThat(owners).contains(winner);
        assertThat(results).containsOnlyOnce(ClaimResult.added());
        assertThat(results.get(owners.indexOf(winner))).isEqualTo(ClaimResult.added());
        assertThat(results).filteredOn(r -> r.outcome() == ClaimResult.Outcome.OCCUPIED).hasSize(MEMBERS - 1)
          .allSatisfy(r -> assertThat(r.holder()).isEqualTo(winner));
      });
      return null;
    }));
  }

  @Test
  void newcomersOnTwoNodesTakingOverADeadHolderLeaveExactlyOneWinner(VertxTestContext test) {
    EndpointPeer.start(cluster.node(2).vertx(), NOT_ALIVE).compose(peer -> {
      Future<Void> rounds = Future.succeededFuture();
      for (int round = 0; round < ROUNDS; round++) {
        String name = "Grab" + (char) ('a' + round);
        rounds = rounds.compose(v -> raceToTakeOver(name, peer.owner(cluster.nodeId(2)), test));
      }
      return rounds;
    }).onComplete(test.succeedingThenComplete());
  }

  private Future<Void> raceToTakeOver(String name, BotOwner holder, VertxTestContext test) {
    BotOwner first = new BotOwner("test.endpoint.first", UUID.randomUUID().toString(), cluster.nodeId(0), "first");
    BotOwner second = new BotOwner("test.endpoint.second", UUID.randomUUID().toString(), cluster.nodeId(1), "second");
    return cluster.client(2).register(name, holder)
      .compose(r -> {
        Future<ClaimResult> a = cluster.client(0).takeover(name, first, holder);
        Future<ClaimResult> b = cluster.client(1).takeover(name, second, holder);
        return Future.all(a, b).map(all -> List.of(a.result(), b.result()));
      })
      .compose(results -> lookupEverywhere(name).map(holders -> {
        test.verify(() -> {
          BotOwner winner = holders.get(0);
          assertThat(holders).containsOnly(winner);
          assertThat(winner).isIn(first, second);
          BotOwner loser = winner.equals(first) ? second : first;
          assertThat(results.get(winner.equals(first) ? 0 : 1)).isEqualTo(ClaimResult.added());
          assertThat(results.get(loser.equals(first) ? 0 : 1)).isEqualTo(ClaimResult.occupied(winner));
        });
        return holders.get(0);
      }))
      .compose(winner -> events.await(BotEvent.Kind.ONLINE, name).compose(e ->
        Polling.until(cluster.node(0).vertx(), () -> Future.succeededFuture(events.of(name)), l -> l.size() >= 3, 5000)))
      .map(list -> {
        test.verify(() -> assertThat(list).filteredOn(e -> e.kind() == BotEvent.Kind.OFFLINE)
          .containsExactly(BotEvent.offline(name, holder)));
        return null;
      });
  }

  @Test
  void aHolderOnAnotherNodeThatAnswersAliveKeepsTheName(VertxTestContext test) {
    BotOwner newcomer = new BotOwner("test.endpoint.newcomer", "conn", cluster.nodeId(1), "newcomer");
    EndpointPeer.start(cluster.node(0).vertx(), "test.endpoint." + UUID.randomUUID(), ALIVE, WINDOW_MS / 3)
      .compose(peer -> {
        BotOwner holder = peer.owner(cluster.nodeId(0));
        return cluster.client(0).register("Across", holder)
          .compose(r -> cluster.client(1).takeover("Across", newcomer, holder))
          .compose(result -> cluster.client(2).lookup("Across").map(now -> {
            test.verify(() -> {
              assertThat(result).isEqualTo(ClaimResult.alive());
              assertThat(now).isEqualTo(holder);
              assertThat(peer.questions()).hasSize(1);
            });
            return now;
          }));
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void anOwnerOnANodeThatIsNotAMemberIsRefusedOnEveryInstance(VertxTestContext test) {
    BotOwner invented = new BotOwner("test.endpoint.invented", "conn", UUID.randomUUID().toString(), "mallory");
    List<Future<String>> outcomes = new ArrayList<>();
    for (int i = 0; i < 2 * MEMBERS; i++) {
      outcomes.add(cluster.client(i % MEMBERS).register("Invented", invented).map(r -> "registered")
        .recover(t -> Future.succeededFuture(BusFailure.from(t).code() + " " + BusFailure.from(t).reason())));
    }
    Future.all(outcomes)
      .compose(all -> cluster.client(1).lookup("Invented").map("stored").recover(t -> Future.succeededFuture(BusFailure.from(t).reason())))
      .onComplete(test.succeeding(stored -> test.verify(() -> {
        assertThat(outcomes).extracting(Future::result).containsOnly("409 unknown-node");
        assertThat(stored).isEqualTo("unknown-bot");
        test.completeNow();
      })));
  }

  @Test
  void everyRegistryInstanceSearchesTheSameSortedNames(VertxTestContext test) {
    List<String> names = List.of("SyncZulu", "SyncAlpha", "SyncMike");
    List<Future<ClaimResult>> registrations = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      registrations.add(cluster.client(i).register(names.get(i),
        new BotOwner("test.endpoint.sync", UUID.randomUUID().toString(), cluster.nodeId(i), "sync")));
    }
    List<String> sorted = names.stream().sorted().toList();
    Vertx vertx = cluster.node(0).vertx();
    BotRegistryClient client = cluster.client(0);
    Future.all(registrations)
      // Searches are spread over the instances: all agree once each instance's index has the names.
      .compose(all -> Polling.until(vertx, () -> searchManyTimes(client, "Sync"), results -> results.stream().allMatch(sorted::equals), 5000))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aRegistryStartingAfterANodeDiedFreesThatNodesNames(VertxTestContext test) {
    IMap<String, String> map = cluster.view(0).hazelcast().getMap(HazelcastNameTable.MAP_NAME);
    BotOwner ghost = new BotOwner("test.endpoint.ghost", "conn", UUID.randomUUID().toString(), "ghost");
    // As a node that died before any registry could see it go would leave it.
    map.put("Stale", ghost.encode());
    cluster.deployRegistry(1)
      .compose(deployment -> events.await(BotEvent.Kind.OFFLINE, "Stale").map(offline -> {
        test.verify(() -> assertThat(offline).isEqualTo(BotEvent.offline("Stale", ghost)));
        return deployment;
      }))
      .compose(deployment -> cluster.client(2).lookup("Stale").map(found -> (Object) found)
        .recover(t -> Future.succeededFuture(BusFailure.from(t).reason()))
        .map(outcome -> {
          test.verify(() -> assertThat(outcome).isEqualTo("unknown-bot"));
          return deployment;
        }))
      .compose(deployment -> cluster.node(1).vertx().undeploy(deployment))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void listAndKickWorkFromAnyMemberOnTheSharedTable(VertxTestContext test) {
    long before = System.currentTimeMillis();
    BotOwner holder = new BotOwner("test.endpoint.kick", UUID.randomUUID().toString(), cluster.nodeId(0), "kicked");
    BotOwner legacy = new BotOwner("test.endpoint.legacy", UUID.randomUUID().toString(), cluster.nodeId(1), "old");
    IMap<String, String> map = cluster.view(0).hazelcast().getMap(HazelcastNameTable.MAP_NAME);
    cluster.client(0).register("Kickme", holder)
      // an entry as a registry before registeredAt wrote it: readable, and its holder can still release it
      .compose(r -> cluster.node(0).vertx().executeBlocking(() -> map.put("Legacy", legacy.encode())))
      .compose(r -> cluster.client(2).list("").map(all -> {
        test.verify(() -> {
          assertThat(all).extracting(BotRegistration::name).contains("Kickme", "Legacy");
          BotRegistration kickme = all.stream().filter(b -> b.name().equals("Kickme")).findFirst().orElseThrow();
          assertThat(kickme.owner()).isEqualTo(holder);
          assertThat(kickme.registeredAt()).isBetween(before, System.currentTimeMillis());
          assertThat(all.stream().filter(b -> b.name().equals("Legacy")).findFirst().orElseThrow().registeredAt()).isZero();
        });
        return all;
      }))
      .compose(r -> cluster.client(1).kick("Kickme"))
      .compose(kicked -> cluster.client(2).lookup("Kickme").map(found -> (Object) found)
        .recover(t -> Future.succeededFuture(BusFailure.from(t).reason()))
        .map(outcome -> {
          test.verify(() -> {
            assertThat(kicked.owner()).isEqualTo(holder);
            assertThat(outcome).isEqualTo("unknown-bot");
          });
          return outcome;
        }))
      .compose(r -> cluster.client(1).unregister("Legacy", legacy))
      .onComplete(test.succeeding(removed -> test.verify(() -> {
        assertThat(removed).isTrue();
        test.completeNow();
      })));
  }

  private static Future<List<List<String>>> searchManyTimes(BotRegistryClient client, String prefix) {
    List<Future<List<String>>> searches = new ArrayList<>();
    for (int i = 0; i < 3 * MEMBERS; i++) searches.add(client.search(prefix));
    return Future.all(searches).map(all -> searches.stream().map(Future::result).toList());
  }

  private static Future<List<BotOwner>> lookupEverywhere(String name) {
    List<Future<BotOwner>> lookups = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) lookups.add(cluster.client(i).lookup(name));
    return Future.all(lookups).map(all -> Collections.unmodifiableList(lookups.stream().map(Future::result).toList()));
  }
}
