package io.chatrelay.shared.tls;

import io.chatrelay.shared.cluster.NodeBootstrap;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestCertificates;
import io.chatrelay.shared.testing.TestCluster;

import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.eventbus.DeliveryOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code cluster.eventbus-tls}: three real Hazelcast members in one cluster. Two have certificates signed by the
 * cluster's CA and exchange messages over TLS; the third joins Hazelcast (which has no member authentication) with
 * a certificate of its own, and can neither deliver to the others nor be delivered to: its requests fail, theirs to
 * it fail, and no handler on either side ever sees a message that crossed between them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EventBusTlsTest {
  /**
   * Between trusted members: the first request opens the TLS connection, which takes seconds on a loaded 2-core
   * machine (the JVM's first TLS context). Towards or from the intruder, after that warm-up: long enough for a
   * delivery that the certificates allowed to arrive, so that its failure means refusal.
   */
  private static final DeliveryOptions TRUSTED = new DeliveryOptions().setSendTimeout(15_000);
  private static final DeliveryOptions UNTRUSTED = new DeliveryOptions().setSendTimeout(5_000);
  private final TestCluster cluster = new TestCluster(3);

  private static Map<String, Object> tls(Path dir, String name, TestCertificates.Issued own, TestCertificates.Issued trusted)
    throws Exception {
    Path cert = own.writeTo(dir, name);
    Path trust = Files.writeString(dir.resolve(name + "-trust.pem"), trusted.certPem());
    return Map.of("cluster.eventbus-tls.cert-file", cert.toString(),
      "cluster.eventbus-tls.key-file", dir.resolve(name + ".key").toString(),
      "cluster.eventbus-tls.trust-file", trust.toString());
  }

  private NodeBootstrap.Node start(int index, Map<String, Object> tls) throws Exception {
    ChatrelayConfig cfg = cluster.config(index, tls);
    return NodeBootstrap.start(cfg).await(60, TimeUnit.SECONDS);
  }

  @Test
  void membersWithTrustedCertificatesTalkAndAnUntrustedMemberCanNeitherSendNorReceive(@TempDir Path dir) throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("chatrelay-cluster-ca");
    NodeBootstrap.Node a = startTracked(0, tls(dir, "a", TestCertificates.signedBy(ca, "member-a"), ca));
    NodeBootstrap.Node b = startTracked(1, tls(dir, "b", TestCertificates.signedBy(ca, "member-b"), ca));
    // the intruder trusts the cluster's CA, but its own certificate is self-signed: only the others' refusal stops it
    NodeBootstrap.Node intruder = startTracked(2, tls(dir, "x", TestCertificates.selfSigned("intruder"), ca));
    assertThat(a.cluster().members()).hasSize(3);

    List<String> atB = new CopyOnWriteArrayList<>();
    MessageConsumer<String> consumerB = b.vertx().eventBus().<String>consumer("tls-test.b", m -> {
      atB.add(m.body());
      m.reply("b got " + m.body());
    });
    consumerB.completion().await(10, TimeUnit.SECONDS);
    List<String> atIntruder = new CopyOnWriteArrayList<>();
    MessageConsumer<String> consumerX = intruder.vertx().eventBus().<String>consumer("tls-test.x", m -> {
      atIntruder.add(m.body());
      m.reply("x got " + m.body());
    });
    consumerX.completion().await(10, TimeUnit.SECONDS);

    // a -> b over TLS, both ways (the reply is a connection from b to a); also the JVM's TLS warm-up
    assertThat(request(a, "tls-test.b", "hello")).isEqualTo("b got hello");

    // the intruder -> b: b refuses its certificate; the request fails, b's handler never runs
    ReplyException sendFailure = awaitDeliveryFailure(intruder, "tls-test.b");
    assertThat(sendFailure.failureType()).isEqualTo(ReplyFailure.TIMEOUT);
    // a -> the intruder: a does not trust the intruder's certificate; nothing reaches its handler
    ReplyException receiveFailure = awaitDeliveryFailure(a, "tls-test.x");
    assertThat(receiveFailure.failureType()).isEqualTo(ReplyFailure.TIMEOUT);

    // the members still talk, and nothing crossed
    assertThat(request(b, "tls-test.b", "local")).isEqualTo("b got local");
    assertThat(request(a, "tls-test.b", "again")).isEqualTo("b got again");
    assertThat(atB).containsExactly("hello", "local", "again");
    assertThat(atIntruder).isEmpty();
  }

  @Test
  void halfSetOrUnreadableFilesStopTheStartWithTheKeyNamed(@TempDir Path dir) throws Exception {
    TestCertificates.Issued own = TestCertificates.selfSigned("m");
    Path cert = own.writeTo(dir, "m");
    assertThatThrownBy(() -> NodeBootstrap.start(cluster.config(0, Map.of("cluster.eventbus-tls.cert-file", cert.toString())))
      .await(30, TimeUnit.SECONDS)).hasMessageContaining("cluster.eventbus-tls.key-file must be set");
    Path notPem = Files.writeString(dir.resolve("trust.pem"), "hello\n");
    assertThatThrownBy(() -> NodeBootstrap.start(cluster.config(0, Map.of("cluster.eventbus-tls.cert-file", cert.toString(),
        "cluster.eventbus-tls.key-file", dir.resolve("m.key").toString(), "cluster.eventbus-tls.trust-file", notPem.toString())))
      .await(30, TimeUnit.SECONDS)).hasMessageContaining("cluster.eventbus-tls.trust-file").hasMessageContaining("holds no PEM certificate");
  }

  private final List<NodeBootstrap.Node> nodes = new CopyOnWriteArrayList<>();

  private NodeBootstrap.Node startTracked(int index, Map<String, Object> tls) throws Exception {
    NodeBootstrap.Node node = start(index, tls);
    nodes.add(node);
    return node;
  }

  @AfterEach
  void closeNodes() throws Exception {
    for (NodeBootstrap.Node n : nodes) n.close().await(30, TimeUnit.SECONDS);
  }

  private static String request(NodeBootstrap.Node from, String address, String body) throws Exception {
    return request(from, address, body, TRUSTED);
  }

  private static String request(NodeBootstrap.Node from, String address, String body, DeliveryOptions options) throws Exception {
    return from.vertx().eventBus().<String>request(address, body, options).await(30, TimeUnit.SECONDS).body();
  }

  /**
   * The failure of a request that found a handler on another member (so not NO_HANDLERS, which only means the
   * subscription has not reached this member yet) but could not be delivered.
   */
  private static ReplyException awaitDeliveryFailure(NodeBootstrap.Node from, String address) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        String reply = request(from, address, "from a stranger", UNTRUSTED);
        throw new AssertionError("delivered across an untrusted certificate: " + reply);
      } catch (ReplyException e) {
        if (e.failureType() != ReplyFailure.NO_HANDLERS) return e;
        if (System.nanoTime() > deadline) throw new AssertionError("the subscription to " + address + " never arrived", e);
        Thread.sleep(50);
      }
    }
  }
}
