package io.chatrelay.wnet;

import io.vertx.core.eventbus.DeliveryOptions;
import io.chatrelay.shared.bus.BusKey;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.shared.wnet.BusBot;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every command of Protocol_4.1 over real WebSockets, against the real account store and bot registry. */
@ExtendWith(VertxExtension.class)
class WnetSessionTest {
  private static final String ADDED = "info@You added as bot";
  private static final String NOTICE = "error@Such bot connected. Sending ping to confirm that bot is alive.";

  private WnetStack stack;
  private String bobKey;
  private long aliceId;

  @BeforeEach
  void start(Vertx vertx) {
    stack = WnetStack.start(vertx, new LocalClusterView(), settings(), true);
    aliceId = stack.createAccount("alice", "alice-pass").getLong("id");
    bobKey = stack.createAccount("bob", "bob-pass").getString("apiKey");
  }

  /** Two server instances (so peers land on different event loops) and a short isalive window. */
  static ChatrelayConfig settings() {
    return TestConfigs.local().with("wnet.server-instances", 2).with("wnet.takeover-window-ms", 1000);
  }

  private WsPeer alice() {
    return stack.connect(WsPeer.passwordCookie("alice", "alice-pass"));
  }

  @Test
  void aBotRegistersWithAPasswordCookie() {
    WsPeer bot = alice();
    bot.send("add@EchoBot");
    bot.expect(ADDED);
    WsPeer client = stack.anonymous();
    client.send("search@Ec");
    client.expect("list@Ec@EchoBot");
  }

  @Test
  void aBotRegistersWithAnApiKeyOrItsNumericAccountId() {
    WsPeer byKey = stack.connect(WsPeer.tokenCookie(bobKey));
    byKey.send("add@KeyBot");
    byKey.expect(ADDED);
    WsPeer byId = stack.connect(WsPeer.passwordCookie(Long.toString(aliceId), "alice-pass"));
    byId.send("add@IdBot");
    byId.expect(ADDED);
    WsPeer client = stack.anonymous();
    client.send("search@");
    client.expect("list@@IdBot@KeyBot");
  }

