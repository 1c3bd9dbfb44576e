package io.chatrelay.store.accounts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  void matchesThePbkdf2HmacSha256TestVector() {
    // RFC 7914 section 11: PBKDF2-HMAC-SHA256(P="passwd", S="salt", c=1); its first 32 bytes
    byte[] expected = HexFormat.of().parseHex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    String stored = "pbkdf2-sha256$1$" + Base64.getEncoder().encodeToString("salt".getBytes()) + "$"
      + Base64.getEncoder().encodeToString(expected);
    assertThat(hasher.verify("passwd", stored)).isTrue();
    assertThat(hasher.verify("passwe", stored)).isFalse();
  }

  @Test
  void hashesVerifyOnlyTheirOwnPasswordAndAreSaltedEachTime() {
    String first = hasher.hash("correct horse", 1000);
    String second = hasher.hash("correct horse", 1000);
    assertThat(first).matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}");
    assertThat(first).isNotEqualTo(second);
    assertThat(hasher.verify("correct horse", first)).isTrue();
    assertThat(hasher.verify("correct horse", second)).isTrue();
    assertThat(hasher.verify("correct horsE", first)).isFalse();
    assertThat(hasher.verify("", first)).isFalse();
    assertThat(PasswordHasher.iterations(first)).isEqualTo(1000);
  }

  @Test
  void hashesNonAsciiPasswords() {
    String stored = hasher.hash("mot de passe très sûr \uD83D\uDD11", 10);
    assertThat(hasher.verify("mot de passe très sûr \uD83D\uDD11", stored)).isTrue();
    assertThat(hasher.verify("mot de passe tres sur \uD83D\uDD11", stored)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "",
    "pbkdf2-sha256",
    "pbkdf2-sha256$1000$c2FsdA==",
    "pbkdf2-sha1$1000$c2FsdA==$c2FsdA==",
    "pbkdf2-sha256$0$c2FsdA==$c2FsdA==",
    "pbkdf2-sha256$-5$c2FsdA==$c2FsdA==",
    "pbkdf2-sha256$many$c2FsdA==$c2FsdA==",
    "pbkdf2-sha256$99999999999$c2FsdA==$c2FsdA==",
    "pbkdf2-sha256$1000$not base64!$c2FsdA==",
    "pbkdf2-sha256$1000$$c2FsdA==",
    "pbkdf2-sha256$1000$c2FsdA==$",
    "pbkdf2-sha256$1000$c2FsdA==$c2FsdA==$extra"})
  void refusesStoredFormsItCannotRead(String stored) {
    assertThat(hasher.verify("anything", stored)).isFalse();
    assertThat(PasswordHasher.iterations(stored)).isEqualTo(-1);
  }
}
