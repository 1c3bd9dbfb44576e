package io.chatrelay.shared.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class RepliesTest {
  static Stream<Arguments> badBodies() {
    return Stream.of(
      Arguments.of("a string", "the request body must be a JSON object"),
      Arguments.of(new JsonArray().add(1), "the request body must be a JSON object"),
      Arguments.of(42, "the request body must be a JSON object"),
      Arguments.of(new JsonObject(), "missing string field 'name'"),
      Arguments.of(new JsonObject().put("name", 7), "field 'name' must be a string"),
      Arguments.of(new JsonObject().put("name", ""), "field 'name' must not be empty"),
      Arguments.of(new JsonObject().put("name", "x"), "missing integer field 'id'"),
      Arguments.of(new JsonObject().put("name", "x").put("id", "2"), "field 'id' must be a whole number"),
      Arguments.of(new JsonObject().put("name", "x").put("id", 2.5), "field 'id' must be a whole number"));
  }

  /** Whatever a caller sends, a typed handler answers 400 bad-request naming the problem, never 500. */
  @ParameterizedTest
  @MethodSource("badBodies")
  void refusesBadBodiesWith400(Object body, String text, Vertx vertx, VertxTestContext test) {
    vertx.eventBus().consumer("replies-test", Replies.handle(req ->
      Future.succeededFuture(new JsonObject().put("name", Replies.requireString(req, "name"))
        .put("id", Replies.requireLong(req, "id")))));
    vertx.eventBus().request("replies-test", body).onComplete(test.failing(err -> test.verify(() -> {
      assertThat(err).isInstanceOf(ReplyException.class);
      BusFailure failure = BusFailure.from(err);
      assertThat(failure.code()).isEqualTo(BusFailure.BAD_REQUEST);
      assertThat(failure.reason()).isEqualTo("bad-request");
      assertThat(failure.text()).isEqualTo(text);
      test.completeNow();
    })));
  }
}
