package io.chatrelay.shared.tls;

import io.chatrelay.shared.config.ChatrelayConfig;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;

import java.nio.file.Path;

/**
 * TLS between the members' event buses, {@code cluster.eventbus-tls.*}: this member's certificate and key and the
 * certificates it trusts (PEM). Every event-bus connection is TLS both ways and each side must present a
 * certificate the other trusts ({@link ClientAuth#REQUIRED}); host names are not checked (Vert.x's event-bus client
 * does not, and pod addresses change), so the trust file IS the membership: sign members' certificates with a CA
 * of the cluster's own and trust only that CA. Vert.x's event bus trusts every server certificate unless told
 * otherwise ({@code EventBusOptions.DEFAULT_TRUST_ALL} is true): {@link #applyTo} turns that off. Read at start only.
 */
public record EventBusTls(Path certFile, Path keyFile, Path trustFile) {
  static final String SECTION = "cluster.eventbus-tls";

  /** The settings, or null when all three files are empty (no TLS); one or two set is an error. */
  public static EventBusTls read(ChatrelayConfig cfg) {
    String cert = cfg.getString(SECTION + ".cert-file").trim();
    String key = cfg.getString(SECTION + ".key-file").trim();
    String trust = cfg.getString(SECTION + ".trust-file").trim();
    if (cert.isEmpty() && key.isEmpty() && trust.isEmpty()) return null;
    return new EventBusTls(TlsSettings.readable(SECTION + ".cert-file", cert), TlsSettings.readable(SECTION + ".key-file", key),
      TlsSettings.readable(SECTION + ".trust-file", trust));
  }

  /** Checks the files (as {@link TlsFiles} does) and sets TLS, the key, the trust and required client auth on {@code bus}. */
  public TlsFiles.KeyCert applyTo(EventBusOptions bus) {
    TlsFiles.KeyCert own = TlsFiles.load(SECTION, certFile, keyFile);
    bus.setSsl(true)
      .setKeyCertOptions(own.options())
      .setTrustOptions(TlsFiles.trust(SECTION + ".trust-file", trustFile))
      // EventBusOptions trusts ALL server certificates by default (DEFAULT_TRUST_ALL = true): without this, a
      // member would deliver to any process that registered a consumer, whatever its certificate
      .setTrustAll(false)
      .setClientAuth(ClientAuth.REQUIRED);
    return own;
  }
}
