package io.chatrelay.store;

import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.bus.Replies;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.store.db.SqlErrors;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What every request handler of one message-store instance shares: the count of requests in flight (so that
 * {@code stop()} can let them finish before it closes the pool) and whether the database is reachable.
 * <p>
 * A request that fails because the database cannot be reached ({@link SqlErrors#isUnavailable}) is answered
 * 503 {@code store-unavailable} with {@code retryAfterMs}, not 500 {@code internal}: an outage is an expected
 * condition, so it is logged once when it starts (WARN) and once when it ends (INFO, with how long it lasted and
 * how many requests were refused), never per request. It ends at the first request or readiness check that the
 * database answers.
 * <p>
 * Thread-safe: requests run on the instance's event loop, but the readiness check that also feeds the outage state
 * runs on the admin server's.
 */
public final class StoreRequests {
  private static final Logger LOG = LoggerFactory.getLogger(StoreRequests.class);

  private final Vertx vertx;
  private final LiveConfig config;
  private final Clock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();
  /** When the current outage started (epoch ms), or -1 while the database answers. */
  private volatile long outageSince = -1;
  private long refusedDuringOutage;
  /** Set once the instance stops: connections closed under the requests cut short are no outage to report. */
  private volatile boolean stopping;

  public StoreRequests(Vertx vertx, LiveConfig config, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
  }

  /**
   * {@link Replies#handle} for {@code handler}, counted in flight until it is answered, a database outage turned
   * into 503 {@code store-unavailable}.
   */
  public Handler<Message<JsonObject>> handle(Function<JsonObject, Future<JsonObject>> handler) {
    return handleMessage((msg, body) -> handler.apply(body));
  }

  /** As {@link #handle}, for a handler that also reads the request itself (its grant header). */
  public Handler<Message<JsonObject>> handleMessage(BiFunction<Message<JsonObject>, JsonObject, Future<JsonObject>> handler) {
    return Replies.handleMessage((msg, body) -> {
      inFlight.incrementAndGet();
      Future<JsonObject> result;
      try {
        result = handler.apply(msg, body);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      return answer(watch(result)).onComplete(ar -> requestEnded());
    });
  }

  /** Notes whether the database answered {@code operation} (a request, the readiness check); its outcome unchanged. */
  public <T> Future<T> watch(Future<T> operation) {
    return operation.onComplete(ar -> {
      if (ar.succeeded()) {
        databaseAnswered();
      } else if (isOutage(ar.cause())) {
        databaseUnavailable(ar.cause());
      }
    });
  }

  /** An outage failure as 503 {@code store-unavailable}, anything else unchanged. */
  private Future<JsonObject> answer(Future<JsonObject> result) {
    return result.recover(err -> {
      if (!isOutage(err)) return Future.failedFuture(err);
      long retryAfterMs = config.get().getLong("database.unavailable-retry-after-ms");
      return Future.failedFuture(BusFailure.of(BusFailure.UNAVAILABLE, MessageReasons.STORE_UNAVAILABLE,
          "the message store cannot reach its database; try again in " + retryAfterMs + " ms")
        .with("retryAfterMs", retryAfterMs).exception());
    });
  }

  private static boolean isOutage(Throwable t) {
    return !(t instanceof BusFailure.BusFailureException) && SqlErrors.isUnavailable(t);
  }

  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Completes when no request is in flight, or after {@code maxWaitMs} (then says how many were cut short).
   * Call after the consumers are unregistered, so that the count only goes down.
   */
  public Future<Void> drained(long maxWaitMs) {
    stopping = true;
    Promise<Void> drained = Promise.promise();
    synchronized (drainWaiters) {
      if (inFlight.get() == 0) return Future.succeededFuture();
      drainWaiters.add(drained);
    }
    long timer = vertx.setTimer(Math.max(1, maxWaitMs), t -> {
      if (drained.future().isComplete()) return;
      LOG.warn("stopping with {} request(s) still unanswered after {} ms", inFlight.get(), maxWaitMs);
      drained.tryComplete();
    });
    return drained.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private void requestEnded() {
    List<Promise<Void>> waiters;
    synchronized (drainWaiters) {
      if (inFlight.decrementAndGet() > 0 || drainWaiters.isEmpty()) return;
      waiters = List.copyOf(drainWaiters);
      drainWaiters.clear();
    }
    waiters.forEach(Promise::tryComplete);
  }

  private synchronized void databaseUnavailable(Throwable cause) {
    refusedDuringOutage++;
    if (outageSince >= 0 || stopping) return;
    outageSince = clock.millis();
    LOG.warn("database unreachable ({}): requests are answered 503 store-unavailable until it answers again",
      summary(cause));
  }

  private void databaseAnswered() {
    if (outageSince >= 0) outageEnded();   // the common case reads one volatile field
  }

  private synchronized void outageEnded() {
    if (outageSince < 0) return;
    long lastedMs = clock.millis() - outageSince;
    LOG.info("database reachable again after {} s; {} request(s) were answered 503 store-unavailable meanwhile",
      String.format(Locale.ROOT, "%.1f", lastedMs / 1000.0), refusedDuringOutage);
    outageSince = -1;
    refusedDuringOutage = 0;
  }

  /** The innermost cause, in one line (no stack trace: an outage is not a bug). */
  private static String summary(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String text = root.getClass().getSimpleName() + ": " + root.getMessage();
    return text.replaceAll("\\s+", " ");
  }
}
