package io.chatrelay.shared.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Loading and checking PEM files the way Vert.x will use them: a certificate file (the server's certificate
 * first, then any intermediates), a private key file ({@code BEGIN PRIVATE KEY} PKCS#8, {@code BEGIN RSA PRIVATE
 * KEY} or {@code BEGIN EC PRIVATE KEY}, as cert-manager writes them), and trust files of one or more certificates.
 * The files' bytes are handed to Vert.x as values (not paths), so what was checked is what is used, and a changed
 * file is a changed option. Every refusal is an {@link IllegalArgumentException} whose message says which file
 * and why. The methods read files: call them off the event loop.
 */
public final class TlsFiles {
  private TlsFiles() {
  }

  /** A checked certificate chain and its private key. */
  public record KeyCert(Buffer cert, Buffer key, List<X509Certificate> chain) {
    public X509Certificate leaf() {
      return chain.get(0);
    }

    public BigInteger serial() {
      return leaf().getSerialNumber();
    }

    /** The options Vert.x serves these with (a new instance each call: Vert.x caches what it derives in it). */
    public PemKeyCertOptions options() {
      return new PemKeyCertOptions().setCertValue(cert).setKeyValue(key);
    }

    /** Whether {@code other} holds the same bytes. */
    public boolean sameFiles(Buffer otherCert, Buffer otherKey) {
      return cert.equals(otherCert) && key.equals(otherKey);
    }

    /** For log lines: serial, subject, expiry, chain length. */
    public String describe() {
      X509Certificate c = leaf();
      return "serial " + c.getSerialNumber().toString(16) + ", subject " + c.getSubjectX500Principal().getName()
        + ", valid until " + c.getNotAfter().toInstant() + (chain.size() > 1 ? ", chain of " + chain.size() : "");
    }
  }

  /** Reads and checks {@code certFile} and {@code keyFile}; {@code what} (e.g. {@code wnet.tls}) starts every message. */
  public static KeyCert load(String what, Path certFile, Path keyFile) {
    return parse(what + " (" + certFile + ", " + keyFile + ")", read(what, certFile), read(what, keyFile));
  }

  /**
   * Checks that {@code cert} holds at least one PEM certificate, that Vert.x reads {@code key} as a private key,
   * and that the key belongs to the first certificate (a signature made with it verifies with its public key).
   */
  public static KeyCert parse(String what, Buffer cert, Buffer key) {
    List<X509Certificate> chain = certificates(what + ": certificate file", cert);
    PrivateKey privateKey;
    try {
      // Vert.x's own PEM reader (the Vertx instance is used only for paths, and these are values)
      KeyStore store = new PemKeyCertOptions().setCertValue(cert).setKeyValue(key).loadKeyStore(null);
      String alias = Collections.list(store.aliases()).get(0);
      KeyManager[] managers = new PemKeyCertOptions().setCertValue(cert).setKeyValue(key).getKeyManagerFactory(null).getKeyManagers();
      privateKey = ((X509KeyManager) managers[0]).getPrivateKey(alias);
      if (privateKey == null) throw new IllegalArgumentException("no private key");
    } catch (Exception e) {
      throw new IllegalArgumentException(what + ": key file is not a PEM private key (" + message(e) + ")", e);
    }
    if (!matches(privateKey, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException(what + ": the private key does not belong to the certificate (serial "
        + chain.get(0).getSerialNumber().toString(16) + ")");
    }
    return new KeyCert(cert.copy(), key.copy(), chain);
  }

  /** The certificates of a PEM trust file, as Vert.x trust options; at least one certificate, else an error. */
  public static PemTrustOptions trust(String what, Path file) {
    Buffer bytes = read(what, file);
    certificates(what + " (" + file + ")", bytes);
    return new PemTrustOptions().addCertValue(bytes);
  }

  static Buffer read(String what, Path file) {
    try {
      return Buffer.buffer(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": cannot read " + file + " (" + message(e) + ")", e);
    }
  }

  private static List<X509Certificate> certificates(String what, Buffer pem) {
    String text = pem.toString(java.nio.charset.StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException(what + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    try {
      Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes()));
      if (all.isEmpty()) throw new IllegalArgumentException("no certificate");
      return all.stream().map(c -> (X509Certificate) c).toList();
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not a readable PEM certificate (" + message(e) + ")", e);
    }
  }

  private static boolean matches(PrivateKey key, PublicKey pub) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) return key.getAlgorithm().equals(pub.getAlgorithm());
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(pub);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
