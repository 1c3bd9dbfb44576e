package io.chatrelay.shared.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link WnetDeliveryCodec}: every kind round-trips (binary and JSON), local sends do not copy, bad bytes never throw. */
@ExtendWith(VertxExtension.class)
class WnetDeliveryCodecTest {
  private static final String SID = "Jq3v0dC2kq9yWmXoX1AbCw";
  private static final String NODE = Addresses.wnetNode("4f0c-node");

  /** Every kind, with the awkward values: empty and non-ASCII text, `@` runs, a null auth, a huge window. */
  static Stream<WnetDelivery> everyKind() {
    return Stream.of(
      new WnetDelivery.Connection("bot-conn", "Echo", SID, NODE, "alice"),
      new WnetDelivery.Connection("bot-conn", "Echo", SID, NODE, null),
      new WnetDelivery.ClientMessage("bot-conn", "Echo", SID, "héllo @@ wörld 😀"),
      new WnetDelivery.ClientMessage("bot-conn", "Echo", SID, ""),
      new WnetDelivery.ClientGone("bot-conn", "Echo", SID),
      new WnetDelivery.IsAlive("bot-conn", "Echo", 5000),
      new WnetDelivery.IsAlive("bot-conn", "Echo", Long.MAX_VALUE),
      new WnetDelivery.NameRemoved("bot-conn", "Echo", WnetDelivery.NameRemoved.KICKED),
      new WnetDelivery.BotMessage(SID, "Echo", "x".repeat(70_000)),
      new WnetDelivery.BotGone(SID, "Echo"));
  }

  private static Buffer encode(WnetDelivery d) {
    Buffer wire = Buffer.buffer().appendString("vertx's own header");
    WnetDeliveryCodec.INSTANCE.encodeToWire(wire, d);
    return wire;
  }

  @ParameterizedTest
  @MethodSource("everyKind")
  void everyKindRoundTripsInBinaryAndInJson(WnetDelivery d) {
    int pos = "vertx's own header".length();
    assertThat(WnetDeliveryCodec.INSTANCE.decodeFromWire(pos, encode(d))).isEqualTo(d);
    assertThat(WnetDelivery.fromJson(new JsonObject(d.toJson().encode()))).isEqualTo(d);
    assertThat(WnetDelivery.from(d.toJson())).isEqualTo(d);
    assertThat(d.toJson().getString("kind")).isEqualTo(d.kind());
    // a local consumer gets the very record: no copy
    assertThat(WnetDeliveryCodec.INSTANCE.transform(d)).isSameAs(d);
  }

