package io.chatrelay.wnet;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.ops.NodeReports;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** What the WS edge tells operators (readiness, connections, relayed messages) and how it stops. */
@ExtendWith(VertxExtension.class)
class WnetOpsTest {

  @Test
  void metersReadinessAndAGracefulStop(Vertx vertx) {
    WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), TestConfigs.local(), true);
    ChatrelayMeters meters = stack.context().meters();
    assertThat(Await.result(stack.context().readiness().healthChecks().checkStatus()).toJson().encode())
      .contains(WsEdgeVerticle.READINESS_FLAG).contains("\"status\":\"UP\"");

    stack.createAccount("opsbot", "opsbot-pass");
    WsPeer bot = stack.bot("OpsBot", "opsbot", "opsbot-pass");
    WsPeer client = stack.anonymous();
    String sid = client.connectTo(bot, "OpsBot", "None");
    double before = meters.messagesRelayed(ChatrelayMeters.PROTOCOL_WNET).count();
    client.send("cssend@OpsBot@ping");
    bot.expect("mess@" + sid + "@ping");
    bot.send("scsend@" + sid + "@pong");
    client.expect("mess@OpsBot@pong");
    assertThat(meters.messagesRelayed(ChatrelayMeters.PROTOCOL_WNET).count() - before).isEqualTo(2.0);
    assertThat(meters.connections(ChatrelayMeters.PROTOCOL_WNET).get()).isEqualTo(2);

    // operators see how many clients each bot has (summed over the nodes the clients are on)
    WsPeer second = stack.anonymous();
    second.connectTo(bot, "OpsBot", "None");
    assertThat(clientCounts(stack)).containsExactly(new JsonObject().put("bot", "OpsBot")
      .put("conn", lookupConn(vertx, "OpsBot")).put("clients", 2));
    second.send("disconnect@OpsBot");
    second.expect("disconnectedfrom@OpsBot");
    assertThat(clientCounts(stack)).extracting(j -> ((JsonObject) j).getInteger("clients")).containsExactly(1);

    stack.stopEdge();
    assertThat(stack.context().reports().snapshot().containsKey(NodeReports.WNET_CLIENTS))
      .as("a stopped edge reports nothing").isFalse();
    // peers are told the server is going away, and the bot's name is free before the registry could stop
    assertThat(bot.awaitClose()).isEqualTo(WsServerVerticle.CLOSE_GOING_AWAY);
    assertThat(client.awaitClose()).isEqualTo(WsServerVerticle.CLOSE_GOING_AWAY);
    Throwable lookup = Await.result(vertx.eventBus().request(Addresses.WNET_LOOKUP, new JsonObject().put("name", "OpsBot"))
      .<Throwable>map(reply -> null).otherwise(t -> t));
    assertThat(lookup).isNotNull();
    assertThat(BusFailure.from(lookup).code()).isEqualTo(BusFailure.NOT_FOUND);
    assertThat(meters.connections(ChatrelayMeters.PROTOCOL_WNET).get()).isZero();
    assertThat(Await.result(stack.context().readiness().healthChecks().checkStatus()).getUp()).isFalse();
  }

  private static JsonArray clientCounts(WnetStack stack) {
    return stack.context().reports().snapshot().getJsonObject(NodeReports.WNET_CLIENTS).getJsonArray("bots");
  }

  private static String lookupConn(Vertx vertx, String bot) {
    return Await.result(vertx.eventBus().<JsonObject>request(Addresses.WNET_LOOKUP, new JsonObject().put("name", bot)))
      .body().getJsonObject("owner").getString("conn");
  }
}