  static Stream<Arguments> refusedCookies() {
    return Stream.of(
      arguments(null, "no auth cookie was sent"),
      arguments("auth=\"type=password&auth=$auth_data$\"", "the auth cookie holds the placeholder $auth_data$, not credentials"),
      arguments(WsPeer.passwordCookie("alice", "wrong-pass"), "the credentials in the auth cookie were not accepted"),
      arguments(WsPeer.passwordCookie("nobody", "alice-pass"), "the credentials in the auth cookie were not accepted"),
      arguments(WsPeer.tokenCookie("not-a-key"), "the credentials in the auth cookie were not accepted"),
      arguments("auth=type=password&auth=alice-pass", "the password auth data is not JSON {\"username\": ..., \"password\": ...}"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("refusedCookies")
  void anUnauthenticatedConnectionCannotRegisterABot(String cookie, String reason) {
    WsPeer peer = stack.connect(cookie);
    peer.send("add@EchoBot");
    String error = peer.next();
    assertThat(error).isEqualTo("error@Bots must be authenticated to register: " + reason).doesNotContain("alice-pass");
    peer.send("search@");
    peer.expect("list@");
  }

  @Test
  void aClientSearchesConnectsAndExchangesMessagesWithABot() {
    WsPeer bot = stack.bot("EchoBot", "alice", "alice-pass");
    stack.bot("Ecology", "bob", "bob-pass");
    WsPeer client = stack.anonymous();
    client.send("search@Ec");
    client.expect("list@Ec@EchoBot@Ecology");
    client.send("search@Echo");
    client.expect("list@Echo@EchoBot");
    client.send("search@X");
    client.expect("list@X");

    String sid = client.connectTo(bot, "EchoBot", "None");
    client.send("cssend@EchoBot@hi @ there @@ user@example.org@");
    bot.expect("mess@" + sid + "@hi @ there @@ user@example.org@");
    bot.send("scsend@" + sid + "@Hello from bot! You said: a@b");
    client.expect("mess@EchoBot@Hello from bot! You said: a@b");
    client.send("cssend@EchoBot@");
    bot.expect("mess@" + sid + "@");
    bot.send("scsend@" + sid + "@привет 🙂");
    client.expect("mess@EchoBot@привет 🙂");

    client.send("disconnect@EchoBot");
    client.expect("disconnectedfrom@EchoBot");
    bot.expect("disconnected@" + sid);
    client.send("cssend@EchoBot@late");
    client.expect("error@Not connected to EchoBot: send connect@EchoBot first");
    bot.send("scsend@" + sid + "@late");
    bot.expect("error@No client with that sid is connected to bot EchoBot");
    client.send("disconnect@EchoBot");
    client.expect("error@Not connected to EchoBot");
  }

  @Test
  void aClientMayTalkToSeveralBotsAndConnectTwice() {
    WsPeer echo = stack.bot("EchoBot", "alice", "alice-pass");
    WsPeer other = stack.bot("OtherBot", "bob", "bob-pass");
    WsPeer client = stack.anonymous();
    String sidAtEcho = client.connectTo(echo, "EchoBot", "None");
    String sidAtOther = client.connectTo(other, "OtherBot", "None");
    assertThat(sidAtEcho).isEqualTo(sidAtOther);
    client.send("connect@EchoBot");
    client.expect("connectedto@EchoBot");
    echo.expectNothingElse();
    client.send("cssend@OtherBot@one");
    other.expect("mess@" + sidAtOther + "@one");
    client.send("cssend@EchoBot@two");
    echo.expect("mess@" + sidAtEcho + "@two");
  }

  @Test
  void theBotSeesTheClientsAccountNameOrNone() {
    WsPeer bot = stack.bot("EchoBot", "alice", "alice-pass");
    alice().connectTo(bot, "EchoBot", "alice");
    stack.connect(WsPeer.tokenCookie(bobKey)).connectTo(bot, "EchoBot", "bob");
    stack.connect(WsPeer.passwordCookie("bob", "wrong")).connectTo(bot, "EchoBot", "None");
    stack.anonymous().connectTo(bot, "EchoBot", "None");
  }

  @Test
  void whenABotGoesAwayItsClientsAreDisconnectedAndTheNameIsFree() {
    WsPeer bot = stack.bot("EchoBot", "alice", "alice-pass");
    WsPeer first = stack.anonymous();
    WsPeer second = alice();
    first.connectTo(bot, "EchoBot", "None");
    second.connectTo(bot, "EchoBot", "alice");
    bot.close();
    first.expect("disconnectedfrom@EchoBot");
    second.expect("disconnectedfrom@EchoBot");
    first.send("cssend@EchoBot@anyone?");
    first.expect("error@Not connected to EchoBot: send connect@EchoBot first");

    Await.until("the name is released", () -> {
      first.send("search@EchoBot");
      return first.next().equals("list@EchoBot");
    });
    WsPeer successor = stack.connect(WsPeer.tokenCookie(bobKey));
    successor.send("add@EchoBot");
    successor.expect(ADDED);
    first.connectTo(successor, "EchoBot", "None");
  }

  @Test
  void whenAClientGoesAwayItsBotsAreTold() {
    WsPeer echo = stack.bot("EchoBot", "alice", "alice-pass");
    WsPeer other = stack.bot("OtherBot", "bob", "bob-pass");
    WsPeer client = stack.anonymous();
    String sid = client.connectTo(echo, "EchoBot", "None");
    client.connectTo(other, "OtherBot", "None");
    client.close();
    echo.expect("disconnected@" + sid);
    other.expect("disconnected@" + sid);
    echo.send("scsend@" + sid + "@still there?");
    echo.expect("error@No client with that sid is connected to bot EchoBot");
  }

  @Test
  void messagesGoOnlyBetweenConnectedPeers() {
    WsPeer echo = stack.bot("EchoBot", "alice", "alice-pass");
    WsPeer other = stack.bot("OtherBot", "bob", "bob-pass");
    WsPeer client = stack.anonymous();
    String sid = client.connectTo(echo, "EchoBot", "None");

    other.send("scsend@" + sid + "@not yours");
    other.expect("error@No client with that sid is connected to bot OtherBot");
    client.send("cssend@OtherBot@hello");
    client.expect("error@Not connected to OtherBot: send connect@OtherBot first");
    client.send("scsend@" + sid + "@I am no bot");
    client.expect("error@Only a bot can use scsend: register with add@<name> first");
    client.send("connect@Nobody");
    client.expect("error@No bot named Nobody");
    echo.expectNothingElse();
    other.expectNothingElse();
  }

  @Test
  void badFramesGetAnErrorAndTheConnectionStays() {
    WsPeer peer = alice();
    peer.send("hello@world");
    peer.expect("error@Unknown command hello");
    peer.send("");
    peer.expect("error@Empty command");
    peer.send("add@Bot1");
    peer.expect("error@Bot name must be 1 to 18 letters a-z or A-Z");
    peer.send("add@" + "a".repeat(19));
    peer.expect("error@Bot name must be 1 to 18 letters a-z or A-Z");
    peer.send("connect");
    peer.expect("error@connect needs a bot name: connect@<bot>");
    peer.send("cssend@EchoBot");
    peer.expect("error@cssend needs a bot name and a message: cssend@<bot>@<message>");
    peer.send("alive");
    peer.expect("error@No isalive to answer: send alive only after isalive");
    peer.send("alive@now");
    peer.expect("error@alive takes no fields");
    peer.send("add@" + "a".repeat(18));
    peer.expect(ADDED);
  }

  @Test
  void aConnectionHoldsOneName() {
    WsPeer bot = stack.bot("EchoBot", "alice", "alice-pass");
    bot.send("add@EchoBot");
    bot.expect(ADDED);
    bot.send("add@OtherBot");
    bot.expect("error@This connection is already bot EchoBot; open another connection for another name");
    WsPeer client = stack.anonymous();
    client.send("search@");
    client.expect("list@@EchoBot");
  }

  @Test
  void aConnectionCanBeABotAndAClient() {
    WsPeer echo = stack.bot("EchoBot", "alice", "alice-pass");
    WsPeer relay = stack.bot("RelayBot", "bob", "bob-pass");
    String relaySid = relay.connectTo(echo, "EchoBot", "bob");
    relay.send("cssend@EchoBot@from a bot");
    echo.expect("mess@" + relaySid + "@from a bot");
    echo.send("scsend@" + relaySid + "@back to the bot");
    relay.expect("mess@EchoBot@back to the bot");
  }

  @Test
  void takeoverKeepsTheNameWithABotThatAnswersIsalive() {
    WsPeer holder = stack.bot("EchoBot", "alice", "alice-pass");
    WsPeer newcomer = stack.connect(WsPeer.tokenCookie(bobKey));
    newcomer.send("add@EchoBot");
    newcomer.expect(NOTICE);
    holder.expect("isalive");
    holder.send("alive");
    newcomer.expect("error@Name EchoBot is taken: the bot holding it answered isalive");
    stack.anonymous().connectTo(holder, "EchoBot", "None");
    newcomer.expectNothingElse();
  }

  @Test
  void takeoverGivesTheNameAwayWhenTheHolderDoesNotAnswer() {
    WsPeer holder = stack.bot("EchoBot", "alice", "alice-pass");
    WsPeer client = stack.anonymous();
    client.connectTo(holder, "EchoBot", "None");
    WsPeer newcomer = stack.connect(WsPeer.tokenCookie(bobKey));
    newcomer.send("add@EchoBot");
    newcomer.expect(NOTICE);
    holder.expect("isalive");
    assertThat(holder.awaitClose()).isEqualTo((short) 1000);
    newcomer.expect(ADDED);
    client.expect("disconnectedfrom@EchoBot");
    client.connectTo(newcomer, "EchoBot", "None");
  }

  @Test
  void takeoverFromAConnectionThatIsAlreadyGoneDoesNotWait() {
    // another process whose isalive window outlasts the test's deadline: only an immediate answer can pass
    Vertx other = Vertx.vertx();
    try {
      WnetStack slow = WnetStack.start(other, new LocalClusterView(), TestConfigs.local().with("wnet.takeover-window-ms", 600_000), true);
      slow.createAccount("carol", "carol-pass");
      String nodeId = slow.context().cluster().nodeId();
      BotOwner ghost = new BotOwner(Addresses.wnetNode(nodeId), "connection-closed-long-ago", nodeId, "carol");
      JsonObject claim = new JsonObject().put("name", "Ghost").put("owner", ghost.toJson());
      JsonObject registered = Await.result(other.eventBus().<JsonObject>request(Addresses.WNET_REGISTER, claim,
        BusKey.carrying(new DeliveryOptions(), BusKey.of(other).nodeGrant())).map(Message::body));
      assertThat(registered.getString("result")).isEqualTo("added");

      WsPeer newcomer = slow.connect(WsPeer.passwordCookie("carol", "carol-pass"));
      newcomer.send("add@Ghost");
      newcomer.expect(NOTICE);
      newcomer.expect(ADDED);
    } finally {
      Await.result(other.close());
    }
  }

  @Test
  void aWebSocketClientTalksToAnInClusterBot(Vertx vertx) {
    BusBot echo = new BusBot(vertx, stack.context().cluster().nodeId(), "Echo", "system");
    echo.onConnected((sid, auth) -> echo.send(sid, "welcome " + auth))
      .onMessage((sid, text) -> echo.send(sid, "You said: " + text));
    Await.result(echo.register());
    WsPeer client = alice();
    client.send("connect@Echo");
    client.expect("connectedto@Echo");
    client.expect("mess@Echo@welcome alice");
    client.send("cssend@Echo@a@b@");
    client.expect("mess@Echo@You said: a@b@");
    client.send("disconnect@Echo");
    client.expect("disconnectedfrom@Echo");
    Await.until("the in-cluster bot saw the client leave", () -> echo.clients().isEmpty());

    client.send("connect@Echo");
    client.expect("connectedto@Echo");
    client.expect("mess@Echo@welcome alice");
    Await.result(echo.close());
    client.expect("disconnectedfrom@Echo");
  }

  @Test
  void theEdgeIsDeployedOncePerProcess(Vertx vertx) {
    assertThatThrownBy(() -> Await.result(vertx.deployVerticle(new WsEdgeVerticle(stack.context()))))
      .hasMessageContaining("already deployed in this process");
  }
}
