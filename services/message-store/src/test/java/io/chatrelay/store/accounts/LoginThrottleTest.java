package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LoginThrottle} alone: windows, scopes, the memory bound, how addresses are grouped. */
class LoginThrottleTest {
  private static final ChatrelayConfig CFG = TestConfigs.local()
    .with("accounts.login-throttle.failures-per-address", 3)
    .with("accounts.login-throttle.failures-per-account", 5)
    .with("accounts.login-throttle.window-seconds", 60)
    .with("accounts.login-throttle.max-tracked", 100);

  private final LoginThrottle throttle = new LoginThrottle();

  @Test
  void anAddressIsThrottledFromItsLimitUntilItsWindowCloses() {
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.refusal("10.0.0.1", "alice", 1_000 + i, CFG)).isNull();
      throttle.recordFailure("10.0.0.1", "alice", 1_000 + i, CFG);
    }
    BusFailure refusal = throttle.refusal("10.0.0.1", "bob", 30_000, CFG);
    assertThat(refusal).isNotNull();
    assertThat(refusal.code()).isEqualTo(429);
    assertThat(refusal.reason()).isEqualTo("login-throttled");
    assertThat(refusal.details().getString("scope")).isEqualTo("address");
    assertThat(refusal.details().getLong("retryAt")).isEqualTo(61_000);
    assertThat(throttle.refusal("10.0.0.2", "alice", 30_000, CFG)).as("another address, alice below 5").isNull();
    assertThat(throttle.refusal("10.0.0.1", "bob", 60_999, CFG)).isNotNull();
    assertThat(throttle.refusal("10.0.0.1", "bob", 61_000, CFG)).as("the window closed").isNull();
    // a new window opens at the next failure
    throttle.recordFailure("10.0.0.1", "bob", 61_000, CFG);
    assertThat(throttle.refusal("10.0.0.1", "bob", 61_001, CFG)).isNull();
  }

  @Test
  void whenBothScopesAreFullTheLaterWindowIsTheAnswer() {
    for (int i = 0; i < 5; i++) throttle.recordFailure("10.0.0." + i, "carol", 1_000, CFG);       // carol: 5 at t=1s
    for (int i = 0; i < 3; i++) throttle.recordFailure("10.9.9.9", "someone" + i, 20_000, CFG);   // address: 3 at t=20s
    BusFailure refusal = throttle.refusal("10.9.9.9", "carol", 21_000, CFG);
    assertThat(refusal.details().getString("scope")).isEqualTo("address");
    assertThat(refusal.details().getLong("retryAt")).isEqualTo(80_000);
    assertThat(throttle.refusal("10.1.1.1", "carol", 21_000, CFG).details().getString("scope")).isEqualTo("account");
    assertThat(throttle.refusal(null, "carol", 21_000, CFG).details().getLong("retryAt")).isEqualTo(61_000);
  }

  @Test
  void aZeroLimitThrottlesNothingAndTracksNothing() {
    ChatrelayConfig off = CFG.with("accounts.login-throttle.failures-per-address", 0)
      .with("accounts.login-throttle.failures-per-account", 0);
    for (int i = 0; i < 50; i++) throttle.recordFailure("10.0.0.1", "dave", i, off);
    assertThat(throttle.refusal("10.0.0.1", "dave", 100, off)).isNull();
    assertThat(throttle.tracked(LoginThrottle.Scope.ADDRESS)).isZero();
    assertThat(throttle.tracked(LoginThrottle.Scope.ACCOUNT)).isZero();
  }

  @Test
  void memoryIsBoundedUnderAnAddressFloodAndTheOldestWindowsGoFirst() {
    ChatrelayConfig small = CFG.with("accounts.login-throttle.max-tracked", 50);
    for (int i = 0; i < 3; i++) throttle.recordFailure("192.0.2.1", "erin", 0, small);   // throttled, and oldest
    for (int i = 0; i < 10_000; i++) throttle.recordFailure("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255),
      "name" + i, 1_000 + i, small);
    assertThat(throttle.tracked(LoginThrottle.Scope.ADDRESS)).isEqualTo(50);
    assertThat(throttle.tracked(LoginThrottle.Scope.ACCOUNT)).isEqualTo(50);
    assertThat(throttle.refusal("192.0.2.1", null, 11_000, small)).as("forgotten, not kept forever").isNull();
    // the newest windows are the ones kept: the last address still counts its failure
    throttle.recordFailure("10.0.39.15", null, 11_001, small);
    throttle.recordFailure("10.0.39.15", null, 11_002, small);
    assertThat(throttle.refusal("10.0.39.15", null, 11_003, small)).isNotNull();
  }

  @ParameterizedTest
  @CsvSource({
    "192.0.2.1,                        192.0.2.1",
    "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 20010db800010002::/64",
    "[2001:db8:1:2::1],                20010db800010002::/64",
    "2001:DB8:1:2::ffff,               20010db800010002::/64",
    "2001:db8:1:3::1,                  20010db800010003::/64",
    "::ffff:192.0.2.1,                 192.0.2.1",
    "Proxy.Example,                    proxy.example"
  })
  void addressesAreCountedPerIpv4AddressOrIpv6Slash64(String source, String key) {
    assertThat(LoginThrottle.addressKey(source)).isEqualTo(key);
  }

  @Test
  void noSourceIsNoAddress() {
    assertThat(LoginThrottle.addressKey(null)).isNull();
    assertThat(LoginThrottle.addressKey("")).isNull();
  }
}
