package io.chatrelay.wnet;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.FakeAccounts;
import io.chatrelay.wnet.testing.LogLines;
import io.chatrelay.wnet.testing.RawSocket;
import io.chatrelay.wnet.testing.WnetStack;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Behind a proxy: the client's address from a PROXY protocol header (v1 text, v2 binary) or from
 * X-Forwarded-For, believed only from {@code wnet.trusted-proxies}; per-address limits then apply to clients,
 * not to the proxy, and the account service is told the client's address.
 */
@ExtendWith(VertxExtension.class)
class WnetProxyTest {
  private static final Map<String, String> TOKEN_COOKIE = Map.of("Cookie", "auth=\"type=token&auth=somekey\"");
  private final List<RawSocket> open = new ArrayList<>();

  private WnetStack stack(Vertx vertx, boolean proxyProtocol, List<String> trusted) {
    var config = TestConfigs.local().with("wnet.max-connections-per-address", 2)
      .with("wnet.proxy-protocol", proxyProtocol).with("wnet.trusted-proxies", trusted);
    return WnetStack.start(vertx, new LocalClusterView(), config, false);
  }

  private static FakeAccounts accounts(Vertx vertx) {
    return FakeAccounts.start(vertx, request -> FakeAccounts.account(1, "alice"));
  }

