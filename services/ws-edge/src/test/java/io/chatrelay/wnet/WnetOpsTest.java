package io.chatrelay.wnet;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.Vertx;
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

    stack.stopEdge();
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
}
