package io.chatrelay.shared.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * X.509 certificates made in the test, in pure Java (the DER written here, signed by the JDK's ECDSA): a CA, and
 * leaf certificates for 127.0.0.1/localhost signed by a CA or by themselves, each with a serial of its own. Keys
 * are EC P-256, written as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}).
 */
public final class TestCertificates {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
  private static final byte[] ECDSA_SHA256 = oid(1, 2, 840, 10045, 4, 3, 2);
  private static final byte[] COMMON_NAME = oid(2, 5, 4, 3);
  private static final byte[] BASIC_CONSTRAINTS = oid(2, 5, 29, 19);
  private static final byte[] SUBJECT_ALT_NAME = oid(2, 5, 29, 17);
  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");

  private TestCertificates() {
  }

  /** A key pair and its certificate. */
  public record Issued(KeyPair keys, X509Certificate certificate, String commonName) {
    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    public String certPem() {
      try {
        return pem("CERTIFICATE", certificate.getEncoded());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    public String keyPem() {
      return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** Writes {@code <name>.crt} and {@code <name>.key} under {@code dir}; returns the certificate's path. */
    public Path writeTo(Path dir, String name) {
      try {
        Files.writeString(dir.resolve(name + ".key"), keyPem());
        return Files.writeString(dir.resolve(name + ".crt"), certPem());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A self-signed CA certificate (basicConstraints CA:true). */
  public static Issued ca(String commonName) {
    KeyPair keys = keyPair();
    return new Issued(keys, sign(commonName, commonName, keys, keys.getPrivate(), true), commonName);
  }

  /** A self-signed leaf certificate for 127.0.0.1 and localhost. */
  public static Issued selfSigned(String commonName) {
    KeyPair keys = keyPair();
    return new Issued(keys, sign(commonName, commonName, keys, keys.getPrivate(), false), commonName);
  }

  /** A leaf certificate for 127.0.0.1 and localhost signed by {@code ca}. */
  public static Issued signedBy(Issued ca, String commonName) {
    KeyPair keys = keyPair();
    return new Issued(keys, sign(commonName, ca.commonName(), keys, ca.keys().getPrivate(), false), commonName);
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"));
      return gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(String subject, String issuer, KeyPair subjectKeys, PrivateKey issuerKey, boolean ca) {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    byte[] extensions = ca
      ? extension(BASIC_CONSTRAINTS, true, seq(tlv(0x01, new byte[] {(byte) 0xff})))
      : concat(extension(BASIC_CONSTRAINTS, true, seq()),
        extension(SUBJECT_ALT_NAME, false, seq(
          tlv(0x87, new byte[] {127, 0, 0, 1}),
          tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)))));
    byte[] tbs = seq(
      tlv(0xa0, integer(BigInteger.valueOf(2))),
      integer(BigInteger.valueOf(SERIALS.incrementAndGet())),
      seq(ECDSA_SHA256),
      name(issuer),
      seq(utcTime(now.minusHours(1)), utcTime(now.plusDays(2))),
      name(subject),
      subjectKeys.getPublic().getEncoded(),
      tlv(0xa3, seq(extensions)));
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(issuerKey);
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] der = seq(tbs, seq(ECDSA_SHA256), tlv(0x03, concat(new byte[] {0}, signature)));
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  // ---- DER ----

  private static byte[] name(String cn) {
    return seq(tlv(0x31, seq(COMMON_NAME, tlv(0x0c, cn.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] extension(byte[] oid, boolean critical, byte[] value) {
    return critical ? seq(oid, tlv(0x01, new byte[] {(byte) 0xff}), tlv(0x04, value)) : seq(oid, tlv(0x04, value));
  }

  private static byte[] utcTime(ZonedDateTime t) {
    return tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray());
  }

  private static byte[] oid(int... arcs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(arcs[0] * 40 + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      int v = arcs[i];
      int shift = 28;
      while (shift > 0 && (v >> shift) == 0) shift -= 7;
      for (; shift > 0; shift -= 7) out.write(0x80 | ((v >> shift) & 0x7f));
      out.write(v & 0x7f);
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] seq(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = value.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      byte[] l = BigInteger.valueOf(len).toByteArray();
      int skip = l[0] == 0 ? 1 : 0;
      out.write(0x80 | (l.length - skip));
      out.write(l, skip, l.length - skip);
    }
    out.write(value, 0, len);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.write(p, 0, p.length);
    return out.toByteArray();
  }
}
