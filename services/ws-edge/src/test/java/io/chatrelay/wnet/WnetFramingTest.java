package io.chatrelay.wnet;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.RawSocket;
import io.chatrelay.wnet.testing.WnetStack;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static io.chatrelay.wnet.testing.RawSocket.FIN;
import static io.chatrelay.wnet.testing.RawSocket.OP_CLOSE;
import static io.chatrelay.wnet.testing.RawSocket.OP_CONTINUATION;
import static io.chatrelay.wnet.testing.RawSocket.OP_PING;
import static io.chatrelay.wnet.testing.RawSocket.OP_TEXT;
import static io.chatrelay.wnet.testing.RawSocket.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * RFC 6455 framing, byte by byte on raw sockets: what is not valid WebSocket fails the connection with the
 * status the RFC gives (1007 bad UTF-8 in text, 1002 protocol errors), and the edge keeps serving others.
 */
class WnetFramingTest {
  private static final int RSV1 = 0x40;
  private static final int RSV2 = 0x20;
  private static final int RSV3 = 0x10;

  private static Vertx vertx;
  private static WnetStack stack;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    stack = WnetStack.start(vertx, new LocalClusterView(), TestConfigs.local(), true);
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static RawSocket upgraded() {
    RawSocket socket = RawSocket.open(stack.port());
    assertThat(socket.handshake()).isEqualTo(101);
    return socket;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  private static byte[] masked(int head, byte[] payload) {
    return frame(head, payload, true);
  }

  static Stream<Arguments> badFrames() {
    byte[] badUtf8 = concat(utf8("search@"), new byte[] {(byte) 0xc3, (byte) 0x28});
    byte[] surrogate = concat(utf8("search@"), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80});
    byte[] overlong = concat(utf8("search@"), new byte[] {(byte) 0xc0, (byte) 0xaf});
    byte[] truncated = concat(utf8("search@"), new byte[] {(byte) 0xe2, (byte) 0x82});
    return Stream.of(
      arguments("invalid UTF-8 in a text frame", masked(FIN | OP_TEXT, badUtf8), 1007),
      arguments("a UTF-16 surrogate encoded in UTF-8", masked(FIN | OP_TEXT, surrogate), 1007),
      arguments("an overlong encoding of '/'", masked(FIN | OP_TEXT, overlong), 1007),
      arguments("a text message ending in the middle of a character", masked(FIN | OP_TEXT, truncated), 1007),
      arguments("invalid UTF-8 in a continuation", concat(masked(OP_TEXT, utf8("search@a")),
        masked(FIN | OP_CONTINUATION, new byte[] {(byte) 0xff})), 1007),
      arguments("a character cut by the last fragment", concat(masked(OP_TEXT, truncated),
        masked(FIN | OP_CONTINUATION, utf8("x"))), 1007),
      arguments("RSV1 without an extension", masked(FIN | RSV1 | OP_TEXT, utf8("search@")), 1002),
      arguments("RSV2", masked(FIN | RSV2 | OP_TEXT, utf8("search@")), 1002),
      arguments("RSV3", masked(FIN | RSV3 | OP_TEXT, utf8("search@")), 1002),
      arguments("RSV1 on a ping", masked(FIN | RSV1 | OP_PING, new byte[0]), 1002),
      arguments("RSV1 on a continuation", concat(masked(OP_TEXT, utf8("search@")), masked(FIN | RSV1 | OP_CONTINUATION, utf8("x"))), 1002),
      arguments("a reserved data opcode (3)", masked(FIN | 0x3, utf8("x")), 1002),
      arguments("a reserved control opcode (0xB)", masked(FIN | 0xb, new byte[0]), 1002),
      arguments("a fragmented ping", masked(OP_PING, new byte[0]), 1002),
      arguments("a ping over 125 bytes", masked(FIN | OP_PING, new byte[126]), 1002),
      arguments("a continuation with no message started", masked(FIN | OP_CONTINUATION, utf8("x")), 1002),
      arguments("a new text frame inside a fragmented message", concat(masked(OP_TEXT, utf8("search@")),
        masked(FIN | OP_TEXT, utf8("x"))), 1002),
      arguments("an unmasked client frame", frame(FIN | OP_TEXT, utf8("search@"), false), 1002),
      arguments("a close frame with a one-byte body", masked(FIN | OP_CLOSE, new byte[] {3}), 1002),
      arguments("a close frame with a reserved status (999)", masked(FIN | OP_CLOSE, new byte[] {3, (byte) 0xe7}), 1002),
      arguments("a close reason that is not UTF-8", masked(FIN | OP_CLOSE, new byte[] {3, (byte) 0xe8, (byte) 0xff}), 1007),
      arguments("a 16-bit length for 5 bytes (not minimal)", new byte[] {(byte) (FIN | OP_TEXT), (byte) (0x80 | 126), 0, 5,
        0, 0, 0, 0, 'a', 'b', 'c', 'd', 'e'}, 1002));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {2}")
  @MethodSource("badFrames")
  void aFrameThatBreaksRfc6455FailsTheConnectionWithItsStatus(String what, byte[] bytes, int status) {
    try (RawSocket socket = upgraded()) {
      socket.write(bytes);
      assertThat(socket.awaitCloseCode()).as(what).isEqualTo(status);
      assertThat(socket.awaitEof(Await.DEADLINE_MS)).as("the connection is closed after the close frame").isTrue();
    }
    // and the edge serves the next peer
    try (RawSocket next = upgraded()) {
      next.sendText("search@Nobody");
      assertThat(next.nextText()).isEqualTo("list@Nobody");
    }
  }

  @Test
  void aCharacterSplitAcrossFragmentsIsOneValidMessage() {
    try (RawSocket socket = upgraded()) {
      byte[] euro = utf8("€");
      socket.write(concat(masked(OP_TEXT, concat(utf8("search@"), new byte[] {euro[0], euro[1]})),
        masked(FIN | OP_CONTINUATION, new byte[] {euro[2]})));
      assertThat(socket.nextText()).isEqualTo("list@€");
      // a ping between fragments is allowed and answered
      socket.write(concat(masked(OP_TEXT, utf8("search@Ü")), masked(FIN | OP_PING, utf8("p")),
        masked(FIN | OP_CONTINUATION, utf8("ber"))));
      assertThat(socket.nextText()).isEqualTo("list@Über");
    }
  }

  @Test
  void noExtensionIsNegotiatedEvenWhenOffered() {
    try (RawSocket socket = RawSocket.open(stack.port())) {
      socket.write(socket.upgradeRequest(java.util.Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")));
      String head = socket.readHead();
      assertThat(RawSocket.status(head)).isEqualTo(101);
      assertThat(head.toLowerCase()).doesNotContain("sec-websocket-extensions");
      // so a compressed (RSV1) frame is a protocol error, not a message
      socket.sendFrame(FIN | RSV1 | OP_TEXT, utf8("search@"));
      assertThat(socket.awaitCloseCode()).isEqualTo(1002);
    }
  }
}
