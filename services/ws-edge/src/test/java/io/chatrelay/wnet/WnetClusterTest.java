package io.chatrelay.wnet;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.cluster.HazelcastClusterView;
import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestCluster;
import io.chatrelay.shared.testing.TestPorts;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real Hazelcast members on 127.0.0.1, each with a bot registry and a WS edge (the first also runs the account
 * store): peers on different members reach each other in one event-bus hop, and a member that dies takes its bots
 * and clients with it.
 */
class WnetClusterTest {
  private static final String ADDED = "info@You added as bot";
  private static final String NOTICE = "error@Such bot connected. Sending ping to confirm that bot is alive.";
  private static final String UNAVAILABLE = "error@Service unavailable (bot registry); try again later";

  private final TestCluster cluster = new TestCluster(2);
  private NodeBootstrap.Node first;
  private NodeBootstrap.Node second;
  private WnetStack near;
  private WnetStack far;

  @BeforeEach
  void start() {
    first = Await.result(cluster.start(0));
    second = Await.result(cluster.start(1));
    near = WnetStack.start(first.vertx(), first.cluster(), settings(0), true);
    far = WnetStack.start(second.vertx(), second.cluster(), settings(1), false);
    near.createAccount("alice", "alice-pass");
    near.createAccount("bob", "bob-pass");
  }

  /** An isalive window longer than any deadline here: a takeover that passes did not wait for it. */
  private ChatrelayConfig settings(int member) {
    return cluster.config(member, Map.of(
      "database.embedded-file", "mem:cluster-" + UUID.randomUUID(),
      "accounts.password-iterations", 1000,
      "wnet.host", "127.0.0.1",
      "wnet.port", TestPorts.free(),
      "wnet.server-instances", 2,
      "wnet.takeover-window-ms", 600_000));
  }

  @AfterEach
  void stop() {
    Await.result(cluster.close());
  }

  @Test
  void peersOnDifferentMembersTalkAndADeadMemberTakesItsBotsAndClientsAlong() {
    WsPeer farBot = far.bot("FarBot", "alice", "alice-pass");
    WsPeer nearBot = near.bot("NearBot", "bob", "bob-pass");
    WsPeer nearClient = near.anonymous();
    WsPeer farClient = far.connect(WsPeer.passwordCookie("bob", "bob-pass"));

    nearClient.send("search@");
    nearClient.expect("list@@FarBot@NearBot");
    String nearSid = nearClient.connectTo(farBot, "FarBot", "None");
    farClient.send("connect@NearBot");
    farClient.expect("connectedto@NearBot");
    assertThat(nearBot.next()).matches("connection@[A-Za-z0-9_-]{22}@bob");
    farClient.send("cssend@NearBot@ping from the far member");
    String farSid = nearBot.expectPrefix("mess@").substring(0, 22);

    nearClient.send("cssend@FarBot@hello @ far");
    farBot.expect("mess@" + nearSid + "@hello @ far");
    farBot.send("scsend@" + nearSid + "@hello @ near");
    nearClient.expect("mess@FarBot@hello @ near");
    nearBot.send("scsend@" + farSid + "@back across");
    farClient.expect("mess@NearBot@back across");

    // the far member dies without a goodbye: out of the cluster first (nothing it does reaches the others now)...
    ((HazelcastClusterView) second.cluster()).hazelcast().getLifecycleService().terminate();
    nearClient.expect("disconnectedfrom@FarBot");
    nearBot.expect("disconnected@" + farSid);
    // ...then the rest of the process
    Await.result(second.vertx().close().otherwise((Void) null));

    // for a moment the event bus may still route a request to the dead member's registry: such a request is
    // never answered, and the edge tells the peer to try again after its registry timeout
    Await.until("the dead member's bot name is freed", () -> {
      nearClient.send("search@Far");
      return nearClient.next().equals("list@Far");
    });
    WsPeer successor = near.connect(WsPeer.passwordCookie("bob", "bob-pass"));
    Await.until("a newcomer gets the dead member's bot name", () -> {
      successor.send("add@FarBot");
      String answer = successor.next();
      if (answer.equals(UNAVAILABLE)) return false;
      assertThat(answer).isEqualTo(ADDED);
      return true;
    });
    nearClient.send("connect@FarBot");
    nearClient.expect("connectedto@FarBot");
    assertThat(successor.next()).isEqualTo("connection@" + nearSid + "@None");
    // stale subscriptions of the dead member (vertx-hazelcast #196) would route some of these to its registry
    for (int i = 0; i < 4; i++) {
      nearClient.send("search@Far");
      nearClient.expect("list@Far@FarBot");
    }
  }

  @Test
  void anAccountEventEndsItsConnectionsOnEveryMemberWithinASecond() {
    long carolId = near.createAccount("carol", "carol-pass").getLong("id");
    WsPeer farBot = far.bot("CarolBot", "carol", "carol-pass");
    WsPeer nearClient = near.anonymous();
    nearClient.connectTo(farBot, "CarolBot", "None");
    long published = System.nanoTime();
    WnetAccountEventsTest.publish(first.vertx(), AccountEvent.BANNED, carolId, "carol");
    assertThat(WnetAccountEventsTest.expectClosedBy(farBot, WnetNode.REASON_BANNED, published))
      .as("closed on the other member within 1 s").isLessThan(1_000);
    nearClient.expect("disconnectedfrom@CarolBot");
    WnetAccountEventsTest.expectNameFree(nearClient, "CarolBot");
  }

  @Test
  void isaliveCrossesToTheHoldersMember() {
    WsPeer holder = far.bot("EchoBot", "alice", "alice-pass");
    WsPeer newcomer = near.connect(WsPeer.passwordCookie("bob", "bob-pass"));
    newcomer.send("add@EchoBot");
    newcomer.expect(NOTICE);
    holder.expect("isalive");
    holder.send("alive");
    newcomer.expect("error@Name EchoBot is taken: the bot holding it answered isalive");

    holder.close();
    newcomer.send("add@EchoBot");
    expectAddedAtOnce(newcomer);
  }

  /**
   * The name of a bot that is gone is given at once: either it is already free, or (when the newcomer asks before
   * the registry has seen the departure) the takeover finds the holder gone without waiting for the isalive window,
   * which is longer than the test's deadline.
   */
  private static void expectAddedAtOnce(WsPeer newcomer) {
    String answer = newcomer.next();
    if (answer.equals(NOTICE)) answer = newcomer.next();
    assertThat(answer).isEqualTo(ADDED);
  }
}