  @Test
  void theLayoutIsTheDocumentedOne() {
    Buffer wire = Buffer.buffer();
    WnetDeliveryCodec.INSTANCE.encodeToWire(wire, new WnetDelivery.BotGone("ab", "E"));
    assertThat(wire.getBytes()).containsExactly(1, 7, 0, 0, 0, 2, 'a', 'b', 0, 0, 0, 1, 'E');
    wire = Buffer.buffer();
    WnetDeliveryCodec.INSTANCE.encodeToWire(wire, new WnetDelivery.Connection("c", "E", "s", "n", null));
    assertThat(wire.getBytes()).containsExactly(1, 1, 0, 0, 0, 1, 'c', 0, 0, 0, 1, 'E', 0, 0, 0, 1, 's', 0, 0, 0, 1, 'n',
      -1, -1, -1, -1);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
      Arguments.of(new byte[0], "wnet delivery cut short in its header"),
      Arguments.of(new byte[] {2, 7}, "unknown wnet delivery codec version 2"),
      Arguments.of(new byte[] {1, 9, 0, 0, 0, 1, 'a'}, "unknown wnet delivery kind 9"),
      Arguments.of(new byte[] {1, 7, 0, 0, 0, 1, 'a'}, "wnet delivery cut short in the length of field 'bot'"),
      Arguments.of(new byte[] {1, 7, 0, 0, 0, 9, 'a'}, "wnet delivery cut short in field 'to'"),
      Arguments.of(new byte[] {1, 7, 0x7f, -1, -1, -1, 'a'}, "wnet delivery cut short in field 'to'"),
      Arguments.of(new byte[] {1, 7, -1, -1, -1, -2}, "negative length of field 'to'"),
      Arguments.of(new byte[] {1, 7, -1, -1, -1, -1}, "missing string field 'to'"),
      Arguments.of(new byte[] {1, 7, 0, 0, 0, 1, 'a', -1, -1, -1, -1}, "missing string field 'bot'"),
      Arguments.of(new byte[] {1, 4, 0, 0, 0, 1, 'a', 0, 0, 0, 1, 'E', 0, 0}, "wnet delivery cut short in field 'windowMs'"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedBytesDecodeToAClearProblemNeverAnException(byte[] bytes, String problem) {
    Object decoded = WnetDeliveryCodec.INSTANCE.decodeFromWire(0, Buffer.buffer(bytes));
    assertThat(decoded).isEqualTo(new WnetDeliveryCodec.Malformed(problem));
    assertThatThrownBy(() -> WnetDelivery.from(decoded))
      .isInstanceOfSatisfying(BusFailure.BusFailureException.class, e -> {
        assertThat(e.failure().code()).isEqualTo(BusFailure.BAD_REQUEST);
        assertThat(e.failure().text()).isEqualTo(problem);
      });
  }

  @ParameterizedTest
  @MethodSource("everyKind")
  void everyCutOfAGoodDeliveryIsMalformedNotACrash(WnetDelivery d) {
    Buffer whole = Buffer.buffer();
    WnetDeliveryCodec.INSTANCE.encodeToWire(whole, d);
    int step = Math.max(1, whole.length() / 200);
    for (int end = 0; end < whole.length(); end += step) {
      Object decoded = WnetDeliveryCodec.INSTANCE.decodeFromWire(0, whole.slice(0, end));
      assertThat(decoded).as("cut at %d of %d", end, whole.length()).isInstanceOf(WnetDeliveryCodec.Malformed.class);
    }
  }

  @Test
  void bodiesThatAreNoDeliveryAreRefused() {
    for (Object body : new Object[] {null, "text", 42, Buffer.buffer("x")}) {
      assertThatThrownBy(() -> WnetDelivery.from(body)).isInstanceOfSatisfying(BusFailure.BusFailureException.class,
        e -> assertThat(e.failure().code()).isEqualTo(BusFailure.BAD_REQUEST));
    }
  }

  @Test
  void onlyNodeAddressesGetTheBinaryForm() {
    WnetDelivery d = new WnetDelivery.BotGone(SID, "Echo");
    assertThat(WnetDeliveryCodec.body(NODE, d)).isSameAs(d);
    assertThat(WnetDeliveryCodec.options(NODE).getCodecName()).isEqualTo(WnetDeliveryCodec.NAME);
    String botAddress = Addresses.WNET_BOT_PREFIX + "some-uuid";
    assertThat(WnetDeliveryCodec.body(botAddress, d)).isEqualTo(d.toJson());
    assertThat(WnetDeliveryCodec.options(botAddress, 100).getCodecName()).isNull();
  }

  @Test
  void aLocalSendHandsOverTheSameRecord(Vertx vertx) throws Exception {
    WnetDeliveryCodec.register(vertx);
    WnetDeliveryCodec.register(vertx); // twice is fine
    WnetDelivery sent = new WnetDelivery.ClientMessage("bot-conn", "Echo", SID, "hi");
    java.util.concurrent.CompletableFuture<Object> received = new java.util.concurrent.CompletableFuture<>();
    vertx.eventBus().<Object>consumer(NODE, (Message<Object> m) -> received.complete(m.body())).completion()
      .await(5, TimeUnit.SECONDS);
    vertx.eventBus().send(NODE, WnetDeliveryCodec.body(NODE, sent), WnetDeliveryCodec.options(NODE));
    assertThat(received.get(5, TimeUnit.SECONDS)).isSameAs(sent);
  }
}
