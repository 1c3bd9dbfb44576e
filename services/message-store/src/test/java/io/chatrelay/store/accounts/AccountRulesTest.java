package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.BusFailure;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class AccountRulesTest {
  static Stream<Arguments> names() {
    return Stream.of(
      arguments("a", true),
      arguments("alice", true),
      arguments("Bob.Pro-2_x", true),
      arguments("007bond", true),
      arguments("4.2", true),
      arguments("x".repeat(64), true),
      arguments("x".repeat(65), false),
      arguments("", false),
      arguments(null, false),
      arguments("12345", false),          // would read as an account id
      arguments("0", false),
      arguments("-alice", false),         // would read as a command-line option
      arguments(".alice", false),
      arguments("_alice", false),
      arguments("al ice", false),
      arguments("alice\n", false),
      arguments("al/ice", false),
      arguments("al@ice", false),
      arguments("élise", false),
      arguments("аlice", false));         // Cyrillic 'а': looks like "alice"
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" valid: {1}")
  @MethodSource("names")
  void namesFollowTheRules(String name, boolean valid) {
    assertThat(AccountRules.isValidName(name)).isEqualTo(valid);
    if (valid) {
      assertThatCode(() -> AccountRules.checkName(name)).doesNotThrowAnyException();
    } else {
      assertFailure(() -> AccountRules.checkName(name), "bad-name");
    }
  }

  static Stream<Arguments> passwords() {
    return Stream.of(
      arguments("12345678", true),
      arguments("correct horse battery staple", true),
      arguments("mot de passe très sûr ✓", true),
      arguments("\uD83D\uDD11".repeat(8), true),                 // 8 code points, 16 chars
      arguments("é".repeat(200), true),
      arguments("é".repeat(201), false),
      arguments("1234567", false),
      arguments("\uD83D\uDD11".repeat(7), false),                // 14 chars but 7 code points
      arguments("", false),
      arguments(null, false),
      arguments("password\n", false),
      arguments("pass\tword", false),
      arguments("pass\u0000word", false),
      arguments("password\uD800", false));                       // lone surrogate
  }

  @ParameterizedTest(name = "[{index}] {0} valid: {1}")
  @MethodSource("passwords")
  void passwordsFollowTheRules(String password, boolean valid) {
    assertThat(AccountRules.isValidPassword(password)).isEqualTo(valid);
    if (valid) {
      assertThatCode(() -> AccountRules.checkPassword(password)).doesNotThrowAnyException();
    } else {
      assertFailure(() -> AccountRules.checkPassword(password), "bad-password");
    }
  }

  static Stream<Arguments> logins() {
    return Stream.of(
      arguments("42", true),
      arguments("000000000000000042", true),
      arguments("1".repeat(19), false),
      arguments("alice", false),
      arguments("4.2", false),
      arguments("-1", false),
      arguments("", false));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" is an id: {1}")
  @MethodSource("logins")
  void numericLoginsAreAccountIds(String username, boolean numeric) {
    assertThat(AccountRules.isNumericId(username)).isEqualTo(numeric);
  }

  private static void assertFailure(Runnable check, String reason) {
    try {
      check.run();
    } catch (BusFailure.BusFailureException e) {
      assertThat(e.failure().code()).isEqualTo(BusFailure.BAD_REQUEST);
      assertThat(e.failure().reason()).isEqualTo(reason);
      return;
    }
    throw new AssertionError("expected 400 " + reason);
  }
}