  /** {@code PROXY TCP4 <source> 127.0.0.1 <sourcePort> <port>}: the text header (v1). */
  static byte[] proxyV1(String source, int sourcePort, int port) {
    return ("PROXY TCP4 " + source + " 127.0.0.1 " + sourcePort + " " + port + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The binary header (v2): signature, PROXY command, TCP over IPv4, addresses and ports. */
  static byte[] proxyV2(String source, int sourcePort, int port) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.writeBytes(new byte[] {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a});
    h.write(0x21);
    h.write(0x11);
    h.write(0);
    h.write(12);
    try {
      h.writeBytes(InetAddress.getByName(source).getAddress());
      h.writeBytes(InetAddress.getByName("127.0.0.1").getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
    h.write(sourcePort >> 8);
    h.write(sourcePort & 0xff);
    h.write(port >> 8);
    h.write(port & 0xff);
    return h.toByteArray();
  }

  /** A connection that sends {@code preface} (a PROXY header, or nothing) and then the upgrade request. */
  private int handshake(WnetStack stack, byte[] preface, Map<String, String> headers) {
    RawSocket socket = RawSocket.open(stack.port());
    open.add(socket);
    socket.write(preface);
    return socket.handshake(headers);
  }

  private static Map<String, String> forwardedFor(String value) {
    return Map.of("Cookie", TOKEN_COOKIE.get("Cookie"), WsServerVerticle.HEADER_FORWARDED_FOR, value);
  }

  private static List<String> sources(FakeAccounts accounts) {
    return accounts.requests().stream().map(r -> r.getString("source")).toList();
  }

  @Test
  void aTrustedProxysProxyHeaderNamesTheClient(Vertx vertx) {
    WnetStack stack = stack(vertx, true, List.of("127.0.0.1"));
    int port = stack.port();
    try (FakeAccounts accounts = accounts(vertx); LogLines log = LogLines.of(WsServerVerticle.class)) {
      assertThat(handshake(stack, proxyV1("203.0.113.7", 40001, port), TOKEN_COOKIE)).isEqualTo(101);
      assertThat(handshake(stack, proxyV2("203.0.113.7", 40002, port), TOKEN_COOKIE)).isEqualTo(101);
      // the third from that client is refused, though the proxy (127.0.0.1) has more connections than the limit
      assertThat(handshake(stack, proxyV1("203.0.113.7", 40003, port), TOKEN_COOKIE)).isEqualTo(429);
      assertThat(handshake(stack, proxyV2("198.51.100.9", 40004, port), TOKEN_COOKIE)).isEqualTo(101);
      assertThat(handshake(stack, proxyV1("198.51.100.10", 40005, port), TOKEN_COOKIE)).isEqualTo(101);
      assertThat(sources(accounts)).containsExactly("203.0.113.7", "203.0.113.7", "198.51.100.9", "198.51.100.10");
      assertThat(stack.context().meters().connectionRefusals(ChatrelayMeters.PROTOCOL_WNET, WsServerVerticle.REFUSED_PER_ADDRESS)
        .count()).isEqualTo(1.0);
      assertThat(log.matching("wnet connection from 203.0.113.7 refused (per-address-limit)")).hasSize(1);
    } finally {
      open.forEach(RawSocket::close);
    }
  }

  @Test
  void withProxyProtocolAConnectionWithoutTheHeaderIsNotServed(Vertx vertx) {
    WnetStack stack = stack(vertx, true, List.of("127.0.0.1"));
    try (RawSocket socket = RawSocket.open(stack.port())) {
      socket.write(socket.upgradeRequest(Map.of()));
      assertThat(socket.awaitEof(Await.DEADLINE_MS)).isTrue();
    }
  }

  @Test
  void anUntrustedPeersProxyHeaderIsIgnored(Vertx vertx) {
    WnetStack stack = stack(vertx, true, List.of("10.0.0.0/8"));
    int port = stack.port();
    try (FakeAccounts accounts = accounts(vertx)) {
      assertThat(handshake(stack, proxyV1("203.0.113.7", 40001, port), TOKEN_COOKIE)).isEqualTo(101);
      assertThat(handshake(stack, proxyV1("203.0.113.8", 40002, port), TOKEN_COOKIE)).isEqualTo(101);
      assertThat(handshake(stack, proxyV1("203.0.113.9", 40003, port), TOKEN_COOKIE)).isEqualTo(429);
      assertThat(sources(accounts)).containsExactly("127.0.0.1", "127.0.0.1");
    } finally {
      open.forEach(RawSocket::close);
    }
  }

  @Test
  void aTrustedProxysForwardedForNamesTheClient(Vertx vertx) {
    WnetStack stack = stack(vertx, false, List.of("127.0.0.1"));
    byte[] none = new byte[0];
    try (FakeAccounts accounts = accounts(vertx)) {
      assertThat(handshake(stack, none, forwardedFor("203.0.113.7"))).isEqualTo(101);
      assertThat(handshake(stack, none, forwardedFor("203.0.113.7"))).isEqualTo(101);
      assertThat(handshake(stack, none, forwardedFor("203.0.113.7"))).isEqualTo(429);
      // what the client wrote itself (left of the hop the proxy appended) does not make it someone else
      assertThat(handshake(stack, none, forwardedFor("198.51.100.1, 203.0.113.7"))).isEqualTo(429);
      assertThat(handshake(stack, none, forwardedFor("203.0.113.7, 203.0.113.8"))).isEqualTo(101);
      assertThat(sources(accounts)).containsExactly("203.0.113.7", "203.0.113.7", "203.0.113.8");
    } finally {
      open.forEach(RawSocket::close);
    }
  }

  @Test
  void anUntrustedPeersForwardedForIsIgnored(Vertx vertx) {
    WnetStack stack = stack(vertx, false, List.of());
    byte[] none = new byte[0];
    try (FakeAccounts accounts = accounts(vertx)) {
      assertThat(handshake(stack, none, forwardedFor("203.0.113.7"))).isEqualTo(101);
      assertThat(handshake(stack, none, forwardedFor("203.0.113.8"))).isEqualTo(101);
      assertThat(handshake(stack, none, forwardedFor("203.0.113.9"))).isEqualTo(429);
      assertThat(sources(accounts)).containsExactly("127.0.0.1", "127.0.0.1");
    } finally {
      open.forEach(RawSocket::close);
    }
  }

  @Test
  void proxyProtocolWithoutTrustedProxiesIsAStartError(Vertx vertx) {
    var config = TestConfigs.local().with("wnet.proxy-protocol", true);
    assertThatThrownBy(() -> WnetStack.start(vertx, new LocalClusterView(), config, false))
      .hasMessageContaining("wnet.proxy-protocol needs wnet.trusted-proxies");
  }

  @Test
  void theOriginIsCheckedWithTheSchemeATrustedProxyReports(Vertx vertx) {
    WnetStack stack = stack(vertx, false, List.of("127.0.0.1"));
    String host = "chat.example.org";
    byte[] none = new byte[0];
    try {
      // TLS ends at the proxy: the page is https://chat.example.org, the edge sees plain HTTP
      assertThat(handshake(stack, none, Map.of("Host", host, "Origin", "https://" + host,
        WsServerVerticle.HEADER_FORWARDED_PROTO, "https"))).isEqualTo(101);
      assertThat(handshake(stack, none, Map.of("Host", host, "Origin", "https://" + host))).isEqualTo(403);
    } finally {
      open.forEach(RawSocket::close);
    }
  }
}
