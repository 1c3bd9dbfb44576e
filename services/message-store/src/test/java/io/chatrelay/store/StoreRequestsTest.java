package io.chatrelay.store;

import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.testing.MutableClock;
import io.chatrelay.shared.testing.TestConfigs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link StoreRequests} alone: outages answered 503 and logged once each way; the bounded wait for requests in flight. */
@ExtendWith(VertxExtension.class)
class StoreRequestsTest {
  private static final String ADDRESS = "test.store-requests";

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(StoreRequests.class);
  private final MutableClock clock = new MutableClock();
  private final Deque<Supplier<Future<JsonObject>>> outcomes = new ArrayDeque<>();
  private StoreRequests requests;
  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    log.start();
    logger.addAppender(log);
    requests = new StoreRequests(vertx, new LiveConfig(TestConfigs.local()), clock);
    vertx.eventBus().<JsonObject>consumer(ADDRESS, requests.handle(body -> outcomes.poll().get()))
      .completion().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(log);
  }

  private Future<BusFailure> ask(Supplier<Future<JsonObject>> outcome) {
    outcomes.add(outcome);
    return vertx.eventBus().<JsonObject>request(ADDRESS, new JsonObject()).transform(ar ->
      Future.succeededFuture(ar.succeeded() ? null : BusFailure.from(ar.cause())));
  }

  private List<String> lines(Level level) {
    return List.copyOf(log.list).stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void anOutageIsAnswered503AndLoggedOnceWhenItStartsAndOnceWhenItEnds(VertxTestContext ctx) {
    Supplier<Future<JsonObject>> refused = () -> Future.failedFuture(new IllegalStateException("pool",
      new ConnectException("Connection refused: /127.0.0.1:5432")));
    Future<?> chain = Future.succeededFuture();
    for (int i = 0; i < 5; i++) {
      chain = chain.compose(v -> ask(refused)).map(f -> {
        assertThat(f.code()).isEqualTo(503);
        assertThat(f.reason()).isEqualTo(MessageReasons.STORE_UNAVAILABLE);
        assertThat(f.details().getLong("retryAfterMs")).isEqualTo(2000L);
        return f;
      });
    }
    chain
      // the store's own refusals and bugs are not outages
      .compose(v -> ask(() -> Future.failedFuture(BusFailure.of(404, "unknown-user", "no").exception())))
      .map(f -> assertThat(f.reason()).isEqualTo("unknown-user"))
      .compose(v -> ask(() -> Future.failedFuture(new IllegalArgumentException("a bug"))))
      .map(f -> assertThat(f.code()).isEqualTo(500))
      .map(v -> {
        assertThat(lines(Level.WARN)).hasSize(1).allSatisfy(line ->
          assertThat(line).contains("database unreachable").contains("Connection refused"));
        assertThat(lines(Level.INFO)).isEmpty();
        return v;
      })
      .compose(v -> {
        clock.advance(Duration.ofSeconds(12));
        return ask(() -> Future.succeededFuture(new JsonObject()));
      })
      .map(f -> {
        assertThat(f).as("answered").isNull();
        return f;
      })
      .compose(v -> ask(() -> Future.succeededFuture(new JsonObject())))
      .compose(v -> ask(() -> Future.failedFuture(new IOException("Connection reset by peer"))))
      .map(v -> {
        assertThat(lines(Level.INFO)).singleElement().satisfies(line ->
          assertThat(line).contains("reachable again after 12.0 s").contains("5 request(s)"));
        assertThat(lines(Level.WARN)).as("a second outage is a second WARN").hasSize(2);
        return v;
      })
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void stopWaitsForTheRequestsInFlightButNotForever(VertxTestContext ctx) {
    Promise<JsonObject> slow = Promise.promise();
    Promise<JsonObject> stuck = Promise.promise();
    Future<BusFailure> answered = ask(slow::future);
    ask(stuck::future);
    until(() -> requests.inFlight() == 2)
      .compose(v -> {
        long started = System.nanoTime();
        Future<Void> drained = requests.drained(300);
        slow.complete(new JsonObject());
        return answered.map(f -> {
          assertThat(f).as("the slow request is answered").isNull();
          return f;
        })
          .compose(v2 -> drained)
          .map(v2 -> {
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(tookMs).as("bounded by the grace").isBetween(290L, 3_000L);
            assertThat(requests.inFlight()).isEqualTo(1);
            assertThat(lines(Level.WARN)).singleElement().satisfies(line ->
              assertThat(line).contains("1 request(s) still unanswered after 300 ms"));
            return v2;
          });
      })
      .compose(v -> {
        // with nothing stuck, the wait ends with the last request
        long started = System.nanoTime();
        Future<Void> drained = requests.drained(10_000);
        stuck.complete(new JsonObject());
        return drained.map(v2 -> assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000L));
      })
      .onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> until(Supplier<Boolean> condition) {
    return Conditions.until(vertx, 5_000, () -> Future.succeededFuture(condition.get()));
  }
}
