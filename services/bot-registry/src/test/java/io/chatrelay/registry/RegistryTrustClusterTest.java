package io.chatrelay.registry;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may claim, release and kick names, on real members: two members with the cluster's bus key and a registry
 * each, and a stranger that joined the same Hazelcast cluster with another key (docs/security.md, "What
 * membership grants"). Before node grants, every request below was obeyed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RegistryTrustClusterTest {
  private static RegistryCluster cluster;
  private static int stranger;

  @BeforeAll
  static void startCluster(VertxTestContext test) {
    RegistryCluster.start(2, 1, 300)
      .compose(c -> {
        cluster = c;
        return c.startStranger();
      })
      .onComplete(test.succeeding(index -> {
        stranger = index;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stopCluster(VertxTestContext test) {
    RegistryCluster.closeThenComplete(cluster, test);
  }

  @Test
  void aMemberWithoutTheBusKeyCanClaimReleaseAndKickNothing(VertxTestContext test) {
    BotOwner holder = owner(0, "alice");
    BotOwner strangers = owner(stranger, "mallory");
    Map<String, Future<String>> outcomes = new LinkedHashMap<>();
    cluster.client(0).register("Trusted", holder).compose(r -> {
      outcomes.put("unregister", outcome(cluster.client(stranger).unregister("Trusted", holder)));
      outcomes.put("register", outcome(cluster.client(stranger).register("Forged", strangers)));
      outcomes.put("takeover", outcome(cluster.client(stranger).takeover("Trusted", strangers, holder)));
      outcomes.put("kick", outcome(cluster.client(stranger).kick("Trusted")));
      // no grant at all: what a member built from vertx-core and the docs sends
      outcomes.put("bare unregister", outcome(cluster.node(stranger).vertx().eventBus()
        .request(Addresses.WNET_UNREGISTER, new JsonObject().put("name", "Trusted").put("owner", holder.toJson()))));
      return Future.join(List.copyOf(outcomes.values()));
    })
      .compose(all -> cluster.client(1).lookup("Trusted"))
      .onComplete(test.succeeding(stillHeld -> test.verify(() -> {
        assertThat(outcomes.get("unregister").result()).isEqualTo("403 bad-grant");
        assertThat(outcomes.get("register").result()).isEqualTo("403 bad-grant");
        assertThat(outcomes.get("takeover").result()).isEqualTo("403 bad-grant");
        assertThat(outcomes.get("kick").result()).isEqualTo("403 bad-grant");
        assertThat(outcomes.get("bare unregister").result()).isEqualTo("403 unauthenticated");
        assertThat(stillHeld).isEqualTo(holder);
        test.completeNow();
      })));
  }

  @Test
  void aMemberWithTheKeyActsOnlyForOwnersOnItsOwnLiveNode(VertxTestContext test) {
    BotOwner onZero = owner(0, "bob");
    BotOwner invented = new BotOwner("test.endpoint.invented", UUID.randomUUID().toString(), "not-a-member", "bob");
    Map<String, Future<String>> outcomes = new LinkedHashMap<>();
    cluster.client(0).register("Owned", onZero).compose(r -> {
      outcomes.put("other node's release", outcome(cluster.client(1).unregister("Owned", onZero)));
      outcomes.put("other node's claim", outcome(cluster.client(1).register("ForZero", owner(0, "carol"))));
      outcomes.put("other node's takeover", outcome(cluster.client(1).takeover("Owned", owner(0, "dave"), onZero)));
      outcomes.put("not a member", outcome(cluster.client(0).register("Nowhere", invented)));
      return Future.join(List.copyOf(outcomes.values()));
    })
      .compose(all -> cluster.client(1).lookup("Owned"))
      .compose(stillHeld -> cluster.client(0).unregister("Owned", onZero).map(released -> {
        test.verify(() -> {
          assertThat(outcomes.get("other node's release").result()).isEqualTo("403 not-your-node");
          assertThat(outcomes.get("other node's claim").result()).isEqualTo("403 not-your-node");
          assertThat(outcomes.get("other node's takeover").result()).isEqualTo("403 not-your-node");
          assertThat(outcomes.get("not a member").result()).isEqualTo("409 unknown-node");
          assertThat(stillHeld).isEqualTo(onZero);
          assertThat(released).as("its own node releases it").isTrue();
        });
        return released;
      }))
      .onComplete(test.succeedingThenComplete());
  }

  private static BotOwner owner(int member, String account) {
    return new BotOwner("test.endpoint." + account, UUID.randomUUID().toString(), cluster.nodeId(member), account);
  }

  /** "done" on success, else "code reason". */
  private static Future<String> outcome(Future<?> request) {
    return request.map(r -> "done").recover(t -> {
      BusFailure f = BusFailure.from(t);
      return Future.succeededFuture(f.code() + " " + f.reason());
    });
  }
}
