package io.chatrelay.tchatator;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.MessageView;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.chatrelay.tchatator.codec.TchatatorReply;

import ch.qos.logback.classic.Level;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.chatrelay.tchatator.EdgeFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge facing a store that hangs, is down, or answers a replayed send (issue 7, items 3 and 5, edge side). The
 * store is played by the test with its own consumers on the store's addresses; the edge's settings administrator
 * logs in without the store.
 */
@ExtendWith(VertxExtension.class)
class TchatatorStoreFaultsTest {
  static final String ADMIN_KEY = "settings-admin-key-store-faults";
  static final long STORE_TIMEOUT_MS = 400;
  static final AccountInfo MEMBER = new AccountInfo(12, "alice", Role.MEMBER);

  final LiveConfig config = new LiveConfig(TestConfigs.local().with("tchatator.admin-api-key", ADMIN_KEY)
    .with("tchatator.log-file", "").with("tchatator.store-timeout-ms", STORE_TIMEOUT_MS));
  @RegisterExtension
  final CapturedLog logged = new CapturedLog();

  private Future<TchatatorClient> adminSession(Vertx vertx) {
    return vertx.deployVerticle(new TchatatorEdgeVerticle(EdgeFixture.context(vertx, config, new LocalClusterView())))
      .compose(id -> TchatatorClient.connect(vertx, EdgeFixture.port(config.get())))
      .compose(c -> c.send("LOGIN\napi-token:" + ADMIN_KEY + "\n").map(r -> expect(r, ReplyStatus.OK)).map(c));
  }

  private static Future<TchatatorReply> within(Future<TchatatorReply> reply, long ms) {
    return reply.timeout(ms, TimeUnit.MILLISECONDS);
  }

  /** A store that never answers: the client has 503/UNAVAIL with retry advice within the store timeout. */
  @Test
  void aStoreThatNeverAnswersGivesUnavailableWithinTheStoreTimeout(Vertx vertx, VertxTestContext test) {
    List<Long> elapsedMs = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.MESSAGES_SEND, request -> { }).completion()
      .compose(v -> vertx.eventBus().<JsonObject>consumer(Addresses.ACCOUNTS_AUTHENTICATE, request -> { }).completion())
      .compose(v -> adminSession(vertx))
      .compose(c -> {
        long started = System.nanoTime();
        return within(c.send("SEND_MSG\ntoken:" + ADMIN_KEY + "\nmessage-length:5\nreceiver-id:3\ncontent:hello\n"), 5000)
          .onSuccess(r -> elapsedMs.add((System.nanoTime() - started) / 1_000_000))
          .compose(sent -> {
            long again = System.nanoTime();
            return within(c.send("LOGIN\napi-token:some-member-key\n"), 5000)
              .onSuccess(r -> elapsedMs.add((System.nanoTime() - again) / 1_000_000))
              .map(login -> List.of(sent, login));
          });
      })
      .onComplete(test.succeeding(replies -> test.verify(() -> {
        for (TchatatorReply r : replies) {
          expect(r, ReplyStatus.UNAVAIL, "timeout");
          assertThat(r.field("retry-after-ms")).matches("[1-9]\\d*");
        }
        assertThat(replies.get(0).field("command")).isEqualTo("SEND_MSG");
        assertThat(elapsedMs).as("answered after the store timeout, well before the event bus's 30 s")
          .allSatisfy(ms -> assertThat(ms).isBetween(STORE_TIMEOUT_MS - 50, STORE_TIMEOUT_MS + 1500));
        test.completeNow();
      })));
  }

  /** The store's database is down: 503 store-unavailable with the store's retry advice, and no ERROR line. */
  @Test
  void aDatabaseOutageIsUnavailableNotAnError(Vertx vertx, VertxTestContext test) {
    BusFailure outage = BusFailure.of(BusFailure.UNAVAILABLE, MessageReasons.STORE_UNAVAILABLE, "the database cannot be reached")
      .with("retryAfterMs", 2000);
    vertx.eventBus().<JsonObject>consumer(Addresses.MESSAGES_UNREAD, outage::replyTo).completion()
      // a store that carried it as 500 would still not be a fault of ours
      .compose(v -> vertx.eventBus().<JsonObject>consumer(Addresses.MESSAGES_HISTORY,
        m -> BusFailure.of(BusFailure.INTERNAL, MessageReasons.STORE_UNAVAILABLE, "down").replyTo(m)).completion())
      .compose(v -> adminSession(vertx))
      .compose(c -> {
        List<Future<TchatatorReply>> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) replies.add(within(c.send("GET_UNREAD\ntoken:" + ADMIN_KEY + "\n"), 5000));
        replies.add(within(c.send("GET_HISTORY\ntoken:" + ADMIN_KEY + "\nbefore-message-id:9\n"), 5000));
        return Future.all(replies).map(all -> all.<TchatatorReply>list());
      })
      .onComplete(test.succeeding(replies -> test.verify(() -> {
        assertThat(replies).hasSize(11).allSatisfy(r -> expect(r, ReplyStatus.UNAVAIL, MessageReasons.STORE_UNAVAILABLE));
        assertThat(replies.get(0).field("retry-after-ms")).isEqualTo("2000");
        assertThat(replies.get(0).field("command")).isEqualTo("GET_UNREAD");
        assertThat(replies.get(10).field("command")).isEqualTo("GET_HISTORY");
        assertThat(logged.hasErrors()).as("ERROR lines: %s", logged.events()).isFalse();
        test.completeNow();
      })));
  }

  /**
   * {@code client-id:} goes to the store as {@code clientId}; a replayed send is 200 with the stored message's id.
   * Without it (the original clients) the request carries no {@code clientId} at all.
   */
  @Test
  void aClientIdIsPassedOnAndAReplayedSendAnswersTheOriginalMessage(Vertx vertx, VertxTestContext test) {
    List<JsonObject> received = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.MESSAGES_SEND, m -> {
      received.add(m.body());
      MessageRequest.Send send = MessageRequest.Send.fromJson(m.body());
      MessageView stored = new MessageView(57, send.actor().id(), send.recipientId(), "sent", send.content(), 1_767_268_800_000L,
        null, null, false);
      m.reply(new JsonObject().put("message", stored.toJson()).put("replayed", send.clientId() != null));
    }).completion()
      .compose(v -> adminSession(vertx))
      .compose(c -> within(c.send("SEND_MSG\ntoken:" + ADMIN_KEY + "\nclient-id:try-1\nmessage-length:5\nreceiver-id:3\ncontent:hello\n"), 5000)
        .compose(replayed -> within(c.send("SEND_MSG\ntoken:" + ADMIN_KEY + "\nmessage-length:5\nreceiver-id:3\ncontent:hello\n"), 5000)
          .map(plain -> List.of(replayed, plain))))
      .onComplete(test.succeeding(replies -> test.verify(() -> {
        expect(replies.get(0), ReplyStatus.OK);
        assertThat(replies.get(0).field("message-id")).isEqualTo("57");
        assertThat(replies.get(0).field("replayed")).isEqualTo("true");
        expect(replies.get(1), ReplyStatus.OK);
        assertThat(replies.get(1).field("replayed")).isNull();
        assertThat(received.get(0).getString("clientId")).isEqualTo("try-1");
        assertThat(received.get(1).containsKey("clientId")).as("the original clients' sends are unchanged").isFalse();
        test.completeNow();
      })));
  }
}
