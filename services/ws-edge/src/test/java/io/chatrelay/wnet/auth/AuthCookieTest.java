package io.chatrelay.wnet.auth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class AuthCookieTest {
  private static final String NOT_JSON = "the password auth data is not JSON {\"username\": ..., \"password\": ...}";
  private static final String ALICE_JSON = "%7B%22username%22%3A%20%22alice%22%2C%20%22password%22%3A%20%22s3cret%22%7D";

  static Stream<Arguments> cookies() {
    return Stream.of(
      // the forms the reference describes: quoted (Python) and bare, URL-encoded JSON
      arguments(List.of("auth=\"type=password&auth=" + ALICE_JSON + "\""), new Credentials.Password("alice", "s3cret")),
      arguments(List.of("auth=type=password&auth=" + ALICE_JSON), new Credentials.Password("alice", "s3cret")),
      arguments(List.of("theme=dark; auth=\"type=password&auth=" + ALICE_JSON + "\"; lang=ru"), new Credentials.Password("alice", "s3cret")),
      arguments(List.of("theme=dark", "auth=type=password&auth=" + ALICE_JSON), new Credentials.Password("alice", "s3cret")),
      // numeric account id as username, JSON number or string
      arguments(List.of("auth=type=password&auth=%7B%22username%22%3A42%2C%22password%22%3A%22pw%22%7D"), new Credentials.Password("42", "pw")),
      arguments(List.of("auth=type=password&auth=%7B%22username%22%3A%2242%22%2C%22password%22%3A%22pw%22%7D"), new Credentials.Password("42", "pw")),
      // Python escapes inside quotes: \" and octal (\073 is ';', \054 is ',')
      arguments(List.of("auth=\"type=password&auth={\\\"username\\\": \\\"bob\\\"\\054 \\\"password\\\": \\\"a\\073b\\\"}\""), new Credentials.Password("bob", "a;b")),
      // '+' and %XX in the password survive URL decoding
      arguments(List.of("auth=type=password&auth=%7B%22username%22%3A%22bob%22%2C%22password%22%3A%22a%2Bb%26c%3D%22%7D"), new Credentials.Password("bob", "a+b&c=")),
      // API key
      arguments(List.of("auth=\"type=token&auth=ck_live_0123456789abcdef\""), new Credentials.Token("ck_live_0123456789abcdef")),
      arguments(List.of("auth=type=token&auth=ck%2Flive"), new Credentials.Token("ck/live")),
      // unusable: each with its reason, never the data
      arguments(List.of(), new Credentials.Unusable("no auth cookie was sent")),
      arguments(List.of("session=abc; theme=dark"), new Credentials.Unusable("no auth cookie was sent")),
      arguments(List.of("auth=\"type=password&auth=$auth_data$\""), new Credentials.Unusable("the auth cookie holds the placeholder $auth_data$, not credentials")),
      arguments(List.of("auth=type=password&auth=hunter2"), new Credentials.Unusable(NOT_JSON)),
      arguments(List.of("auth=type=password&auth=%5B1%2C2%5D"), new Credentials.Unusable(NOT_JSON)),
      arguments(List.of("auth=type=password&auth=%7B%22username%22%3A%22bob%22%7D"), new Credentials.Unusable(NOT_JSON)),
      arguments(List.of("auth=type=password&auth=%7B%22username%22%3A%22%22%2C%22password%22%3A%22x%22%7D"), new Credentials.Unusable(NOT_JSON)),
      arguments(List.of("auth=type=password&auth=%7B%22username%22%3A1.5%2C%22password%22%3A%22x%22%7D"), new Credentials.Unusable(NOT_JSON)),
      arguments(List.of("auth=type=password"), new Credentials.Unusable("the auth cookie has no auth data")),
      arguments(List.of("auth=type=token&auth="), new Credentials.Unusable("the auth cookie has no auth data")),
      arguments(List.of("auth=auth=abc"), new Credentials.Unusable("the auth cookie has no type")),
      arguments(List.of("auth="), new Credentials.Unusable("the auth cookie has no type")),
      arguments(List.of("auth=type=telegram&auth=x"), new Credentials.Unusable("auth type 'telegram' is not supported (use password or token)")),
      arguments(List.of("auth=type=password&auth=%ZZ"), new Credentials.Unusable("the auth cookie is not a URL query string type=...&auth=...")),
      arguments(List.of("auth"), new Credentials.Unusable("no auth cookie was sent")),
      arguments(List.of("auth=\"type=token&auth=unterminated"), new Credentials.Token("unterminated")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cookies")
  void readsTheAuthCookie(List<String> headers, Credentials expected) {
    assertThat(AuthCookie.parse(headers)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cookies")
  void neverPrintsSecrets(List<String> headers, Credentials ignored) {
    String printed = AuthCookie.parse(headers).toString();
    assertThat(printed).doesNotContain("s3cret", "hunter2", "ck_live", "a+b&c=");
  }
}
