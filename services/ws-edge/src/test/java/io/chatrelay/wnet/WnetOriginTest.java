package io.chatrelay.wnet;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.RawSocket;
import io.chatrelay.wnet.testing.WnetStack;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-site WebSocket hijacking, at the level of the handshake's headers (the decisions themselves are
 * table-tested in {@code OriginPolicyTest}): what a browser page on another site sends is refused with 403.
 */
@ExtendWith(VertxExtension.class)
class WnetOriginTest {

  private static int handshake(WnetStack stack, String origin) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Cookie", "auth=\"type=password&auth=%7B%7D\"");
    if (origin != null) headers.put("Origin", origin);
    try (RawSocket socket = RawSocket.open(stack.port())) {
      return socket.handshake(headers);
    }
  }

  @Test
  void onlyTheEdgesOwnOriginOrNoneIsAcceptedByDefault(Vertx vertx) {
    WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), TestConfigs.local(), true);
    String own = "http://127.0.0.1:" + stack.port();
    assertThat(handshake(stack, null)).as("a bot or script sends no Origin").isEqualTo(101);
    assertThat(handshake(stack, own)).isEqualTo(101);
    assertThat(handshake(stack, "https://evil.example")).isEqualTo(403);
    assertThat(handshake(stack, "http://localhost:" + stack.port())).isEqualTo(403);
    assertThat(handshake(stack, "https://127.0.0.1:" + stack.port())).isEqualTo(403);
    assertThat(handshake(stack, "null")).isEqualTo(403);
    assertThat(stack.context().meters().connectionRefusals(ChatrelayMeters.PROTOCOL_WNET, WsServerVerticle.REFUSED_ORIGIN).count())
      .isEqualTo(4.0);
  }

  @Test
  void listedOriginsAreAcceptedAndStarAcceptsAll(Vertx vertx) {
    WnetStack listed = WnetStack.start(vertx, new LocalClusterView(),
      TestConfigs.local().with("wnet.allowed-origins", List.of("https://app.example.org")), true);
    assertThat(handshake(listed, "https://app.example.org")).isEqualTo(101);
    assertThat(handshake(listed, "https://evil.example")).isEqualTo(403);
    listed.stopEdge();
    Vertx other = Vertx.vertx();
    try {
      WnetStack any = WnetStack.start(other, new LocalClusterView(), TestConfigs.local().with("wnet.allowed-origins", List.of("*")), true);
      assertThat(handshake(any, "https://evil.example")).isEqualTo(101);
    } finally {
      io.chatrelay.wnet.testing.Await.result(other.close());
    }
  }

  @Test
  void aBadAllowedOriginIsAStartError(Vertx vertx) {
    var config = TestConfigs.local().with("wnet.allowed-origins", List.of("app.example.org"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> WnetStack.start(vertx, new LocalClusterView(), config, true))
      .hasMessageContaining("wnet.allowed-origins");
  }
}
