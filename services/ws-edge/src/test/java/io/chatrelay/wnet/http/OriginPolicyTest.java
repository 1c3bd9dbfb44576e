package io.chatrelay.wnet.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class OriginPolicyTest {
  private static final List<String> NONE = List.of();

  static Stream<Arguments> handshakes() {
    return Stream.of(
      // allowed-origins, Origin header, scheme, Host header, allowed?
      arguments(NONE, null, "http", "chat.example.org", true),
      arguments(NONE, "http://chat.example.org", "http", "chat.example.org", true),
      arguments(NONE, "http://chat.example.org:80", "http", "chat.example.org", true),
      arguments(NONE, "http://CHAT.Example.org", "http", "chat.example.org:80", true),
      arguments(NONE, "https://chat.example.org", "https", "chat.example.org:443", true),
      arguments(NONE, "http://127.0.0.1:8080", "http", "127.0.0.1:8080", true),
      arguments(NONE, "http://[::1]:8080", "http", "[::1]:8080", true),
      arguments(NONE, "https://chat.example.org", "http", "chat.example.org", false),
      arguments(NONE, "http://chat.example.org:8080", "http", "chat.example.org", false),
      arguments(NONE, "http://localhost:8080", "http", "127.0.0.1:8080", false),
      arguments(NONE, "https://evil.example", "https", "chat.example.org", false),
      arguments(NONE, "http://chat.example.org.evil.example", "http", "chat.example.org", false),
      arguments(NONE, "null", "http", "chat.example.org", false),
      arguments(NONE, "http://chat.example.org/path", "http", "chat.example.org", false),
      arguments(NONE, "not an origin", "http", "chat.example.org", false),
      arguments(NONE, "http://chat.example.org", "http", null, false),
      arguments(List.of("https://app.example.org"), "https://app.example.org", "http", "chat.example.org", true),
      arguments(List.of("https://app.example.org:443"), "https://APP.example.org", "http", "chat.example.org", true),
      arguments(List.of("https://app.example.org"), "http://app.example.org", "http", "chat.example.org", false),
      arguments(List.of("https://app.example.org"), "https://evil.example", "http", "chat.example.org", false),
      arguments(List.of("https://app.example.org"), "http://chat.example.org", "http", "chat.example.org", true),
      arguments(List.of("null"), "null", "http", "chat.example.org", true),
      arguments(List.of("*"), "https://evil.example", "http", "chat.example.org", true),
      arguments(List.of("*"), "garbage", "http", "chat.example.org", true));
  }

  @ParameterizedTest(name = "[{index}] allowed {0}: Origin {1} to {2}://{3} -> {4}")
  @MethodSource("handshakes")
  void decides(List<String> allowed, String origin, String scheme, String host, boolean expected) {
    assertThat(OriginPolicy.of(allowed).allows(origin, scheme, host)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"app.example.org", "https://app.example.org/", "https://app.example.org/x", "https://u@app.example.org", ""})
  void aSettingThatIsNotAnOriginIsAnError(String entry) {
    assertThatThrownBy(() -> OriginPolicy.of(List.of(entry))).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("wnet.allowed-origins");
  }
}
