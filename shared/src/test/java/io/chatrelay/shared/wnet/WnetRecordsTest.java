package io.chatrelay.shared.wnet;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry's reply and event bodies: exact JSON both ways. */
class WnetRecordsTest {
  private static final BotOwner OWNER = new BotOwner("chatrelay.wnet.node.n1", "sid", "n1", "alice");
  private static final JsonObject OWNER_JSON =
    new JsonObject("{\"address\":\"chatrelay.wnet.node.n1\",\"conn\":\"sid\",\"node\":\"n1\",\"account\":\"alice\"}");

  static Stream<Arguments> claims() {
    return Stream.of(
      Arguments.of(ClaimResult.added(), new JsonObject().put("result", "added")),
      Arguments.of(ClaimResult.alive(), new JsonObject().put("result", "alive")),
      Arguments.of(ClaimResult.occupied(OWNER), new JsonObject().put("result", "occupied").put("owner", OWNER_JSON)));
  }

  @ParameterizedTest
  @MethodSource("claims")
  void claimResultsAreEncodedAndDecodedExactly(ClaimResult claim, JsonObject json) {
    assertThat(claim.toJson()).isEqualTo(json);
    assertThat(ClaimResult.fromJson(json)).isEqualTo(claim);
  }

  static Stream<Arguments> events() {
    return Stream.of(
      Arguments.of(BotEvent.online("Echo", OWNER), new JsonObject().put("event", "online").put("name", "Echo").put("owner", OWNER_JSON)),
      Arguments.of(BotEvent.offline("Echo", OWNER), new JsonObject().put("event", "offline").put("name", "Echo").put("owner", OWNER_JSON)));
  }

  @ParameterizedTest
  @MethodSource("events")
  void botEventsAreEncodedAndDecodedExactly(BotEvent event, JsonObject json) {
    assertThat(event.toJson()).isEqualTo(json);
    assertThat(BotEvent.fromJson(json)).isEqualTo(event);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"result\":\"maybe\"}", "{\"result\":\"occupied\"}", "{\"result\":3}"})
  void malformedClaimResultsAreBadRequests(String json) {
    assertThatThrownBy(() -> ClaimResult.fromJson(new JsonObject(json)))
      .isInstanceOfSatisfying(BusFailure.BusFailureException.class, e -> assertThat(e.failure().code()).isEqualTo(400));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"event\":\"gone\",\"name\":\"Echo\"}", "{\"event\":\"online\",\"name\":\"Echo\"}",
    "{\"event\":\"online\",\"owner\":{\"address\":\"a\",\"conn\":\"c\",\"node\":\"n\"}}"})
  void malformedBotEventsAreBadRequests(String json) {
    assertThatThrownBy(() -> BotEvent.fromJson(new JsonObject(json)))
      .isInstanceOfSatisfying(BusFailure.BusFailureException.class, e -> assertThat(e.failure().code()).isEqualTo(400));
  }
}
