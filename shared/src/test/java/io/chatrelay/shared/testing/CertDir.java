package io.chatrelay.shared.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;

/**
 * A certificate directory laid out as kubelet lays out a mounted Secret: {@code tls.crt} and {@code tls.key} are
 * symlinks into {@code ..data}, itself a symlink to a versioned directory that each {@link #install} replaces in
 * one rename, so a reader never sees a new certificate with an old key.
 */
public final class CertDir {
  private final Path root;
  private int version;

  public CertDir(Path root) {
    this.root = root;
  }

  public Path cert() {
    return root.resolve("tls.crt");
  }

  public Path key() {
    return root.resolve("tls.key");
  }

  public CertDir install(TestCertificates.Issued issued) {
    return install(issued.certPem(), issued.keyPem());
  }

  /** Writes {@code certPem} and {@code keyPem} (any text, e.g. a broken file) as the new pair, atomically. */
  public CertDir install(String certPem, String keyPem) {
    try {
      Path dir = Files.createDirectory(root.resolve("..v" + (++version)));
      Files.writeString(dir.resolve("tls.crt"), certPem);
      Files.writeString(dir.resolve("tls.key"), keyPem);
      Path tmp = root.resolve("..data_tmp");
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, dir.getFileName());
      Files.move(tmp, root.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (!Files.exists(cert(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(cert(), Path.of("..data", "tls.crt"));
        Files.createSymbolicLink(key(), Path.of("..data", "tls.key"));
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The serial of the certificate a new TLS connection to 127.0.0.1:{@code port} is served (any certificate accepted). */
  public static BigInteger servedSerial(int port) {
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        socket.startHandshake();
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits (up to 15 s) until new connections to {@code port} are served the certificate {@code serial}. */
  public static void awaitServed(int port, BigInteger serial) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    BigInteger seen = null;
    while (System.nanoTime() < deadline) {
      seen = servedSerial(port);
      if (seen.equals(serial)) return;
      Thread.sleep(50);
    }
    throw new AssertionError("port " + port + " still serves serial " + seen.toString(16) + ", not " + serial.toString(16));
  }
}
