package io.chatrelay.shared.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An edge's certificate, kept up to date with its files: every {@code reload-check-ms} the certificate and key
 * files are read again (off the event loop) and compared by content with the ones in use, which also catches
 * kubelet's switch of a Secret volume's {@code ..data} symlink and cert-manager's renewals. A changed pair is
 * checked ({@link TlsFiles#parse}) and handed to every registered server ({@code updateSSLOptions}: new
 * connections get the new certificate, open ones keep theirs and stay open), then logged once. A pair that does
 * not check (unreadable, not PEM, key of another certificate, e.g. the moment between copying the certificate and
 * the key) is refused with one WARN line naming the file and the reason, and the certificate in use stays; the
 * same refused content is not logged again.
 */
public final class CertificateWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);

  private final Vertx vertx;
  private final TlsSettings settings;
  private final List<Function<TlsFiles.KeyCert, Future<?>>> servers = new CopyOnWriteArrayList<>();
  private volatile TlsFiles.KeyCert current;
  /** What the last refusal saw (a digest of the files, or the read error), so that it is logged once. */
  private volatile String refused;
  private long timer = -1;
  private volatile boolean stopped;

  private CertificateWatcher(Vertx vertx, TlsSettings settings, TlsFiles.KeyCert initial) {
    this.vertx = vertx;
    this.settings = settings;
    this.current = initial;
  }

  /** Loads the files (a failure is the start's failure, with the reason) and starts checking them. */
  public static Future<CertificateWatcher> start(Vertx vertx, TlsSettings settings) {
    return vertx.executeBlocking(() -> TlsFiles.load(settings.section(), settings.certFile(), settings.keyFile()))
      .map(initial -> {
        LOG.info("{}: certificate {} loaded from {}", settings.section(), initial.describe(), settings.certFile());
        CertificateWatcher w = new CertificateWatcher(vertx, settings, initial);
        w.schedule();
        return w;
      });
  }

  /** The certificate in use. */
  public TlsFiles.KeyCert current() {
    return current;
  }

  /**
   * Keeps a server serving the certificate in use: on every new one, {@code update} (the server's
   * {@code updateSSLOptions}) gets {@code base} (the server's SSL options, copied) with the new key and certificate.
   * Returns a handle that stops it (call it when the server closes).
   */
  public Runnable keepUpdated(ServerSSLOptions base, Function<ServerSSLOptions, Future<Boolean>> update) {
    ServerSSLOptions template = base.copy();
    Function<TlsFiles.KeyCert, Future<?>> server = keyCert -> update.apply(template.copy().setKeyCertOptions(keyCert.options()));
    servers.add(server);
    // a certificate installed while the server was being built (it was given the one before) is given now
    TlsFiles.KeyCert now = current;
    if (!now.options().equals(base.getKeyCertOptions())) server.apply(now);
    return () -> servers.remove(server);
  }

  public void stop() {
    stopped = true;
    if (timer >= 0) vertx.cancelTimer(timer);
  }

  private void schedule() {
    if (stopped || settings.reloadCheckMs() <= 0) return;
    timer = vertx.setTimer(settings.reloadCheckMs(), id -> check().onComplete(v -> schedule()));
  }

  /** Reads the files once and installs them if they changed and check; never fails. */
  Future<Void> check() {
    return vertx.executeBlocking(this::examine).compose(outcome -> {
      if (outcome == null) return Future.succeededFuture();
      if (outcome.error() != null) {
        refused = outcome.files();
        LOG.warn("{}: new certificate files refused, still serving {}: {}", settings.section(), current.describe(),
          outcome.error().getMessage());
        return Future.succeededFuture();
      }
      return install(outcome.loaded());
    }).recover(err -> {
      LOG.warn("{}: checking the certificate files failed: {}", settings.section(), err.toString());
      return Future.succeededFuture();
    });
  }

  /** The files' content, what a refused read saw instead (the error's text), and the outcome of checking them. */
  private record Outcome(String files, TlsFiles.KeyCert loaded, IllegalArgumentException error) {
  }

  /** On a worker thread: null when nothing changed since the certificate in use or the last refusal. */
  private Outcome examine() {
    Buffer cert;
    Buffer key;
    try {
      cert = TlsFiles.read(settings.section(), settings.certFile());
      key = TlsFiles.read(settings.section(), settings.keyFile());
    } catch (IllegalArgumentException e) {
      String seen = "unreadable: " + e.getMessage();
      return seen.equals(refused) ? null : new Outcome(seen, null, e);
    }
    if (current.sameFiles(cert, key)) return null;
    String seen = fingerprint(cert, key);
    if (seen.equals(refused)) return null;
    try {
      return new Outcome(seen, TlsFiles.parse("cert-file " + settings.certFile() + ", key-file " + settings.keyFile(), cert, key), null);
    } catch (IllegalArgumentException e) {
      return new Outcome(seen, null, e);
    }
  }

  private static String fingerprint(Buffer cert, Buffer key) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(cert.getBytes());
      sha.update((byte) 0);
      sha.update(key.getBytes());
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Future<Void> install(TlsFiles.KeyCert next) {
    TlsFiles.KeyCert previous = current;
    current = next;
    refused = null;
    List<Future<?>> updates = new ArrayList<>();
    for (Function<TlsFiles.KeyCert, Future<?>> server : servers) updates.add(server.apply(next));
    return Future.all(updates)
      .onSuccess(v -> LOG.info("{}: new certificate in use for new connections: {} (was serial {})", settings.section(),
        next.describe(), previous.serial().toString(16)))
      .onFailure(err -> LOG.warn("{}: a server did not take the new certificate {}: {}", settings.section(), next.describe(),
        err.getMessage()))
      .mapEmpty();
  }
}
