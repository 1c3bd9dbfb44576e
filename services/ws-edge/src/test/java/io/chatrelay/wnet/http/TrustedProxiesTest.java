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

class TrustedProxiesTest {
  private static final TrustedProxies PROXIES = TrustedProxies.of(List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1"));

  static Stream<Arguments> trust() {
    return Stream.of(
      arguments("10.1.2.3", true), arguments("10.255.255.255", true), arguments("11.0.0.1", false),
      arguments("192.0.2.7", true), arguments("192.0.2.8", false),
      arguments("2001:db8::42", true), arguments("2001:db9::1", false),
      arguments("::1", true), arguments("0:0:0:0:0:0:0:1", true), arguments("::ffff:10.0.0.1", true),
      arguments("localhost", false), arguments("", false), arguments("10.0.0.1.evil.example", false));
  }

  @ParameterizedTest(name = "[{index}] {0} trusted: {1}")
  @MethodSource("trust")
  void trustsOnlyTheConfiguredAddresses(String address, boolean trusted) {
    assertThat(PROXIES.trusts(address)).isEqualTo(trusted);
  }

  static Stream<Arguments> clients() {
    return Stream.of(
      // TCP peer, X-Forwarded-For headers, the client
      arguments("203.0.113.5", List.of("198.51.100.1"), "203.0.113.5"),
      arguments("10.0.0.2", List.of(), "10.0.0.2"),
      arguments("10.0.0.2", List.of("198.51.100.1"), "198.51.100.1"),
      arguments("10.0.0.2", List.of("198.51.100.1, 10.0.0.9"), "198.51.100.1"),
      arguments("10.0.0.2", List.of("6.6.6.6, 198.51.100.1"), "198.51.100.1"),
      arguments("10.0.0.2", List.of("6.6.6.6", "198.51.100.1, 10.0.0.9"), "198.51.100.1"),
      arguments("10.0.0.2", List.of("10.0.0.8, 10.0.0.9"), "10.0.0.8"),
      arguments("10.0.0.2", List.of("198.51.100.1:4711"), "198.51.100.1"),
      arguments("10.0.0.2", List.of("[2001:db9::5]:443"), "2001:db9:0:0:0:0:0:5"),
      arguments("10.0.0.2", List.of("2001:db9::5"), "2001:db9:0:0:0:0:0:5"),
      arguments("10.0.0.2", List.of("unknown"), "10.0.0.2"),
      arguments("10.0.0.2", List.of("198.51.100.1, garbage, 10.0.0.9"), "10.0.0.9"),
      arguments("::1", List.of("198.51.100.1"), "198.51.100.1"));
  }

  @ParameterizedTest(name = "[{index}] from {0} with X-Forwarded-For {1} -> {2}")
  @MethodSource("clients")
  void theClientIsTheRightMostUntrustedHop(String peer, List<String> forwardedFor, String client) {
    assertThat(PROXIES.clientOf(peer, forwardedFor)).isEqualTo(client);
  }

  @ParameterizedTest
  @ValueSource(strings = {"proxy.example.org", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "1.2.3"})
  void aSettingThatIsNotAnAddressOrBlockIsAnError(String entry) {
    assertThatThrownBy(() -> TrustedProxies.of(List.of(entry))).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("wnet.trusted-proxies").hasMessageContaining(entry);
  }
}
