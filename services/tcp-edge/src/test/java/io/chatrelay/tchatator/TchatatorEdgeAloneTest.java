package io.chatrelay.tchatator;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.MessagePage;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static io.chatrelay.tchatator.EdgeFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge without the message store: the settings administrator logs in without it, a store request then gets
 * 503/UNAVAIL; and stopping the edge while a request is in flight (the store's unread address is played by the
 * test, to hold the request as long as needed) answers it before closing the connection. Its readiness condition
 * (port bound) is up while it listens.
 */
@ExtendWith(VertxExtension.class)
class TchatatorEdgeAloneTest {
  static final String ADMIN_KEY = "settings-admin-key-edge-alone";
  final LiveConfig config = new LiveConfig(TestConfigs.local().with("tchatator.admin-api-key", ADMIN_KEY)
    .with("tchatator.log-file", ""));

  @Test
  void withoutTheStoreARequestGetsUnavailableAndTheConnectionGoesOn(Vertx vertx, VertxTestContext test) {
    vertx.deployVerticle(new TchatatorEdgeVerticle(EdgeFixture.context(vertx, config, new LocalClusterView())))
      .compose(id -> TchatatorClient.connect(vertx, EdgeFixture.port(config.get())))
      .compose(client -> client.send("LOGIN\napi-token:" + ADMIN_KEY + "\n").map(r -> expect(r, ReplyStatus.OK))
        .compose(r -> client.send("GET_UNREAD\ntoken:" + ADMIN_KEY + "\n"))
        .map(r -> expect(r, ReplyStatus.UNAVAIL, "unavailable"))
        .compose(r -> client.send("LOGIN\napi-token:some-member-key\n"))
        .map(r -> expect(r, ReplyStatus.UNAVAIL, "unavailable"))
        .compose(r -> client.send("SUBSCRIBE\ntoken:" + ADMIN_KEY + "\n")))
      .onComplete(test.succeeding(r -> test.verify(() -> {
        expect(r, ReplyStatus.DENIED, "not-logged-in");
        test.completeNow();
      })));
  }

  @Test
  void aRequestInFlightIsAnsweredBeforeTheConnectionCloses(Vertx vertx, VertxTestContext test) {
    Promise<Message<JsonObject>> held = Promise.promise();
    vertx.eventBus().<JsonObject>consumer(Addresses.MESSAGES_UNREAD, held::tryComplete).completion()
      .compose(v -> vertx.deployVerticle(new TchatatorEdgeVerticle(EdgeFixture.context(vertx, config, new LocalClusterView()))))
      .compose(edgeId -> TchatatorClient.connect(vertx, EdgeFixture.port(config.get())).compose(client ->
        client.send("LOGIN\napi-token:" + ADMIN_KEY + "\n").map(r -> expect(r, ReplyStatus.OK))
          .compose(r -> {
            var reply = client.send("GET_UNREAD\ntoken:" + ADMIN_KEY + "\n");
            return held.future().compose(request -> {
              var stopped = vertx.undeploy(edgeId);
              request.reply(new MessagePage(List.of(), false).toJson());
              return reply.compose(r2 -> client.closed().map(r2)).compose(r2 -> stopped.map(r2));
            });
          })))
      .onComplete(test.succeeding(reply -> test.verify(() -> {
        expect(reply, ReplyStatus.OK);
        assertThat(reply.messages()).isEmpty();
        test.completeNow();
      })));
  }

  @Test
  void theListenerIsAReadinessConditionUpOnlyWhileTheEdgeListens(Vertx vertx, VertxTestContext test) {
    ServiceContext ctx = EdgeFixture.context(vertx, config, new LocalClusterView());
    HealthChecks readiness = ctx.readiness().healthChecks();
    vertx.deployVerticle(new TchatatorEdgeVerticle(ctx))
      .compose(id -> readiness.checkStatus(TchatatorEdgeVerticle.READINESS_FLAG).map(listening -> {
        assertThat(listening.getUp()).isTrue();
        return id;
      }))
      .compose(vertx::undeploy)
      .compose(v -> readiness.checkStatus(TchatatorEdgeVerticle.READINESS_FLAG))
      .onComplete(test.succeeding(stopped -> test.verify(() -> {
        assertThat(stopped.getUp()).isFalse();
        test.completeNow();
      })));
  }
}
