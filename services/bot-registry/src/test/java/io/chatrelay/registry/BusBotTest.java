package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.shared.wnet.BotEvent;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.shared.wnet.BusBot;
import io.chatrelay.shared.wnet.ClaimResult;

import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An in-cluster bot on one member and a wnet "client" endpoint on another, meeting through the registry the way a
 * WS edge node would: lookup, Connection request, messages both ways, client gone, takeover refused, close.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BusBotTest {
  private static final String CLIENT_ADDRESS = "test.client.endpoint";
  private static final String SID = "client-sid-1";

  private static RegistryCluster cluster;
  private static BotEventLog events;
  /** Deliveries the client endpoint received. */
  private static final List<JsonObject> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startCluster(VertxTestContext test) {
    RegistryCluster.start(2, 300)
      .compose(c -> {
        cluster = c;
        return c.node(0).vertx().eventBus().<JsonObject>consumer(CLIENT_ADDRESS, msg -> received.add(msg.body())).completion();
      })
      .compose(v -> BotEventLog.listen(cluster.node(0).vertx()))
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
  void aClientTalksToABusBotThroughTheRegistry(VertxTestContext test) {
    Vertx botSide = cluster.node(1).vertx();
    Vertx clientSide = cluster.node(0).vertx();
    EventBus bus = clientSide.eventBus();
    BotRegistryClient registry = cluster.client(0);
    BusBot echo = new BusBot(botSide, cluster.nodeId(1), "Echo", "system");
    Promise<String> gone = Promise.promise();
    List<String> removals = new CopyOnWriteArrayList<>();
    echo.onNameRemoved(removals::add);
    echo.onConnected((sid, auth) -> echo.send(sid, "welcome " + auth))
      .onMessage((sid, text) -> echo.send(sid, "You said: " + text))
      .onClientGone(gone::tryComplete);

    botSide.runOnContext(v -> echo.register()
      .compose(registered -> registry.lookup("Echo"))
      .compose(owner -> {
        test.verify(() -> assertThat(owner).isEqualTo(echo.owner()));
        return bus.<JsonObject>request(owner.address(),
            new WnetDelivery.Connection(owner.conn(), "Echo", SID, CLIENT_ADDRESS, "alice").toJson())
          .compose(connected -> {
            test.verify(() -> assertThat(connected.body()).isEqualTo(new JsonObject()));
            bus.send(owner.address(), new WnetDelivery.ClientMessage(owner.conn(), "Echo", SID, "hi @ there").toJson());
            return Polling.until(clientSide, () -> Future.succeededFuture(List.copyOf(received)), l -> l.size() >= 2, 5000);
          })
          .compose(messages -> {
            test.verify(() -> {
              assertThat(messages).containsExactly(
                new WnetDelivery.BotMessage(SID, "Echo", "welcome alice").toJson(),
                new WnetDelivery.BotMessage(SID, "Echo", "You said: hi @ there").toJson());
              assertThat(echo.clients()).containsExactly(SID);
            });
            return bus.<JsonObject>request(owner.address(), new WnetDelivery.IsAlive(owner.conn(), "Echo", 300).toJson());
          })
          .compose(alive -> {
            test.verify(() -> assertThat(alive.body()).isEqualTo(new JsonObject().put("alive", true)));
            BotOwner newcomer = new BotOwner("test.newcomer", "conn", cluster.nodeId(0), "newcomer");
            return registry.takeover("Echo", newcomer, owner);
          })
          .compose(takeover -> {
            test.verify(() -> assertThat(takeover).isEqualTo(ClaimResult.alive()));
            bus.send(owner.address(), new WnetDelivery.ClientGone(owner.conn(), "Echo", SID).toJson());
            return gone.future();
          })
          .compose(sid -> {
            test.verify(() -> {
              assertThat(sid).isEqualTo(SID);
              assertThat(echo.clients()).isEmpty();
            });
            return echo.send(SID, "anyone?").map("sent").recover(t -> Future.succeededFuture(BusFailure.from(t).reason()));
          })
          .compose(sendAfterGone -> {
            test.verify(() -> assertThat(sendAfterGone).isEqualTo("unknown-client"));
            return echo.close();
          })
          .compose(closed -> events.await(BotEvent.Kind.OFFLINE, "Echo"))
          .compose(offline -> registry.lookup("Echo").map("still registered")
            .recover(t -> Future.succeededFuture(BusFailure.from(t).reason())));
      })
      .onComplete(test.succeeding(afterClose -> test.verify(() -> {
        assertThat(afterClose).isEqualTo("unknown-bot");
        // Its own close is not a removal by someone else (the registry's notice came before the unregister reply).
        assertThat(removals).isEmpty();
        test.completeNow();
      }))));
  }

  @Test
  void anotherMemberCannotReleaseABusBotsNameAndAKickedBotIsTold(VertxTestContext test) {
    Vertx botSide = cluster.node(1).vertx();
    BusBot bot = new BusBot(botSide, cluster.nodeId(1), "Evicted", "system");
    Promise<String> removed = Promise.promise();
    bot.onNameRemoved(removed::tryComplete);
    botSide.runOnContext(v -> bot.register()
      .compose(registered -> cluster.client(0).lookup("Evicted"))
      // Member 0 is not the bot's node: its release is refused, the bot keeps the name.
      .compose(owner -> cluster.client(0).unregister("Evicted", owner).map(r -> "released: " + r)
        .recover(t -> Future.succeededFuture(BusFailure.from(t).code() + " " + BusFailure.from(t).reason())))
      .compose(outcome -> cluster.client(0).lookup("Evicted").map(holder -> {
        test.verify(() -> {
          assertThat(outcome).isEqualTo("403 not-your-node");
          assertThat(holder).isEqualTo(bot.owner());
          assertThat(removed.future().isComplete()).isFalse();
        });
        return holder;
      }))
      // An administrator's kick (from any member) frees it, and the bot hears of it.
      .compose(holder -> cluster.client(0).kick("Evicted"))
      .compose(kicked -> removed.future())
      .compose(reason -> {
        test.verify(() -> assertThat(reason).isEqualTo("kicked"));
        // The bot stopped receiving: its address has no consumer left on its node.
        return Polling.until(botSide, () -> botSide.eventBus()
            .request(bot.owner().address(), new WnetDelivery.IsAlive(bot.owner().conn(), "Evicted", 300).toJson(),
              new DeliveryOptions().setLocalOnly(true).setSendTimeout(1000))
            .map("answered").recover(t -> Future.succeededFuture(BusFailure.from(t).reason())),
          "unavailable"::equals, 5000);
      })
      .onComplete(test.succeedingThenComplete()));
  }

  @Test
  void aSecondBusBotCannotTakeTheNameOfALiveOne(VertxTestContext test) {
    Vertx vertx = cluster.node(1).vertx();
    BusBot first = new BusBot(vertx, cluster.nodeId(1), "Unique", "system");
    BusBot second = new BusBot(cluster.node(0).vertx(), cluster.nodeId(0), "Unique", "other");
    first.register()
      .compose(v -> second.register().map("registered").recover(t -> Future.succeededFuture(BusFailure.from(t).reason())))
      .compose(outcome -> cluster.client(0).lookup("Unique").map(holder -> {
        test.verify(() -> {
          assertThat(outcome).isEqualTo("name-taken");
          assertThat(holder).isEqualTo(first.owner());
        });
        return holder;
      }))
      .compose(holder -> first.close())
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aBusBotTakesOverANameLeftByADeadHolder(VertxTestContext test) {
    BotOwner leftover = new BotOwner("test.endpoint.closed", "conn", "node-that-left", "ghost");
    BusBot bot = new BusBot(cluster.node(1).vertx(), cluster.nodeId(1), "Reborn", "system");
    // As a node that died unseen would leave it (the registry refuses to register a name for a non-member).
    IMap<String, String> table = cluster.view(0).hazelcast().getMap(HazelcastNameTable.MAP_NAME);
    cluster.node(0).vertx().executeBlocking(() -> table.put("Reborn", leftover.encode()))
      .compose(r -> bot.register())
      .compose(v -> cluster.client(0).lookup("Reborn"))
      .compose(holder -> {
        test.verify(() -> assertThat(holder).isEqualTo(bot.owner()));
        return bot.close();
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void deliveriesForAnotherConnectionOrOfAnUnknownKindAreRefused(VertxTestContext test) {
    BusBot bot = new BusBot(cluster.node(1).vertx(), cluster.nodeId(1), "Strict", "system");
    EventBus bus = cluster.node(0).vertx().eventBus();
    bot.register()
      .compose(v -> {
        String address = bot.owner().address();
        Future<String> wrongConnection = bus.request(address, new WnetDelivery.IsAlive("someone-else", "Strict", 300).toJson())
          .map(r -> "answered").recover(t -> Future.succeededFuture(BusFailure.from(t).reason()));
        Future<String> unknownKind = bus.request(address, new JsonObject().put("kind", "dance").put("to", bot.owner().conn()))
          .map(r -> "answered").recover(t -> Future.succeededFuture(BusFailure.from(t).reason()));
        return Future.all(wrongConnection, unknownKind).map(all -> List.of(wrongConnection.result(), unknownKind.result()));
      })
      .compose(reasons -> {
        test.verify(() -> assertThat(reasons).containsExactly("unknown-connection", "bad-request"));
        return bot.close();
      })
      .onComplete(test.succeedingThenComplete());
  }
}
