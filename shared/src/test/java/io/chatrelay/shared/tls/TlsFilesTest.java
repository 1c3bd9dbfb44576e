package io.chatrelay.shared.tls;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestCertificates;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link TlsFiles} and {@link TlsSettings} accept and how they say no. */
class TlsFilesTest {
  private static Buffer b(String s) {
    return Buffer.buffer(s);
  }

  @Test
  void aChainWithItsIntermediateAndItsKeyIsAccepted() {
    TestCertificates.Issued ca = TestCertificates.ca("ca");
    TestCertificates.Issued leaf = TestCertificates.signedBy(ca, "leaf");
    TlsFiles.KeyCert loaded = TlsFiles.parse("t", b(leaf.certPem() + ca.certPem()), b(leaf.keyPem()));
    assertThat(loaded.chain()).hasSize(2);
    assertThat(loaded.serial()).isEqualTo(leaf.serial());
    assertThat(loaded.describe()).contains("CN=leaf").contains("chain of 2");
  }

  @Test
  void badPairsAreRefusedWithTheReason() {
    TestCertificates.Issued one = TestCertificates.selfSigned("one");
    TestCertificates.Issued two = TestCertificates.selfSigned("two");
    assertThatThrownBy(() -> TlsFiles.parse("t", b(one.certPem()), b(two.keyPem())))
      .hasMessageContaining("the private key does not belong to the certificate");
    assertThatThrownBy(() -> TlsFiles.parse("t", b(one.keyPem()), b(one.keyPem())))
      .hasMessageContaining("holds no PEM certificate");
    assertThatThrownBy(() -> TlsFiles.parse("t", b(one.certPem()), b("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")))
      .hasMessageContaining("key file is not a PEM private key");
    String truncated = one.certPem().substring(0, one.certPem().length() / 2) + "\n-----END CERTIFICATE-----\n";
    assertThatThrownBy(() -> TlsFiles.parse("t", b(truncated), b(one.keyPem())))
      .hasMessageContaining("is not a readable PEM certificate");
  }

  @Test
  void settingsAreCheckedAtReadWithTheKeyNamed(@TempDir Path dir) {
    Path cert = TestCertificates.selfSigned("s").writeTo(dir, "s");
    ChatrelayConfig base = ChatrelayConfig.defaults();
    assertThat(TlsSettings.read(base, "tchatator").enabled()).isFalse();
    assertThatThrownBy(() -> TlsSettings.read(base.with("tchatator.tls.port", 70000), "tchatator"))
      .hasMessageContaining("tchatator.tls.port must be between 0 and 65535, got 70000"); // the definition's range, at load
    assertThatThrownBy(() -> TlsSettings.read(base.with("tchatator.tls.port", 4242), "tchatator"))
      .hasMessageContaining("is also tchatator.port");
    assertThatThrownBy(() -> TlsSettings.read(base.with("tchatator.tls.port", 4443), "tchatator"))
      .hasMessageContaining("tchatator.tls.cert-file must be set");
    ChatrelayConfig ok = base.with("tchatator.tls.port", 4443).with("tchatator.tls.cert-file", cert.toString())
      .with("tchatator.tls.key-file", dir.resolve("s.key").toString());
    assertThat(TlsSettings.read(ok, "tchatator").port()).isEqualTo(4443);
    // the environment reaches the new keys by the usual mapping
    ChatrelayConfig fromEnv = ChatrelayConfig.load(null, Map.of("CHATRELAY_WNET_TLS_PORT", "8443",
      "CHATRELAY_CLUSTER_EVENTBUS_TLS_TRUST_FILE", "/etc/ca.crt"), Map.of());
    assertThat(fromEnv.getInt("wnet.tls.port")).isEqualTo(8443);
    assertThat(fromEnv.getString("cluster.eventbus-tls.trust-file")).isEqualTo("/etc/ca.crt");
    assertThat(fromEnv.warnings()).isEmpty();
  }
}
