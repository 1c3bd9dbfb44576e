package io.chatrelay.wnet;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.LogLines;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry's removal notice ({@link WnetDelivery.NameRemoved}) on the WS edge, over real WebSockets against
 * the real registry: a bot whose name an operator kicks (or that is told its name was unregistered) is closed 1008
 * with the reason, its clients get {@code disconnectedfrom@}, and nothing is logged at ERROR.
 */
@ExtendWith(VertxExtension.class)
class WnetNameRemovedTest {
  private WnetStack stack;

  @BeforeEach
  void start(Vertx vertx) {
    stack = WnetStack.start(vertx, new LocalClusterView(), TestConfigs.local().with("wnet.server-instances", 2), true);
    stack.createAccount("alice", "alice-pass");
  }

  private static BotOwner holder(Vertx vertx, String name) {
    return Await.result(new BotRegistryClient(vertx).lookup(name));
  }

  /** A new anonymous client connected to {@code bot}, which holds {@code name}. */
  private WsPeer clientOf(WsPeer bot, String name) {
    WsPeer client = stack.anonymous();
    client.connectTo(bot, name, "None");
    return client;
  }

  /** The bot's connection was closed 1008 with {@code reason}, and its client was told it is gone. */
  private static void expectRemoved(WsPeer bot, WsPeer client, String name, String reason) {
    assertThat(bot.awaitClose()).isEqualTo(WnetSession.CLOSE_POLICY);
    assertThat(bot.closeReason()).isEqualTo(reason);
    client.expect("disconnectedfrom@" + name);
  }

  @Test
  void aKickedBotIsClosedWithTheReasonAndItsClientsAreTold(Vertx vertx) {
    try (LogLines log = LogLines.all()) {
      WsPeer bot = stack.bot("KickMe", "alice", "alice-pass");
      WsPeer client = clientOf(bot, "KickMe");
      WsPeer other = stack.anonymous();

      // as the operators' console kicks: through the client, which signs the admin grant the registry requires
      assertThat(Await.result(new BotRegistryClient(vertx).kick("KickMe")).name()).isEqualTo("KickMe");

      expectRemoved(bot, client, "KickMe", "Kicked: an operator freed the bot name KickMe");
      client.expectNothingElse();
      WnetAccountEventsTest.expectNameFree(other, "KickMe");
      // the name is free for anyone, and a new connection of the same bot gets it back
      stack.bot("KickMe", "alice", "alice-pass");
      assertThat(log.at("ERROR")).isEmpty();
      assertThat(log.matching("the registry removed the name (kicked)")).hasSize(1);
    }
  }

  @Test
  void aBotToldItsNameWasUnregisteredIsClosed(Vertx vertx) {
    try (LogLines log = LogLines.all()) {
      WsPeer bot = stack.bot("Released", "alice", "alice-pass");
      WsPeer client = clientOf(bot, "Released");
      // The registry sends no notice for an unregister (only the holder's own node may make one, docs/event-bus.md),
      // but `unregistered` stays a valid reason: a receiver closes the bot for it as for the others.
      BotOwner owner = holder(vertx, "Released");
      vertx.eventBus().send(owner.address(), new WnetDelivery.NameRemoved(owner.conn(), "Released", "unregistered").toJson());

      expectRemoved(bot, client, "Released", "Unregistered: the bot name Released was released");
      assertThat(log.at("ERROR")).isEmpty();
    }
  }

  @Test
  void aNoticeForANameTheConnectionDoesNotHoldChangesNothing(Vertx vertx) {
    try (LogLines log = LogLines.all()) {
      WsPeer bot = stack.bot("Keeper", "alice", "alice-pass");
      WsPeer client = clientOf(bot, "Keeper");
      BotOwner owner = holder(vertx, "Keeper");
      // a notice that crossed a new claim (another name), and one for a connection that is not there
      vertx.eventBus().send(owner.address(), new WnetDelivery.NameRemoved(owner.conn(), "Other", "kicked").toJson());
      vertx.eventBus().send(owner.address(), new WnetDelivery.NameRemoved("no-such-connection", "Keeper", "kicked").toJson());
      // as a request it is answered (never left pending)
      assertThat(Await.result(vertx.eventBus().<JsonObject>request(owner.address(),
        new WnetDelivery.NameRemoved(owner.conn(), "Other", "taken-over").toJson()).map(Message::body)).encode()).isEqualTo("{}");
      bot.expectNothingElse();
      client.send("cssend@Keeper@still there?");
      assertThat(bot.expectPrefix("mess@")).endsWith("@still there?");
      assertThat(bot.isClosed()).isFalse();
      assertThat(log.at("ERROR")).isEmpty();
    }
  }

  @Test
  void aMalformedDeliveryIsRefusedWithBadRequestNotACrash(Vertx vertx) {
    try (LogLines log = LogLines.all()) {
      WsPeer bot = stack.bot("Sturdy", "alice", "alice-pass");
      BotOwner owner = holder(vertx, "Sturdy");
      for (JsonObject bad : new JsonObject[] {
        new JsonObject().put("kind", "removed").put("to", owner.conn()).put("bot", 7).put("reason", "kicked"),
        new JsonObject().put("kind", "removed").put("to", owner.conn()).put("bot", "Sturdy"),
        new JsonObject().put("kind", "nonsense").put("to", owner.conn()),
        new JsonObject().put("kind", "cssend").put("to", owner.conn()).put("bot", "Sturdy").put("sid", "x").put("text", 5)}) {
        assertThatThrownBy(() -> Await.result(vertx.eventBus().request(owner.address(), bad)))
          .as(bad.encode())
          .satisfies(e -> assertThat(BusFailure.from(e).code()).isEqualTo(BusFailure.BAD_REQUEST));
      }
      assertThat(bot.isClosed()).isFalse();
      bot.expectNothingElse();
      assertThat(log.at("ERROR")).isEmpty();
    }
  }
}
