package io.chatrelay.tchatator;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.CertDir;
import io.chatrelay.shared.testing.TestCertificates;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.shared.testing.TestPorts;
import io.chatrelay.tchatator.EdgeFixture.AliceAndBob;
import io.chatrelay.tchatator.codec.ReplyStatus;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import static io.chatrelay.tchatator.EdgeFixture.cSend;
import static io.chatrelay.tchatator.EdgeFixture.expect;
import static io.chatrelay.tchatator.EdgeFixture.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tchatator on {@code tchatator.tls.port}, beside the plain port the C client keeps: LOGIN and SEND_MSG over TLS,
 * the message read back over the plain port, and a renewed certificate served to new connections while a session
 * opened before it goes on.
 */
@ExtendWith(VertxExtension.class)
class TchatatorTlsTest {
  private static final long WAIT_S = 15;

  @Test
  void aSessionOverTlsAndTheSamePlainPortBesideIt(Vertx vertx, @TempDir Path dir) throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("chatrelay-test-ca");
    TestCertificates.Issued first = TestCertificates.signedBy(ca, "tchatator-first");
    CertDir certs = new CertDir(dir).install(first);
    int tlsPort = TestPorts.free();
    ChatrelayConfig cfg = TestConfigs.local().with("tchatator.log-file", "")
      .with("tchatator.tls.port", tlsPort)
      .with("tchatator.tls.cert-file", certs.cert().toString())
      .with("tchatator.tls.key-file", certs.key().toString())
      .with("tchatator.tls.reload-check-ms", 100);
    ServiceContext ctx = EdgeFixture.context(vertx, new LiveConfig(cfg), new LocalClusterView());
    AliceAndBob ab = EdgeFixture.startWithAliceAndBob(ctx).await(WAIT_S, TimeUnit.SECONDS);

    // over TLS, trusting the CA only, with the host name checked
    TchatatorClient alice = TchatatorClient.connectTls(vertx, tlsPort, ca.certPem()).await(WAIT_S, TimeUnit.SECONDS);
    assertThat(alice.socket().isSsl()).isTrue();
    assertThat(((X509Certificate) alice.socket().peerCertificates().get(0)).getSerialNumber()).isEqualTo(first.serial());
    expect(alice.send(login(ab.alice())).await(WAIT_S, TimeUnit.SECONDS), ReplyStatus.OK);
    expect(alice.send(cSend(ab.alice(), ab.bob().id(), "over TLS")).await(WAIT_S, TimeUnit.SECONDS), ReplyStatus.OK);

    // bob reads it on the plain port
    TchatatorClient bob = TchatatorClient.connect(vertx, EdgeFixture.port(cfg)).await(WAIT_S, TimeUnit.SECONDS);
    expect(bob.send(login(ab.bob())).await(WAIT_S, TimeUnit.SECONDS), ReplyStatus.OK);
    var unread = expect(bob.send("GET_UNREAD\ntoken:" + ab.bob().key() + "\n").await(WAIT_S, TimeUnit.SECONDS), ReplyStatus.OK);
    assertThat(unread.messages()).singleElement().satisfies(m -> assertThat(m.content()).isEqualTo("over TLS"));

    // renewed: new connections get the new certificate, alice's session goes on with hers
    TestCertificates.Issued second = TestCertificates.signedBy(ca, "tchatator-second");
    certs.install(second);
    CertDir.awaitServed(tlsPort, second.serial());
    TchatatorClient late = TchatatorClient.connectTls(vertx, tlsPort, ca.certPem()).await(WAIT_S, TimeUnit.SECONDS);
    assertThat(((X509Certificate) late.socket().peerCertificates().get(0)).getSerialNumber()).isEqualTo(second.serial());
    expect(late.send(login(ab.bob())).await(WAIT_S, TimeUnit.SECONDS), ReplyStatus.OK);
    expect(alice.send(cSend(ab.alice(), ab.bob().id(), "still here")).await(WAIT_S, TimeUnit.SECONDS), ReplyStatus.OK);
    assertThat(((X509Certificate) alice.socket().peerCertificates().get(0)).getSerialNumber()).isEqualTo(first.serial());

    // a client that trusts another CA gets no session
    TestCertificates.Issued otherCa = TestCertificates.ca("another-ca");
    assertThatThrownBy(() -> TchatatorClient.connectTls(vertx, tlsPort, otherCa.certPem()).await(WAIT_S, TimeUnit.SECONDS))
      .isNotNull();
  }
}
