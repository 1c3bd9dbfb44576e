package io.chatrelay.store.accounts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {
  @Test
  void keysAre64LowerCaseHexDigitsAndNeverRepeat() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 1000; i++) keys.add(ApiKeys.generate());
    assertThat(keys).hasSize(1000).allSatisfy(k -> assertThat(k).matches("[0-9a-f]{64}"));
  }

  @Test
  void theStoredDigestIsTheSha256OfTheKeyText() {
    // SHA-256("abc"), FIPS 180-2 appendix B.1
    assertThat(ApiKeys.digest("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    String key = ApiKeys.generate();
    assertThat(ApiKeys.digest(key)).matches("[0-9a-f]{64}").isNotEqualTo(key).isEqualTo(ApiKeys.digest(key));
  }

  @ParameterizedTest
  @CsvSource(nullValues = "NULL", value = {
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789ABCDEF, 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde, NULL",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0, NULL",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg, NULL",
    "' 123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', NULL",
    "'', NULL",
    "NULL, NULL"})
  void presentedKeysAreNormalizedOrRefused(String presented, String expected) {
    assertThat(ApiKeys.normalize(presented)).isEqualTo(expected);
  }
}
