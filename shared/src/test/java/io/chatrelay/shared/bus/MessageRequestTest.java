package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageRequestTest {
  private static final AccountInfo ALICE = new AccountInfo(7, "alice", Role.MEMBER);
  private static final AccountInfo ADMIN = new AccountInfo(0, "admin", Role.ADMIN);

  static Stream<MessageRequest> requests() {
    return Stream.of(
      new MessageRequest.Send(ALICE, 42, "Bonjour, comment ça va ?\nligne 2"),
      new MessageRequest.Send(ALICE, 42, ""),
      new MessageRequest.Update(ALICE, 5, "corrigé"),
      new MessageRequest.Delete(ALICE, 5),
      new MessageRequest.Unread(ALICE),
      new MessageRequest.History(ALICE, null, null),
      new MessageRequest.History(ALICE, 120L, 5),
      new MessageRequest.MarkRead(ALICE, List.of(1L, 2L, 3L)),
      new MessageRequest.Block(ADMIN, 7, null),
      new MessageRequest.Block(ADMIN, 7, 9L),
      new MessageRequest.Unblock(ADMIN, 7, null),
      new MessageRequest.Ban(ADMIN, 7),
      new MessageRequest.Unban(ADMIN, 7));
  }

  @ParameterizedTest
  @MethodSource("requests")
  void roundTripsThroughJson(MessageRequest request) {
    // over the bus the JSON is encoded, so decode from the encoded text as a consumer would see it
    JsonObject onTheWire = new JsonObject(request.toJson().encode());
    assertThat(parser(request).apply(onTheWire)).isEqualTo(request);
  }

  static Stream<Object[]> malformed() {
    return Stream.of(
      new Object[] {"{\"recipientId\":1,\"content\":\"x\"}", "actor"},
      new Object[] {"{\"actor\":{\"id\":1,\"name\":\"a\",\"role\":\"member\"},\"content\":\"x\"}", "recipientId"},
      new Object[] {"{\"actor\":{\"id\":1,\"name\":\"a\",\"role\":\"member\"},\"recipientId\":\"2\",\"content\":\"x\"}", "recipientId"},
      new Object[] {"{\"actor\":{\"id\":1,\"name\":\"a\",\"role\":\"member\"},\"recipientId\":2.5,\"content\":\"x\"}", "recipientId"},
      new Object[] {"{\"actor\":{\"id\":1,\"name\":\"a\",\"role\":\"member\"},\"recipientId\":2}", "content"},
      new Object[] {"{\"actor\":{\"id\":1,\"name\":\"a\",\"role\":\"member\"},\"recipientId\":2,\"content\":3}", "content"},
      new Object[] {"{\"actor\":{\"id\":1,\"role\":\"member\"},\"recipientId\":2,\"content\":\"x\"}", "name"},
      new Object[] {"{\"actor\":\"alice\",\"recipientId\":2,\"content\":\"x\"}", "actor"});
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedRequestsAreBadRequestsNamingTheField(String json, String field) {
    assertThatThrownBy(() -> MessageRequest.Send.fromJson(new JsonObject(json)))
      .isInstanceOfSatisfying(BusFailure.BusFailureException.class, e -> {
        assertThat(e.failure().code()).isEqualTo(BusFailure.BAD_REQUEST);
        assertThat(e.failure().text()).contains(field);
      });
  }

  @Test
  void markReadIdsMustBeIntegers() {
    JsonObject body = new JsonObject(new MessageRequest.MarkRead(ALICE, List.of(1L)).toJson().encode());
    body.getJsonArray("ids").add("two");
    assertThatThrownBy(() -> MessageRequest.MarkRead.fromJson(body)).hasMessageContaining("ids");
  }

  @Test
  void repliesRoundTripThroughJson() {
    MessageView view = new MessageView(1, 7, 42, MessageView.RECEIVED, "salut", 1000, 2000L, "modifié il y a quelques secondes", true);
    assertThat(MessageView.fromJson(new JsonObject(view.toJson().encode()))).isEqualTo(view);
    MessagePage page = new MessagePage(List.of(view), true);
    assertThat(MessagePage.fromJson(new JsonObject(page.toJson().encode()))).isEqualTo(page);
    BlockInfo block = new BlockInfo(7, 0, 0, 1_767_355_200_000L);
    assertThat(block.toJson().getString("untilText")).isEqualTo("2026-01-02T12:00:00Z");
    assertThat(BlockInfo.fromJson(block.toJson())).isEqualTo(block);
    BanInfo ban = new BanInfo(7, 0, 1_767_268_800_000L);
    assertThat(BanInfo.fromJson(ban.toJson())).isEqualTo(ban);
    MessageDeleted deleted = new MessageDeleted(1, 7, 42, 3000);
    assertThat(MessageDeleted.fromJson(deleted.toJson())).isEqualTo(deleted);
  }

  private static final Map<Class<?>, Function<JsonObject, MessageRequest>> PARSERS = Map.of(
    MessageRequest.Send.class, MessageRequest.Send::fromJson,
    MessageRequest.Update.class, MessageRequest.Update::fromJson,
    MessageRequest.Delete.class, MessageRequest.Delete::fromJson,
    MessageRequest.Unread.class, MessageRequest.Unread::fromJson,
    MessageRequest.History.class, MessageRequest.History::fromJson,
    MessageRequest.MarkRead.class, MessageRequest.MarkRead::fromJson,
    MessageRequest.Block.class, MessageRequest.Block::fromJson,
    MessageRequest.Unblock.class, MessageRequest.Unblock::fromJson,
    MessageRequest.Ban.class, MessageRequest.Ban::fromJson,
    MessageRequest.Unban.class, MessageRequest.Unban::fromJson);

  private static Function<JsonObject, MessageRequest> parser(MessageRequest r) {
    return PARSERS.get(r.getClass());
  }
}
