package io.chatrelay.store;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.BusKey;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.Granted;
import io.chatrelay.shared.testing.TestCluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the message store obeys, on real members: member 0 runs the store, member 1 has the cluster's bus key (as
 * an edge or the admin API does), member 2 joined the same Hazelcast cluster with another key (issue 9: a member
 * with no credentials sent as others, banned as the administrator, created accounts and rotated keys).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class StoreTrustClusterTest {
  private static final TestCluster CLUSTER = new TestCluster(3);
  private static Vertx trusted;
  private static Vertx stranger;
  private static AccountInfo alice;
  private static AccountInfo shop;

  @BeforeAll
  static void start(VertxTestContext test) {
    CLUSTER.start(0).compose(store -> {
      ServiceContext ctx = new ServiceContext(store.vertx(), new LiveConfig(CLUSTER.config(0, Map.of(
        "database.kind", "embedded", "database.embedded-file", "mem:trust-" + UUID.randomUUID(),
        "accounts.password-iterations", 1000))), store.cluster(), Clock.systemUTC());
      return store.vertx().deployVerticle(new MessageStoreVerticle(ctx));
    })
      .compose(id -> CLUSTER.start(1)).map(NodeBootstrap.Node::vertx).onSuccess(v -> trusted = v)
      .compose(v -> CLUSTER.start(2, Map.of("cluster.bus-key", "another-key-than-the-clusters-" + UUID.randomUUID())))
      .map(NodeBootstrap.Node::vertx).onSuccess(v -> stranger = v)
      .compose(v -> account("alice", "member")).onSuccess(a -> alice = a)
      .compose(v -> account("shop", "professional")).onSuccess(a -> shop = a)
      .onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    CLUSTER.close().onComplete(test.succeedingThenComplete());
  }

  /** Created by the trusted member through the admin address: the admin API's and CLI's path works. */
  private static Future<AccountInfo> account(String name, String role) {
    return Granted.request(trusted, Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", name).put("role", role))
      .map(reply -> new AccountInfo(reply.getLong("id"), name, Role.fromWire(role)));
  }

  @Test
  void aMemberWithoutTheKeyCannotActForAnAccountNorAdministerAccounts(VertxTestContext test) {
    Map<String, Future<String>> outcomes = new LinkedHashMap<>();
    MessageRequest.Send asAlice = new MessageRequest.Send(alice, shop.id(), "forged");
    MessageRequest.Ban asAdmin = new MessageRequest.Ban(AccountInfo.SETTINGS_ADMIN, alice.id());
    MessageRequest.Unread shopsMail = new MessageRequest.Unread(shop);
    // signed with its own key: a grant the cluster does not accept
    outcomes.put("send as alice", outcome(Granted.request(stranger, asAlice.address(), asAlice.toJson())));
    outcomes.put("ban as admin", outcome(Granted.request(stranger, asAdmin.address(), asAdmin.toJson())));
    outcomes.put("read shop's mail", outcome(Granted.request(stranger, shopsMail.address(), shopsMail.toJson())));
    outcomes.put("create admin", outcome(Granted.request(stranger, Addresses.ADMIN_ACCOUNTS_CREATE,
      new JsonObject().put("name", "root").put("role", "admin"))));
    outcomes.put("rotate alice's key", outcome(Granted.request(stranger, Addresses.ADMIN_ACCOUNTS_ROTATE_KEY,
      new JsonObject().put("name", "alice"))));
    outcomes.put("admin ban", outcome(Granted.request(stranger, Addresses.ADMIN_ACCOUNTS_BAN, new JsonObject().put("userId", alice.id()))));
    // no grant at all
    outcomes.put("bare send", outcome(stranger.eventBus().request(asAlice.address(), asAlice.toJson())));
    outcomes.put("bare rotate", outcome(stranger.eventBus().request(Addresses.ADMIN_ACCOUNTS_ROTATE_KEY, new JsonObject().put("name", "alice"))));
    // a real grant, but for another actor than the request's: the trusted member vouches for shop, not alice
    outcomes.put("grant for someone else", outcome(trusted.eventBus().request(asAlice.address(), asAlice.toJson(),
      BusKey.carrying(new DeliveryOptions(), BusKey.of(trusted).actorGrant(shop)))));
    // the old addresses are gone
    outcomes.put("old create", outcome(stranger.eventBus().request("chatrelay.accounts.create",
      new JsonObject().put("name", "root").put("role", "admin"), new DeliveryOptions().setSendTimeout(2000))));
    Future.join(List.copyOf(outcomes.values()))
      .compose(all -> Granted.request(trusted, shopsMail.address(), shopsMail.toJson()))
      .compose(mail -> Granted.request(trusted, Addresses.ADMIN_ACCOUNTS_LIST, new JsonObject()).map(list -> {
        test.verify(() -> {
          assertThat(outcomes.get("send as alice").result()).isEqualTo("403 bad-grant");
          assertThat(outcomes.get("ban as admin").result()).isEqualTo("403 bad-grant");
          assertThat(outcomes.get("read shop's mail").result()).isEqualTo("403 bad-grant");
          assertThat(outcomes.get("create admin").result()).isEqualTo("403 bad-grant");
          assertThat(outcomes.get("rotate alice's key").result()).isEqualTo("403 bad-grant");
          assertThat(outcomes.get("admin ban").result()).isEqualTo("403 bad-grant");
          assertThat(outcomes.get("bare send").result()).isEqualTo("403 unauthenticated");
          assertThat(outcomes.get("bare rotate").result()).isEqualTo("403 unauthenticated");
          assertThat(outcomes.get("grant for someone else").result()).isEqualTo("403 bad-grant");
          assertThat(outcomes.get("old create").result()).isEqualTo("503 unavailable");
          assertThat(mail.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("content")))
            .as("nothing was sent as alice").doesNotContain("forged");
          assertThat(list.getJsonArray("accounts").stream().map(a -> ((JsonObject) a).getString("name")))
            .containsExactly("alice", "shop");
        });
        return list;
      }))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aMemberWithTheKeySendsForItsAccountsAndAdministers(VertxTestContext test) {
    MessageRequest.Send send = new MessageRequest.Send(alice, shop.id(), "bonjour");
    Granted.request(trusted, send.address(), send.toJson())
      .compose(sent -> Granted.request(trusted, Addresses.ADMIN_ACCOUNTS_BAN, new JsonObject().put("userId", alice.id())))
      .compose(ban -> Granted.request(trusted, Addresses.ADMIN_ACCOUNTS_UNBAN, new JsonObject().put("userId", alice.id()))
        .map(unban -> {
          test.verify(() -> {
            assertThat(ban.getLong("userId")).isEqualTo(alice.id());
            assertThat(ban.getLong("setBy")).as("the settings-file administrator").isZero();
            assertThat(unban.getLong("userId")).isEqualTo(alice.id());
          });
          return unban;
        }))
      .compose(v -> Granted.request(trusted, Addresses.ADMIN_ACCOUNTS_ROTATE_KEY, new JsonObject().put("name", "shop")))
      .onComplete(test.succeeding(rotated -> test.verify(() -> {
        assertThat(rotated.getString("apiKey")).hasSize(64);
        test.completeNow();
      })));
  }

  private static Future<String> outcome(Future<?> request) {
    return request.map(r -> "done").recover(t -> {
      BusFailure f = BusFailure.from(t);
      return Future.succeededFuture(f.code() + " " + f.reason());
    });
  }
}
