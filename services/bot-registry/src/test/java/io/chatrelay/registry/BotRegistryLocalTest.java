package io.chatrelay.registry;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.shared.cluster.ClusterView;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.ops.NodeOps;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.MutableClock;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.shared.wnet.BotEvent;
import io.chatrelay.shared.wnet.BotRegistration;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.shared.wnet.ClaimResult;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.chatrelay.registry.EndpointPeer.Answer.ALIVE;
import static io.chatrelay.registry.EndpointPeer.Answer.NOT_ALIVE;
import static io.chatrelay.registry.EndpointPeer.Answer.SILENT;
import static org.assertj.core.api.Assertions.assertThat;

/** The registry in a single (non-clustered) process: local name table, endpoints on the local event bus. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class BotRegistryLocalTest {
  private static final long WINDOW_MS = 300;

  private LiveConfig config;
  private LocalClusterView cluster;
  private BotRegistryClient registry;
  private BotEventLog events;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    config = new LiveConfig(TestConfigs.local().with("wnet.takeover-window-ms", WINDOW_MS));
    cluster = new LocalClusterView();
    registry = new BotRegistryClient(vertx);
    BotEventLog.listen(vertx)
      .compose(log -> {
        events = log;
        return vertx.deployVerticle(new BotRegistryVerticle(new ServiceContext(vertx, config, cluster, clock)));
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aFreeNameIsAddedAndThenOccupied(Vertx vertx, VertxTestContext test) {
    BotOwner first = owner("first");
    BotOwner second = owner("second");
    registry.register("Weather", first)
      .compose(added -> registry.register("Weather", second).map(occupied -> List.of(added, occupied)))
      .compose(results -> registry.lookup("Weather").map(holder -> {
        test.verify(() -> {
          assertThat(results.get(0)).isEqualTo(ClaimResult.added());
          assertThat(results.get(1)).isEqualTo(ClaimResult.occupied(first));
          assertThat(holder).isEqualTo(first);
        });
        return holder;
      }))
      .compose(holder -> events.await(BotEvent.Kind.ONLINE, "Weather"))
      .onComplete(test.succeeding(online -> test.verify(() -> {
        assertThat(online).isEqualTo(BotEvent.online("Weather", first));
        test.completeNow();
      })));
  }

  @Test
  void registeringANameOneHoldsAgainIsAddedWithoutAnotherEvent(VertxTestContext test) {
    BotOwner owner = owner("idem");
    registry.register("Idem", owner)
      .compose(r -> registry.register("Idem", owner))
      .compose(again -> registry.unregister("Idem", owner).map(again))
      .compose(again -> events.await(BotEvent.Kind.OFFLINE, "Idem").map(again))
      .onComplete(test.succeeding(again -> test.verify(() -> {
        assertThat(again).isEqualTo(ClaimResult.added());
        // One publisher: its events arrive in order, so the offline comes after any duplicate online.
        assertThat(events.of("Idem")).containsExactly(BotEvent.online("Idem", owner), BotEvent.offline("Idem", owner));
        test.completeNow();
      })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "abcdefghijklmnopqr", "MixedCase"})
  void validNamesAreAccepted(String name, VertxTestContext test) {
    registry.register(name, owner("valid")).onComplete(test.succeeding(r -> test.verify(() -> {
      assertThat(r).isEqualTo(ClaimResult.added());
      test.completeNow();
    })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abcdefghijklmnopqrs", "bot1", "two words", "a@b", "snake_case", "Ünïcode", "tab\t"})
  void invalidNamesAreRefusedWithBadName(String name, VertxTestContext test) {
    registry.register(name, owner("invalid")).onComplete(test.failing(t -> test.verify(() -> {
      BusFailure failure = BusFailure.from(t);
      assertThat(failure.code()).isEqualTo(400);
      assertThat(failure.reason()).isEqualTo("bad-name");
      assertThat(failure.text()).isEqualTo("a bot name is 1 to 18 letters a-z or A-Z");
      test.completeNow();
    })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Nobody", "not valid!", "abcdefghijklmnopqrstuvwxyz"})
  void lookupOfAnUnknownOrInvalidNameFails404(String name, VertxTestContext test) {
    registry.lookup(name).onComplete(test.failing(t -> test.verify(() -> {
      BusFailure failure = BusFailure.from(t);
      assertThat(failure.code()).isEqualTo(404);
      assertThat(failure.reason()).isEqualTo("unknown-bot");
      test.completeNow();
    })));
  }

  @Test
  void aHolderThatAnswersAliveWithinTheWindowKeepsTheName(Vertx vertx, VertxTestContext test) {
    BotOwner newcomer = owner("newcomer");
    EndpointPeer.start(vertx, "test.endpoint." + UUID.randomUUID(), ALIVE, WINDOW_MS / 3)
      .compose(peer -> {
        BotOwner holder = peer.owner(cluster.nodeId());
        return registry.register("Keeper", holder)
          .compose(r -> registry.takeover("Keeper", newcomer, holder))
          .compose(result -> registry.lookup("Keeper").map(now -> {
            test.verify(() -> {
              assertThat(result).isEqualTo(ClaimResult.alive());
              assertThat(now).isEqualTo(holder);
              assertThat(peer.questions()).containsExactly(new JsonObject()
                .put("kind", "isalive").put("to", holder.conn()).put("bot", "Keeper").put("windowMs", WINDOW_MS));
            });
            return now;
          }));
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aHolderThatAnswersNotAliveLosesTheNameAtOnce(Vertx vertx, VertxTestContext test) {
    BotOwner newcomer = owner("newcomer");
    EndpointPeer.start(vertx, NOT_ALIVE)
      .compose(peer -> {
        BotOwner holder = peer.owner(cluster.nodeId());
        return registry.register("Closed", holder)
          .compose(r -> registry.takeover("Closed", newcomer, holder))
          .compose(result -> registry.lookup("Closed").map(now -> {
            test.verify(() -> {
              assertThat(result).isEqualTo(ClaimResult.added());
              assertThat(now).isEqualTo(newcomer);
              assertThat(peer.questions()).hasSize(1);
            });
            return holder;
          }));
      })
      .compose(holder -> events.await(BotEvent.Kind.ONLINE, "Closed").map(holder))
      .compose(holder -> Polling.until(vertx, () -> Future.succeededFuture(events.of("Closed")), l -> l.size() == 3, 2000)
        .map(list -> {
          test.verify(() -> assertThat(list).containsExactly(BotEvent.online("Closed", holder),
            BotEvent.offline("Closed", holder), BotEvent.online("Closed", newcomer)));
          return list;
        }))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aHolderThatLosesItsNameToATakeoverOrAKickIsToldButNotOfItsOwnRelease(Vertx vertx, VertxTestContext test) {
    EndpointPeer.start(vertx, NOT_ALIVE)
      .compose(peer -> {
        BotOwner takenOver = peer.owner(cluster.nodeId());
        BotOwner kicked = peer.owner(cluster.nodeId());
        BotOwner released = peer.owner(cluster.nodeId());
        return registry.register("Told", takenOver)
          .compose(r -> registry.takeover("Told", owner("newcomer"), takenOver))
          .compose(r -> registry.register("Victim", kicked))
          .compose(r -> registry.kick("Victim"))
          // its own node's release: only that node may release, and it knows already
          .compose(r -> registry.register("Leaving", released))
          .compose(r -> registry.unregister("Leaving", released))
          .compose(r -> Polling.until(vertx, () -> Future.succeededFuture(peer.deliveries()), l -> l.size() >= 2, 2000))
          .map(notices -> {
            test.verify(() -> assertThat(notices).containsExactlyInAnyOrder(
              new WnetDelivery.NameRemoved(takenOver.conn(), "Told", "taken-over").toJson(),
              new JsonObject().put("kind", "removed").put("to", kicked.conn()).put("bot", "Victim")
                .put("reason", "kicked")));
            return notices;
          });
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void anOwnerOnANodeThatIsNotAMemberIsRefused(VertxTestContext test) {
    BotOwner invented = new BotOwner("test.nowhere.invented", "conn", "not-a-node", "mallory");
    Future<String> register = registry.register("Invented", invented).map(r -> "registered")
      .recover(t -> Future.succeededFuture(BusFailure.from(t).code() + " " + BusFailure.from(t).reason() + ": " + BusFailure.from(t).text()));
    Future<String> takeover = registry.takeover("Invented", invented, owner("previous")).map(r -> "taken over")
      .recover(t -> Future.succeededFuture(BusFailure.from(t).code() + " " + BusFailure.from(t).reason()));
    Future.all(register, takeover)
      .compose(all -> registry.lookup("Invented").map("stored").recover(t -> Future.succeededFuture(BusFailure.from(t).reason())))
      .onComplete(test.succeeding(stored -> test.verify(() -> {
        assertThat(register.result())
          .isEqualTo("409 unknown-node: the owner's node not-a-node is not a live member of the cluster");
        assertThat(takeover.result()).isEqualTo("409 unknown-node");
        assertThat(stored).isEqualTo("unknown-bot");
        assertThat(events.of("Invented")).isEmpty();
        test.completeNow();
      })));
  }

  @Test
  void anOwnerWhoseNodeLeavesWhileTheNameIsWrittenDoesNotKeepIt(Vertx vertx, VertxTestContext test) {
    // The node passes the check before the write and is gone at the check after it: the sweep for that node may
    // have read the table before the write landed, so the registry must undo it itself.
    LocalClusterView self = new LocalClusterView();
    LeavingNode view = new LeavingNode(self, "leaving-node");
    BotRegistry direct = new BotRegistry(vertx, LocalNameTable.of(vertx), view, new LivenessProbe(vertx, view, config),
      Clock.systemUTC(), NodeOps.of(vertx).meters());
    BotOwner owner = new BotOwner("test.nowhere.leaving", "conn", "leaving-node", "tester");
    direct.register(new Sender("leaving-node", null), "Leaver", owner)
      .map(r -> "registered").recover(t -> Future.succeededFuture(BusFailure.from(t).reason()))
      .compose(outcome -> LocalNameTable.of(vertx).get("Leaver").map(stored -> {
        test.verify(() -> {
          assertThat(outcome).isEqualTo("unknown-node");
          assertThat(stored).isNull();
          assertThat(events.of("Leaver")).isEmpty();
        });
        return stored;
      }))
      .onComplete(test.succeedingThenComplete());
  }

  /** The local view, plus one extra node that is a member for exactly one membership check. */
  private static final class LeavingNode implements ClusterView {
    private final ClusterView local;
    private final String node;
    private int checksLeft = 1;

    LeavingNode(ClusterView local, String node) {
      this.local = local;
      this.node = node;
    }

    @Override
    public String nodeId() {
      return local.nodeId();
    }

    @Override
    public boolean isMember(String id) {
      if (node.equals(id)) return checksLeft-- > 0;
      return local.isMember(id);
    }

    @Override
    public Set<String> members() {
      return local.members();
    }

    @Override
    public void onMemberRemoved(Consumer<String> listener) {
    }

    @Override
    public boolean clustered() {
      return false;
    }
  }

  /** Rows: address | body | reason | text. Every registry address, missing fields, bodies of other types. */
  @ParameterizedTest
  @ValueSource(strings = {
    Addresses.WNET_REGISTER + "|{\"owner\":{\"address\":\"a\",\"conn\":\"c\",\"node\":\"n\"}}|bad-name|a bot name is 1 to 18 letters a-z or A-Z",
    Addresses.WNET_REGISTER + "|{\"name\":\"Ok\"}|bad-request|missing object field 'owner'",
    Addresses.WNET_REGISTER + "|{\"name\":\"Ok\",\"owner\":{\"address\":\"a\",\"node\":\"n\"}}|bad-request|missing string field 'conn'",
    Addresses.WNET_TAKEOVER + "|{\"name\":\"Ok\",\"owner\":{\"address\":\"a\",\"conn\":\"c\",\"node\":\"n\"}}|bad-request|missing object field 'previous'",
    Addresses.WNET_LOOKUP + "|{}|bad-request|missing string field 'name'",
    Addresses.WNET_REGISTER + "|\"text\"|bad-request|the request body must be a JSON object",
    Addresses.WNET_TAKEOVER + "|[1,2]|bad-request|the request body must be a JSON object",
    Addresses.WNET_UNREGISTER + "|42|bad-request|the request body must be a JSON object",
    Addresses.WNET_LOOKUP + "|true|bad-request|the request body must be a JSON object",
    Addresses.WNET_LOOKUP + "|null|bad-request|empty request",
    Addresses.WNET_SEARCH + "|\"Ec\"|bad-request|the request body must be a JSON object",
    Addresses.WNET_REGISTER + "|{\"name\":7,\"owner\":{}}|bad-request|field 'name' must be a string",
    Addresses.WNET_REGISTER + "|{\"name\":\"Ok\",\"owner\":\"text\"}|bad-request|field 'owner' must be an object",
    Addresses.WNET_REGISTER + "|{\"name\":\"Ok\",\"owner\":[]}|bad-request|field 'owner' must be an object",
    Addresses.WNET_REGISTER + "|{\"name\":\"Ok\",\"owner\":{\"address\":1,\"conn\":\"c\",\"node\":\"n\"}}|bad-request|field 'address' must be a string",
    Addresses.WNET_REGISTER + "|{\"name\":\"Ok\",\"owner\":{\"address\":\"a\",\"conn\":\"c\",\"node\":\"n\",\"account\":5}}|bad-request|field 'account' must be a string",
    Addresses.WNET_TAKEOVER + "|{\"name\":\"Ok\",\"owner\":{\"address\":\"a\",\"conn\":\"c\",\"node\":\"n\"},\"previous\":\"x\"}|bad-request|field 'previous' must be an object",
    Addresses.WNET_TAKEOVER + "|{\"name\":\"Ok\",\"owner\":{\"address\":\"a\",\"conn\":{},\"node\":\"n\"},\"previous\":{}}|bad-request|field 'conn' must be a string",
    Addresses.WNET_UNREGISTER + "|{\"name\":[],\"owner\":{\"address\":\"a\",\"conn\":\"c\",\"node\":\"n\"}}|bad-request|field 'name' must be a string",
    Addresses.WNET_UNREGISTER + "|{\"name\":\"Ok\",\"owner\":{\"address\":\"a\",\"conn\":\"c\",\"node\":false}}|bad-request|field 'node' must be a string",
    Addresses.WNET_LOOKUP + "|{\"name\":3}|bad-request|field 'name' must be a string",
    Addresses.WNET_SEARCH + "|{\"prefix\":{}}|bad-request|field 'prefix' must be a string"})
  void malformedRequestsAreRefusedWith400(String row, Vertx vertx, VertxTestContext test) {
    String[] cells = row.split("\\|");
    vertx.eventBus().request(cells[0], Json.decodeValue(cells[1])).onComplete(test.failing(t -> test.verify(() -> {
      BusFailure failure = BusFailure.from(t);
      assertThat(failure.code()).isEqualTo(400);
      assertThat(failure.reason()).isEqualTo(cells[2]);
      assertThat(failure.text()).isEqualTo(cells[3]);
      test.completeNow();
    })));
  }

  @Test
  void aHolderWithoutEndpointIsDeadWithoutWaitingForTheWindow(VertxTestContext test) {
    config.update(config.get().with("wnet.takeover-window-ms", 10_000));
    BotOwner holder = new BotOwner("test.endpoint.gone", "conn", cluster.nodeId(), "tester");
    BotOwner newcomer = owner("newcomer");
    long started = System.nanoTime();
    registry.register("Gone", holder)
      .compose(r -> registry.takeover("Gone", newcomer, holder))
      .onComplete(test.succeeding(result -> test.verify(() -> {
        assertThat(result).isEqualTo(ClaimResult.added());
        // NO_HANDLERS is final at once: the 10 s window was not waited for.
        assertThat(elapsedMs(started)).isLessThan(5_000);
        test.completeNow();
      })));
  }

  @Test
  void aHolderThatNeverAnswersLosesTheNameWhenTheWindowPasses(Vertx vertx, VertxTestContext test) {
    BotOwner newcomer = owner("newcomer");
    EndpointPeer.start(vertx, SILENT)
      .compose(peer -> {
        BotOwner holder = peer.owner(cluster.nodeId());
        long started = System.nanoTime();
        return registry.register("Silent", holder)
          .compose(r -> registry.takeover("Silent", newcomer, holder))
          .map(result -> {
            test.verify(() -> {
              assertThat(result).isEqualTo(ClaimResult.added());
              assertThat(elapsedMs(started)).isGreaterThanOrEqualTo(WINDOW_MS);
              assertThat(peer.questions()).hasSize(1);
            });
            return result;
          });
      })
      .compose(r -> registry.lookup("Silent"))
      .onComplete(test.succeeding(now -> test.verify(() -> {
        assertThat(now).isEqualTo(newcomer);
        test.completeNow();
      })));
  }

  @Test
  void aHolderOnANodeThatLeftIsDeadWithoutAQuestion(Vertx vertx, VertxTestContext test) {
    BotOwner newcomer = owner("newcomer");
    EndpointPeer.start(vertx, ALIVE)
      .compose(peer -> {
        // As a node that left would have left it (a registration for it would be refused now).
        BotOwner holder = peer.owner("node-that-left");
        return LocalNameTable.of(vertx).putIfAbsent("Orphan", holder, 0)
          .compose(r -> registry.takeover("Orphan", newcomer, holder))
          .map(result -> {
            test.verify(() -> {
              assertThat(result).isEqualTo(ClaimResult.added());
              assertThat(peer.questions()).isEmpty();
            });
            return result;
          });
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void takeoverOfANameHeldBySomeoneElseIsOccupiedWithoutAQuestion(Vertx vertx, VertxTestContext test) {
    BotOwner newcomer = owner("newcomer");
    EndpointPeer.start(vertx, NOT_ALIVE)
      .compose(peer -> {
        BotOwner holder = peer.owner(cluster.nodeId());
        BotOwner stalePrevious = peer.owner(cluster.nodeId());
        return registry.register("Moved", holder)
          .compose(r -> registry.takeover("Moved", newcomer, stalePrevious))
          .map(result -> {
            test.verify(() -> {
              assertThat(result).isEqualTo(ClaimResult.occupied(holder));
              assertThat(peer.questions()).isEmpty();
            });
            return result;
          });
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void takeoverOfAFreeNameAddsIt(VertxTestContext test) {
    BotOwner newcomer = owner("newcomer");
    registry.takeover("Freed", newcomer, owner("previous"))
      .compose(result -> registry.lookup("Freed").map(now -> List.of(result, now)))
      .onComplete(test.succeeding(results -> test.verify(() -> {
        assertThat(results).containsExactly(ClaimResult.added(), newcomer);
        test.completeNow();
      })));
  }

  @Test
  void racingNewcomersShareOneQuestionAndExactlyOneWins(Vertx vertx, VertxTestContext test) {
    List<BotOwner> newcomers = List.of(owner("a"), owner("b"), owner("c"), owner("d"));
    EndpointPeer.start(vertx, SILENT)
      .compose(peer -> {
        BotOwner holder = peer.owner(cluster.nodeId());
        return registry.register("Contested", holder).compose(r -> {
          List<Future<ClaimResult>> racing = new ArrayList<>();
          newcomers.forEach(n -> racing.add(registry.takeover("Contested", n, holder)));
          return Future.all(racing).map(all -> racing.stream().map(Future::result).toList());
        }).compose(results -> registry.lookup("Contested").map(winner -> {
          test.verify(() -> {
            assertThat(newcomers).contains(winner);
            assertThat(results).containsOnlyOnce(ClaimResult.added());
            assertThat(results).filteredOn(r -> r.outcome() == ClaimResult.Outcome.OCCUPIED)
              .hasSize(newcomers.size() - 1)
              .allSatisfy(r -> assertThat(r.holder()).isEqualTo(winner));
            assertThat(peer.questions()).hasSize(1);
          });
          return winner;
        }));
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void unregisterRemovesOnlyTheHoldersName(VertxTestContext test) {
    BotOwner holder = owner("holder");
    registry.register("Leaving", holder)
      .compose(r -> registry.unregister("Leaving", owner("impostor")))
      .compose(byImpostor -> registry.lookup("Leaving").map(stillHeld -> {
        test.verify(() -> {
          assertThat(byImpostor).isFalse();
          assertThat(stillHeld).isEqualTo(holder);
        });
        return stillHeld;
      }))
      .compose(h -> registry.unregister("Leaving", holder))
      .compose(byHolder -> events.await(BotEvent.Kind.OFFLINE, "Leaving").map(offline -> {
        test.verify(() -> {
          assertThat(byHolder).isTrue();
          assertThat(offline).isEqualTo(BotEvent.offline("Leaving", holder));
        });
        return offline;
      }))
      .compose(offline -> registry.unregister("Leaving", holder))
      .compose(again -> registry.lookup("Leaving").map(again))
      .onComplete(test.failing(t -> test.verify(() -> {
        assertThat(BusFailure.from(t).reason()).isEqualTo("unknown-bot");
        test.completeNow();
      })));
  }

  @Test
  void searchListsNamesStartingWithThePrefixSorted(VertxTestContext test) {
    List<String> names = List.of("beta", "alpha", "Alpine", "alps", "Al", "al", "zed");
    List<Future<ClaimResult>> registrations = new ArrayList<>();
    names.forEach(n -> registrations.add(registry.register(n, owner(n))));
    Future.all(registrations)
      .compose(all -> registry.unregister("zed", owner("not-the-holder")))
      .compose(notRemoved -> Future.all(List.of(registry.search(""), registry.search("al"), registry.search("Al"),
        registry.search("alp"), registry.search("q"), registry.search("alphabetically"))))
      .onComplete(test.succeeding(all -> test.verify(() -> {
        assertThat(all.<List<String>>resultAt(0)).containsExactly("Al", "Alpine", "al", "alpha", "alps", "beta", "zed");
        assertThat(all.<List<String>>resultAt(1)).containsExactly("al", "alpha", "alps");
        assertThat(all.<List<String>>resultAt(2)).containsExactly("Al", "Alpine");
        assertThat(all.<List<String>>resultAt(3)).containsExactly("alpha", "alps");
        assertThat(all.<List<String>>resultAt(4)).isEmpty();
        assertThat(all.<List<String>>resultAt(5)).isEmpty();
        test.completeNow();
      })));
  }

  @Test
  void searchForgetsUnregisteredNames(VertxTestContext test) {
    BotOwner one = owner("one");
    registry.register("Ephemeral", one)
      .compose(r -> registry.register("Enduring", owner("two")))
      .compose(r -> registry.unregister("Ephemeral", one))
      .compose(removed -> registry.search("E"))
      .onComplete(test.succeeding(found -> test.verify(() -> {
        assertThat(found).containsExactly("Enduring");
        test.completeNow();
      })));
  }

  @Test
  void listShowsEveryRegistrationWithItsOwnerAndWhenItGotTheName(Vertx vertx, VertxTestContext test) {
    long first = clock.millis();
    BotOwner weather = owner("weather");
    BotOwner news = owner("news");
    BotOwner newcomer = owner("newcomer");
    EndpointPeer.start(vertx, NOT_ALIVE)
      .compose(peer -> {
        BotOwner dead = peer.owner(cluster.nodeId());
        return registry.register("Weather", weather)
          .compose(r -> {
            clock.advance(Duration.ofMinutes(5));
            return registry.register("News", news);
          })
          .compose(r -> registry.register("Wiki", dead))
          .compose(r -> {
            clock.advance(Duration.ofMinutes(5));
            // a takeover gives the name a new owner and a new time; registering again (idempotent) keeps the time
            return registry.takeover("Wiki", newcomer, dead).compose(t -> registry.register("Weather", weather));
          });
      })
      .compose(r -> Future.all(registry.list(""), registry.list("W"), registry.list("w")))
      .onComplete(test.succeeding(all -> test.verify(() -> {
        assertThat(all.<List<BotRegistration>>resultAt(0)).containsExactly(
          new BotRegistration("News", news, first + Duration.ofMinutes(5).toMillis()),
          new BotRegistration("Weather", weather, first),
          new BotRegistration("Wiki", newcomer, first + Duration.ofMinutes(10).toMillis()));
        assertThat(all.<List<BotRegistration>>resultAt(1)).extracting(BotRegistration::name).containsExactly("Weather", "Wiki");
        assertThat(all.<List<BotRegistration>>resultAt(2)).isEmpty();
        test.completeNow();
      })));
  }

  @Test
  void kickFreesTheNameWhoeverHoldsItAndTellsTheHolder(Vertx vertx, VertxTestContext test) {
    long at = clock.millis();
    EndpointPeer.start(vertx, ALIVE)
      .compose(peer -> {
        BotOwner holder = peer.owner(cluster.nodeId());
        return registry.register("Noisy", holder)
          .compose(r -> registry.kick("Noisy"))
          .compose(kicked -> events.await(BotEvent.Kind.OFFLINE, "Noisy").map(offline -> {
            test.verify(() -> {
              assertThat(kicked).isEqualTo(new BotRegistration("Noisy", holder, at));
              assertThat(offline).isEqualTo(BotEvent.offline("Noisy", holder));
            });
            return kicked;
          }))
          .compose(k -> Polling.until(vertx, () -> Future.succeededFuture(peer.deliveries()), l -> !l.isEmpty(), 2000))
          .map(notices -> {
            test.verify(() -> assertThat(notices).containsExactly(
              new WnetDelivery.NameRemoved(holder.conn(), "Noisy", "kicked").toJson()));
            return notices;
          });
      })
      // the name is free for anyone, and a second kick finds nobody
      .compose(n -> registry.register("Noisy", owner("next")))
      .compose(added -> registry.unregister("Noisy", owner("not-the-holder")).map(added))
      .compose(added -> Future.all(List.of(failureOf(registry.kick("Nobody")), failureOf(registry.kick("bad@name")),
        failureOf(registry.kick("")))).map(all -> {
          test.verify(() -> {
            assertThat(added).isEqualTo(ClaimResult.added());
            assertThat(all.<String>resultAt(0)).isEqualTo("404 unknown-bot no bot named Nobody is registered");
            assertThat(all.<String>resultAt(1)).isEqualTo("404 unknown-bot no bot has that name");
            assertThat(all.<String>resultAt(2)).isEqualTo("400 bad-request field 'name' must not be empty");
          });
          return all;
        }))
      .onComplete(test.succeedingThenComplete());
  }

  private static Future<String> failureOf(Future<?> call) {
    return call.map(r -> "succeeded: " + r)
      .recover(t -> {
        BusFailure f = BusFailure.from(t);
        return Future.succeededFuture(f.code() + " " + f.reason() + " " + f.text());
      });
  }

  private static long elapsedMs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  /** An owner on this (the only) node, at an address nobody listens on. */
  private BotOwner owner(String conn) {
    return new BotOwner("test.nowhere." + conn, conn + "-" + UUID.randomUUID(), cluster.nodeId(), "tester");
  }
}
