package io.chatrelay.wnet;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.FakeAccounts;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code chatrelay.accounts.events} on the WS edge, over real WebSockets: a rotated API key ends the connections
 * it authenticated, a ban ends all of the account's, each with close 1008 and a reason, and their bot names are
 * free at once. The events are published here as the message store publishes them (its side is tested with it).
 */
@ExtendWith(VertxExtension.class)
class WnetAccountEventsTest {

  static void publish(Vertx vertx, String event, long id, String name) {
    vertx.eventBus().publish(Addresses.ACCOUNTS_EVENTS, new AccountEvent(event, id, name, System.currentTimeMillis()).toJson());
  }

  /** Asserts the connection is closed 1008 with {@code reason}, and returns in how many ms after {@code sinceNanos}. */
  static long expectClosedBy(WsPeer peer, String reason, long sinceNanos) {
    assertThat(peer.awaitClose()).isEqualTo(WnetSession.CLOSE_POLICY);
    long ms = (System.nanoTime() - sinceNanos) / 1_000_000;
    assertThat(peer.closeReason()).isEqualTo(reason);
    return ms;
  }

  static void expectNameFree(WsPeer asker, String name) {
    Await.until(name + " is free", () -> {
      asker.send("search@" + name);
      return asker.next().equals("list@" + name);
    });
  }

  @Test
  void aRotatedKeyEndsTheConnectionsItAuthenticatedAndFreesTheirNames(Vertx vertx) {
    WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), TestConfigs.local(), true);
    var bob = stack.createAccount("bob", "bob-pass");
    long bobId = bob.getLong("id");
    WsPeer keyBot = stack.connect(WsPeer.tokenCookie(bob.getString("apiKey")));
    keyBot.send("add@KeyBot");
    keyBot.expect("info@You added as bot");
    WsPeer passwordBot = stack.bot("PassBot", "bob", "bob-pass");
    WsPeer client = stack.anonymous();
    client.connectTo(keyBot, "KeyBot", "None");

    long published = System.nanoTime();
    publish(vertx, AccountEvent.KEY_ROTATED, bobId, "bob");
    long ms = expectClosedBy(keyBot, WnetNode.REASON_KEY_ROTATED, published);
    assertThat(ms).as("closed within 1 s of the rotation").isLessThan(1_000);
    client.expect("disconnectedfrom@KeyBot");
    expectNameFree(client, "KeyBot");
    // the same account's password connection is not the key's
    passwordBot.expectNothingElse();
    assertThat(passwordBot.isClosed()).isFalse();

    // an unban, or another account's event, ends nothing
    publish(vertx, AccountEvent.UNBANNED, bobId, "bob");
    publish(vertx, AccountEvent.BANNED, bobId + 1000, "carol");
    passwordBot.expectNothingElse();

    published = System.nanoTime();
    publish(vertx, AccountEvent.BANNED, bobId, "bob");
    assertThat(expectClosedBy(passwordBot, WnetNode.REASON_BANNED, published)).isLessThan(1_000);
    expectNameFree(client, "PassBot");
    client.send("search@");
    client.expect("list@");
  }

  @Test
  void aBanEndsEveryConnectionOfTheAccountAndNoOther(Vertx vertx) {
    WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), TestConfigs.local(), true);
    var alice = stack.createAccount("alice", "alice-pass");
    stack.createAccount("bob", "bob-pass");
    WsPeer aliceByKey = stack.connect(WsPeer.tokenCookie(alice.getString("apiKey")));
    WsPeer aliceByPassword = stack.connect(WsPeer.passwordCookie("alice", "alice-pass"));
    WsPeer bobBot = stack.bot("BobBot", "bob", "bob-pass");
    long published = System.nanoTime();
    publish(vertx, AccountEvent.BANNED, alice.getLong("id"), "alice");
    expectClosedBy(aliceByKey, WnetNode.REASON_BANNED, published);
    expectClosedBy(aliceByPassword, WnetNode.REASON_BANNED, published);
    bobBot.expectNothingElse();
    assertThat(bobBot.isClosed()).isFalse();
  }

  @Test
  void aConnectionAuthenticatedJustBeforeTheEventIsEndedWhenItOpens(Vertx vertx) {
    WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), TestConfigs.local(), false);
    Promise<Object> answer = Promise.promise();
    CompletableFuture<Void> asked = new CompletableFuture<>();
    try (FakeAccounts ignored = FakeAccounts.start(vertx, request -> {
      asked.complete(null);
      return answer.future();
    })) {
      CompletableFuture<WsPeer> peer = CompletableFuture.supplyAsync(() -> stack.connect(WsPeer.tokenCookie("old-key")));
      Await.until("the edge asked the account service", asked::isDone);
      // the key is rotated after the check succeeded and before the session exists
      publish(vertx, AccountEvent.KEY_ROTATED, 7, "dave");
      answer.complete(FakeAccounts.account(7, "dave"));
      WsPeer late = Await.result(io.vertx.core.Future.fromCompletionStage(peer));
      expectClosedBy(late, WnetNode.REASON_KEY_ROTATED, System.nanoTime());
    }
  }
}
