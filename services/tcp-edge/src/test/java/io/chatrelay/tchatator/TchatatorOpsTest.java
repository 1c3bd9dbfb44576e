package io.chatrelay.tchatator;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.tchatator.EdgeFixture.Account;
import io.chatrelay.tchatator.codec.ReplyStatus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static io.chatrelay.tchatator.EdgeFixture.cSend;
import static io.chatrelay.tchatator.EdgeFixture.createAccount;
import static io.chatrelay.tchatator.EdgeFixture.expect;
import static io.chatrelay.tchatator.EdgeFixture.login;
import static org.assertj.core.api.Assertions.assertThat;

/** The edge as operators and scripts see it: readiness, meters, half-closing peers, real-time connections kept. */
@ExtendWith(VertxExtension.class)
class TchatatorOpsTest {
  LiveConfig config;
  ServiceContext ctx;
  int port;
  Account alice;
  Account bob;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    config = new LiveConfig(TestConfigs.local());
    ctx = EdgeFixture.context(vertx, config, new LocalClusterView());
    port = EdgeFixture.port(config.get());
    EdgeFixture.startWithAliceAndBob(ctx).onSuccess(both -> {
      alice = both.alice();
      bob = both.bob();
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void readinessAndMeters(Vertx vertx, VertxTestContext test) {
    ChatrelayMeters meters = ctx.meters();
    double relayedBefore = meters.messagesRelayed(ChatrelayMeters.PROTOCOL_TCHATATOR).count();
    config.update(config.get().with("tchatator.max-connections-per-address", 1));
    ctx.readiness().healthChecks().checkStatus()
      .compose(status -> {
        test.verify(() -> assertThat(status.toJson().encode()).contains(TchatatorEdgeVerticle.READINESS_FLAG)
          .contains("\"status\":\"UP\""));
        return TchatatorClient.connect(vertx, port);
      })
      .compose(c -> c.send(login(alice)).compose(r -> c.send(cSend(alice, bob.id(), "compté"))).map(r -> {
        expect(r, ReplyStatus.OK);
        return c;
      }))
      .compose(c -> TchatatorClient.connect(vertx, port).compose(refused -> refused.next()))
      .onComplete(test.succeeding(refusal -> test.verify(() -> {
        expect(refusal, ReplyStatus.DENIED, "too-many-connections");
        assertThat(meters.messagesRelayed(ChatrelayMeters.PROTOCOL_TCHATATOR).count() - relayedBefore).isEqualTo(1.0);
        assertThat(meters.connections(ChatrelayMeters.PROTOCOL_TCHATATOR).get()).isEqualTo(1);
        assertThat(meters.rateLimitRefusals(ChatrelayMeters.PROTOCOL_TCHATATOR, "max-connections-per-address").count())
          .isEqualTo(1.0);
        test.completeNow();
      })));
  }

  /** {@code printf ... | nc -N}: the client half-closes after its requests and still reads every answer. */
  @Test
  void aPeerThatHalfClosesGetsEveryAnswer(Vertx vertx, VertxTestContext test) {
    vertx.executeBlocking(() -> {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(15_000);
        s.getOutputStream().write((login(alice) + cSend(alice, bob.id(), "demi-fermé") + "GET_HISTORY\ntoken:" + alice.key() + "\n")
          .getBytes(StandardCharsets.UTF_8));
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all); // until the server closes
        return all.toString(StandardCharsets.UTF_8);
      }
    }).onComplete(test.succeeding(text -> test.verify(() -> {
      assertThat(text).startsWith("200/OK\n").contains("message-id:").contains("content:demi-fermé\n").endsWith("\n\n");
      assertThat(text.split("\n\n")).hasSize(3);
      test.completeNow();
    })));
  }

  /** A connection in real-time mode waits for pushes on purpose: the idle timeout does not close it. */
  @Test
  void realTimeConnectionsOutliveTheIdleTimeout(Vertx vertx, VertxTestContext test) {
    config.update(config.get().with("tchatator.idle-timeout-seconds", 1));
    Future.all(TchatatorClient.connect(vertx, port), TchatatorClient.connect(vertx, port)).compose(both -> {
      TchatatorClient listener = both.resultAt(0);
      TchatatorClient idle = both.resultAt(1);
      return idle.send(login(alice))
        .compose(r -> listener.send(login(bob)))
        .compose(r -> listener.send("SUBSCRIBE\ntoken:" + bob.key() + "\n"))
        .compose(r -> idle.closed()) // the plain connection goes after 1 s ...
        .compose(v -> vertx.timer(1500, TimeUnit.MILLISECONDS)) // ... the subscribed one is idle longer than that
        .compose(v -> {
          Future<io.chatrelay.tchatator.codec.TchatatorReply> push = listener.next();
          return TchatatorClient.connect(vertx, port).compose(sender -> sender.send(login(alice))
            .compose(r -> sender.send(cSend(alice, bob.id(), "toujours là")))).compose(r -> push);
        });
    }).onComplete(test.succeeding(push -> test.verify(() -> {
      expect(push, ReplyStatus.PUSH);
      assertThat(push.messages()).singleElement().satisfies(m -> assertThat(m.content()).isEqualTo("toujours là"));
      test.completeNow();
    })));
  }
}
