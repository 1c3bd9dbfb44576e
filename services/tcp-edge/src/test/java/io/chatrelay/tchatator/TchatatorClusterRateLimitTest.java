package io.chatrelay.tchatator;

import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.TestCluster;
import io.chatrelay.shared.testing.TestPorts;
import io.chatrelay.store.MessageStoreVerticle;
import io.chatrelay.tchatator.EdgeFixture.Account;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.chatrelay.tchatator.codec.TchatatorReply;

import io.vertx.core.Future;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.chatrelay.tchatator.EdgeFixture.cSend;
import static io.chatrelay.tchatator.EdgeFixture.expect;
import static io.chatrelay.tchatator.EdgeFixture.login;
import static org.assertj.core.api.Assertions.assertThat;

/** Two Hazelcast members, a TCP edge on each, the store on the first: the rate limit holds for the user in total. */
@ExtendWith(VertxExtension.class)
class TchatatorClusterRateLimitTest {
  static final int PER_MINUTE = 3;
  final TestCluster cluster = new TestCluster(2);
  final List<NodeBootstrap.Node> nodes = new ArrayList<>();

  @AfterEach
  void stop(VertxTestContext test) {
    Future.join(nodes.stream().map(NodeBootstrap.Node::close).toList()).onComplete(v -> test.completeNow());
  }

  private Future<ServiceContext> member(int index) {
    ChatrelayConfig cfg = cluster.config(index, Map.of(
      "database.kind", "embedded",
      "database.embedded-file", "mem:cluster-" + UUID.randomUUID(),
      "accounts.password-iterations", 1000,
      "tchatator.host", "127.0.0.1",
      "tchatator.port", TestPorts.free(),
      "tchatator.log-file", "",
      "tchatator.max-messages-per-minute", PER_MINUTE));
    return NodeBootstrap.start(cfg).map(node -> {
      nodes.add(node);
      return new ServiceContext(node.vertx(), new LiveConfig(cfg), node.cluster(), java.time.Clock.systemUTC());
    });
  }

  @Test
  void aUserGetsNoMoreThanTheLimitInTotalAcrossTwoEdges(VertxTestContext test) {
    member(0).compose(first -> member(1).compose(second ->
      first.vertx().deployVerticle(new MessageStoreVerticle(first))
        .compose(id -> first.vertx().deployVerticle(new TchatatorEdgeVerticle(first)))
        .compose(id -> second.vertx().deployVerticle(new TchatatorEdgeVerticle(second)))
        .compose(id -> EdgeFixture.createAccount(first.vertx(), "alice", "member"))
        .compose(alice -> EdgeFixture.createAccount(first.vertx(), "bob", "professional")
          .compose(bob -> sendAlternately(first, second, alice, bob)))))
      .onComplete(test.succeeding(replies -> test.verify(() -> {
        assertThat(replies).filteredOn(r -> r.status() == ReplyStatus.OK).hasSize(PER_MINUTE);
        assertThat(replies).filteredOn(r -> r.status() != ReplyStatus.OK).hasSize(3).allSatisfy(r -> {
          expect(r, ReplyStatus.TOOMRQ, "rate-limited");
          assertThat(r.field("until")).matches("\\d{4}-.*Z");
        });
        test.completeNow();
      })));
  }

  /** Alice, logged in on both edges, sends six messages, one edge then the other. */
  private Future<List<TchatatorReply>> sendAlternately(ServiceContext first, ServiceContext second, Account alice, Account bob) {
    return Future.all(
        TchatatorClient.connect(first.vertx(), EdgeFixture.port(first.config().get())),
        TchatatorClient.connect(second.vertx(), EdgeFixture.port(second.config().get())))
      .compose(both -> {
        List<TchatatorClient> clients = List.of(both.resultAt(0), both.resultAt(1));
        List<TchatatorReply> replies = new ArrayList<>();
        Future<TchatatorReply> chain = Future.all(clients.stream().map(c -> c.send(login(alice))).toList())
          .map(logins -> {
            logins.<TchatatorReply>list().forEach(r -> expect(r, ReplyStatus.OK));
            return null;
          });
        for (int i = 0; i < 6; i++) {
          TchatatorClient via = clients.get(i % 2);
          String text = "message " + i;
          chain = chain.compose(r -> via.send(cSend(alice, bob.id(), text))).onSuccess(replies::add);
        }
        return chain.map(r -> replies);
      });
  }
}
