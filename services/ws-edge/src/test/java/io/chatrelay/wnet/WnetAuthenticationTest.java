package io.chatrelay.wnet;

import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.FakeAccounts;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The handshake's side of {@code chatrelay.accounts.authenticate}, against a stand-in account service that
 * answers as the real one does under a login flood: what the edge sends (the client's address, its own time
 * bound), and that a throttled, overloaded or banned answer reaches the peer at once as a clear {@code error@}.
 */
@ExtendWith(VertxExtension.class)
class WnetAuthenticationTest {
  private static final String RETRY_AT_TEXT = "2026-01-01T12:00:05Z";

  private static Object answer(JsonObject request) {
    String who = request.getString("username", request.getString("apiKey", ""));
    return switch (who) {
      case "throttled" -> BusFailure.of(429, "login-throttled", "too many failed logins")
        .with("retryAt", 1767268805000L).with("retryAtText", RETRY_AT_TEXT).with("scope", "address");
      case "lockedout" -> BusFailure.of(429, "login-throttled", "too many failed logins")
        .with("retryAt", 1767268805000L).with("scope", "account");
      case "busy" -> BusFailure.of(503, "overloaded", "the password queue is full");
      case "nodatabase" -> BusFailure.of(503, "store-unavailable", "the database cannot be reached").with("retryAfterMs", 2000);
      case "banned" -> BusFailure.of(403, "banned", "the account is banned");
      case "silent" -> null;
      default -> FakeAccounts.account(7, who);
    };
  }

  private static WnetStack stack(Vertx vertx, long handshakeTimeoutMs, long authTimeoutMs) {
    var config = TestConfigs.local().with("wnet.handshake-timeout-ms", handshakeTimeoutMs).with("wnet.auth-timeout-ms", authTimeoutMs);
    return WnetStack.start(vertx, new LocalClusterView(), config, false);
  }

  @Test
  void everyCheckCarriesTheClientsAddressAndHowLongTheHandshakeWaits(Vertx vertx) {
    WnetStack stack = stack(vertx, 10_000, 3_000);
    try (FakeAccounts accounts = FakeAccounts.start(vertx, WnetAuthenticationTest::answer)) {
      WsPeer byPassword = stack.connect(WsPeer.passwordCookie("alice", "alice-pass"));
      byPassword.send("add@PassBot");
      byPassword.expect("info@You added as bot");
      WsPeer byKey = stack.connect(WsPeer.tokenCookie("bobskey"));
      byKey.send("add@KeyBot");
      byKey.expect("info@You added as bot");
      assertThat(accounts.requests()).hasSize(2).allSatisfy(request -> {
        assertThat(request.getString("source")).isEqualTo("127.0.0.1");
        assertThat(request.getLong("timeoutMs")).isBetween(2_000L, 3_000L);
      });
      assertThat(accounts.requests().get(0).getString("type")).isEqualTo("password");
      assertThat(accounts.requests().get(1).getString("type")).isEqualTo("token");
    }
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
      arguments(WsPeer.passwordCookie("throttled", "guess"), "too many failed logins from this address; try again after " + RETRY_AT_TEXT),
      arguments(WsPeer.passwordCookie("lockedout", "guess"), "too many failed logins for this account; try again after 2026-01-01T12:00:05Z"),
      arguments(WsPeer.passwordCookie("busy", "right"), "the account service is overloaded; reconnect later"),
      arguments(WsPeer.tokenCookie("nodatabase"), "the account service cannot reach its database; reconnect later"),
      arguments(WsPeer.passwordCookie("banned", "right"), "the account is banned"),
      arguments(WsPeer.tokenCookie("banned"), "the account is banned"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("refusals")
  void aThrottledOverloadedOrBannedLoginIsToldAtOnce(String cookie, String reason, Vertx vertx) {
    WnetStack stack = stack(vertx, 10_000, 8_000);
    try (FakeAccounts ignored = FakeAccounts.start(vertx, WnetAuthenticationTest::answer)) {
      long start = System.nanoTime();
      WsPeer peer = stack.connect(cookie);
      peer.send("add@SomeBot");
      peer.expect("error@Bots must be authenticated to register: " + reason);
      assertThat((System.nanoTime() - start) / 1_000_000).as("answered at once, not after a time-out").isLessThan(2_000);
      // the connection stays usable as a client
      peer.send("search@");
      peer.expect("list@");
    }
  }

  @Test
  void anAccountServiceThatDoesNotAnswerCostsAtMostTheHandshakeTime(Vertx vertx) {
    WnetStack stack = stack(vertx, 1_500, 8_000);
    try (FakeAccounts accounts = FakeAccounts.start(vertx, WnetAuthenticationTest::answer)) {
      long start = System.nanoTime();
      WsPeer peer = stack.connect(WsPeer.passwordCookie("silent", "right"));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      // the server upgrades before its 1.5 s deadline; the client's own connection set-up comes on top
      assertThat(tookMs).as("upgraded, anonymous, at the handshake timeout rather than the old 10 s").isLessThan(2_500);
      assertThat(accounts.requests().get(0).getLong("timeoutMs")).isLessThan(1_500L);
      peer.send("add@SomeBot");
      peer.expect("error@Bots must be authenticated to register: the account service did not answer; reconnect later");
    }
  }
}
