package io.chatrelay.wnet;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.tls.CertificateWatcher;
import io.chatrelay.shared.testing.CertDir;
import io.chatrelay.shared.testing.TestCertificates;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.shared.testing.TestPorts;
import io.chatrelay.wnet.testing.LogLines;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * wss on {@code wnet.tls.port}: a whole session over TLS, certificates replaced live (new connections get the new
 * one, open connections stay), a bad pair refused once with the old certificate kept. Certificates are made in the
 * test and installed as kubelet installs a Secret (one symlink swap).
 */
@ExtendWith(VertxExtension.class)
class WnetTlsTest {
  private CertDir certs;
  private TestCertificates.Issued first;
  private int tlsPort;

  @BeforeEach
  void certificates(@TempDir Path dir) {
    first = TestCertificates.selfSigned("wss-first");
    certs = new CertDir(dir).install(first);
    tlsPort = TestPorts.free();
  }

  /** Two server instances (the certificate update must reach the port they share), a fast reload check. */
  private ChatrelayConfig settings(boolean plain) {
    return TestConfigs.local().with("wnet.server-instances", 2)
      .with("wnet.plain-enabled", plain)
      .with("wnet.tls.port", tlsPort)
      .with("wnet.tls.cert-file", certs.cert().toString())
      .with("wnet.tls.key-file", certs.key().toString())
      .with("wnet.tls.reload-check-ms", 100);
  }

  private static String serial(WsPeer peer) throws Exception {
    return ((X509Certificate) peer.socket().peerCertificates().get(0)).getSerialNumber().toString(16);
  }

  @Test
  void aBotAndAClientTalkOverWssAndThePlainPortCanBeOff(Vertx vertx) throws Exception {
    WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), settings(false), true);
    stack.createAccount("alice", "alice-pass");
    WsPeer bot = WsPeer.connectTls(vertx, tlsPort, WsPeer.passwordCookie("alice", "alice-pass"), first.certPem());
    bot.send("add@EchoBot");
    bot.expect("info@You added as bot");
    WsPeer client = WsPeer.connectTls(vertx, tlsPort, null, first.certPem());
    assertThat(client.socket().isSsl()).isTrue();
    assertThat(serial(client)).isEqualTo(first.serial().toString(16));
    String sid = client.connectTo(bot, "EchoBot", "None");
    client.send("cssend@EchoBot@over TLS");
    bot.expect("mess@" + sid + "@over TLS");
    bot.send("scsend@" + sid + "@back over TLS");
    client.expect("mess@EchoBot@back over TLS");

    // wnet.plain-enabled false: nothing listens on wnet.port
    int plainPort = stack.port();
    assertThatThrownBy(() -> WsPeer.connect(vertx, plainPort, null)).hasMessageContaining("onnection refused");
    // a client that does not trust the certificate gets no session
    TestCertificates.Issued other = TestCertificates.selfSigned("someone-else");
    assertThatThrownBy(() -> WsPeer.connectTls(vertx, tlsPort, null, other.certPem())).isNotNull();
  }

  @Test
  void aRotatedCertificateIsServedToNewConnectionsAndOpenOnesStay(Vertx vertx) throws Exception {
    WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), settings(true), true);
    stack.createAccount("alice", "alice-pass");
    WsPeer bot = WsPeer.connectTls(vertx, tlsPort, WsPeer.passwordCookie("alice", "alice-pass"), first.certPem());
    bot.send("add@EchoBot");
    bot.expect("info@You added as bot");
    assertThat(CertDir.servedSerial(tlsPort)).isEqualTo(first.serial());

    TestCertificates.Issued second = TestCertificates.selfSigned("wss-second");
    try (LogLines log = LogLines.of(CertificateWatcher.class)) {
      certs.install(second);
      CertDir.awaitServed(tlsPort, second.serial());
      assertThat(log.matching("new certificate in use")).singleElement().asString()
        .contains("serial " + second.serial().toString(16)).contains("was serial " + first.serial().toString(16));
    }
    // every new connection, on either server instance, gets the new certificate
    for (int i = 0; i < 4; i++) assertThat(CertDir.servedSerial(tlsPort)).isEqualTo(second.serial());
    // the bot's connection, opened with the first certificate, is still open and still relays
    assertThat(bot.isClosed()).isFalse();
    assertThat(serial(bot)).isEqualTo(first.serial().toString(16));
    WsPeer client = WsPeer.connectTls(vertx, tlsPort, null, second.certPem());
    assertThat(serial(client)).isEqualTo(second.serial().toString(16));
    String sid = client.connectTo(bot, "EchoBot", "None");
    client.send("cssend@EchoBot@after rotation");
    bot.expect("mess@" + sid + "@after rotation");
    // the plain port beside it is untouched
    WsPeer plain = WsPeer.connect(vertx, stack.port(), null);
    plain.send("search@Echo");
    plain.expect("list@Echo@EchoBot");
  }

  @Test
  void aBadPairIsRefusedOnceAndTheOldCertificateStays(Vertx vertx) throws Exception {
    WnetStack.start(vertx, new LocalClusterView(), settings(true), true);
    TestCertificates.Issued stranger = TestCertificates.selfSigned("stranger");
    TestCertificates.Issued third = TestCertificates.selfSigned("wss-third");
    try (LogLines log = LogLines.of(CertificateWatcher.class)) {
      // a new certificate with the key of another one
      certs.install(third.certPem(), stranger.keyPem());
      awaitLine(log, "refused");
      assertThat(CertDir.servedSerial(tlsPort)).isEqualTo(first.serial());
      // then a key file that is not PEM at all: refused too, once
      certs.install(first.certPem(), "not a key\n");
      awaitLine(log, "key file is not a PEM private key");
      assertThat(CertDir.servedSerial(tlsPort)).isEqualTo(first.serial());
      // a good pair is taken at the next check: many checks ran meanwhile, each refusal was logged once
      certs.install(third);
      CertDir.awaitServed(tlsPort, third.serial());
      assertThat(log.matching("refused")).hasSize(2);
      assertThat(log.matching("refused").get(0)).startsWith("WARN").contains("wnet.tls")
        .contains("the private key does not belong to the certificate").contains("still serving serial " + first.serial().toString(16));
      assertThat(log.matching("new certificate in use")).singleElement().asString().contains(third.serial().toString(16));
    }
  }

  @Test
  void missingOrHalfSetTlsSettingsStopTheStartWithTheKeyNamed(Vertx vertx) {
    ChatrelayConfig noKey = settings(true).with("wnet.tls.key-file", "");
    assertThatThrownBy(() -> WnetStack.start(vertx, new LocalClusterView(), noKey, true))
      .hasMessageContaining("wnet.tls.key-file must be set");
    ChatrelayConfig missing = settings(true).with("wnet.tls.cert-file", "/nonexistent/tls.crt");
    assertThatThrownBy(() -> WnetStack.start(vertx, new LocalClusterView(), missing, true))
      .hasMessageContaining("wnet.tls.cert-file: /nonexistent/tls.crt is not a readable file");
    ChatrelayConfig nowhere = settings(false).with("wnet.tls.port", 0);
    assertThatThrownBy(() -> WnetStack.start(vertx, new LocalClusterView(), nowhere, true))
      .hasMessageContaining("wnet.plain-enabled is false and wnet.tls.port is 0");
  }

  private static void awaitLine(LogLines log, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (log.matching(text).isEmpty()) {
      if (System.nanoTime() > deadline) throw new AssertionError("no log line with '" + text + "' within 15 s");
      Thread.sleep(20);
    }
  }
}
