package io.chatrelay.tchatator;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.tchatator.EdgeFixture.Account;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.chatrelay.tchatator.codec.TchatatorReply;

import ch.qos.logback.classic.Level;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.chatrelay.tchatator.EdgeFixture.cSend;
import static io.chatrelay.tchatator.EdgeFixture.createAccount;
import static io.chatrelay.tchatator.EdgeFixture.expect;
import static io.chatrelay.tchatator.EdgeFixture.login;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7's Tchatator defects over real sockets, with the real message store on H2: framing across TCP segments
 * (item 8), refusals that name the command and the public parameter (item 9), the edge-wide connection cap and 0
 * as "no limit" (item 6), and the end of sessions whose key was rotated or whose account was banned (item 2; the
 * test publishes the {@link AccountEvent} the store publishes after the change).
 */
@ExtendWith(VertxExtension.class)
class TchatatorHardeningTest {
  static final String ADMIN_KEY = "settings-admin-key-hardening";
  /** Every reply a test waits for comes within this, or the test fails (never the edge's own 30 s waits). */
  static final long REPLY_WITHIN_MS = 5000;

  LiveConfig config;
  ServiceContext ctx;
  int port;
  Account alice;
  Account bob;
  @RegisterExtension
  final CapturedLog logged = new CapturedLog();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    // a long quiet time, so that the pause between two segments below is surely shorter on a busy machine
    config = new LiveConfig(TestConfigs.local().with("tchatator.admin-api-key", ADMIN_KEY)
      .with("tchatator.log-file", "").with("tchatator.request-quiet-ms", 1500));
    ctx = EdgeFixture.context(vertx, config, new LocalClusterView());
    port = EdgeFixture.port(config.get());
    EdgeFixture.startWithAliceAndBob(ctx).onSuccess(both -> {
      alice = both.alice();
      bob = both.bob();
    }).onComplete(test.succeedingThenComplete());
  }

  private Future<TchatatorClient> loggedIn(Vertx vertx, String key) {
    return TchatatorClient.connect(vertx, port).compose(c -> c.send("LOGIN\napi-token:" + key + "\n")
      .map(r -> expect(r, ReplyStatus.OK)).map(c));
  }

  private static Future<TchatatorReply> within(Future<TchatatorReply> reply) {
    return reply.timeout(REPLY_WITHIN_MS, TimeUnit.MILLISECONDS);
  }

  /** Issue 7's example: for-user-id in a second TCP segment makes a block for one recipient, not for everyone. */
  @Test
  void anOptionalParameterInASecondSegmentBelongsToTheRequest(Vertx vertx, VertxTestContext test) {
    loggedIn(vertx, ADMIN_KEY).compose(admin -> {
      Future<TchatatorReply> reply = admin.next();
      return admin.write("BLOCK_USER\ntoken:" + ADMIN_KEY + "\nuser-id:" + alice.id() + "\n")
        .compose(v -> vertx.timer(200)) // a pause between two segments, shorter than the quiet time
        .compose(v -> admin.write("for-user-id:" + bob.id() + "\n"))
        .compose(v -> within(reply))
        .compose(block -> within(admin.send("GET_UNREAD\ntoken:" + ADMIN_KEY + "\n")).map(next -> List.of(block, next)));
    }).onComplete(test.succeeding(replies -> test.verify(() -> {
      expect(replies.get(0), ReplyStatus.OK);
      assertThat(replies.get(0).field("for-user-id")).as("the block covers messages to bob only").isEqualTo(Long.toString(bob.id()));
      assertThat(replies.get(1).status()).as("no 416 for a lone for-user-id line: the next reply is GET_UNREAD's")
        .isEqualTo(ReplyStatus.OK);
      test.completeNow();
    })));
  }

  /** A request without its optional parameter is answered after the quiet time, without a blank line. */
  @Test
  void aRequestWithoutItsOptionalParameterIsAnsweredAfterTheQuietTime(Vertx vertx, VertxTestContext test) {
    config.update(config.get().with("tchatator.request-quiet-ms", 50));
    loggedIn(vertx, alice.key()).compose(c -> {
      long started = System.nanoTime();
      return within(c.send("GET_HISTORY\ntoken:" + alice.key() + "\n")).map(r -> {
        expect(r, ReplyStatus.OK);
        return (System.nanoTime() - started) / 1_000_000;
      });
    }).onComplete(test.succeeding(ms -> test.verify(() -> {
      assertThat(ms).as("answered once 50 ms passed without a byte").isGreaterThanOrEqualTo(50);
      test.completeNow();
    })));
  }

  @Test
  void refusalsNameTheCommandAndThePublicParameter(Vertx vertx, VertxTestContext test) {
    List<TchatatorReply> replies = new ArrayList<>();
    TchatatorClient.connect(vertx, port).compose(c -> within(c.send("GET_UNREAD\ntoken:" + alice.key() + "\n")).onSuccess(replies::add)
        .compose(r -> within(c.send(login(alice))))
        .compose(r -> within(c.send("GET_HISTORY\ntoken:" + alice.key() + "\nbefore-message-id:0\n"))).onSuccess(replies::add)
        .compose(r -> within(c.send(cSend(bob, bob.id(), "pas ma clé")))).onSuccess(replies::add)
        .compose(r -> within(c.send(cSend(alice, alice.id(), "à moi")))).onSuccess(replies::add)
        .compose(r -> within(c.send("DEL_MSG\ntoken:" + alice.key() + "\nmessage-id:x\n"))).onSuccess(replies::add))
      .onComplete(test.succeeding(last -> test.verify(() -> {
        assertThat(replies).extracting(r -> r.status() + " " + r.field("reason") + " " + r.field("command")).containsExactly(
          "DENIED not-logged-in GET_UNREAD",
          "MISFMT bad-request GET_HISTORY",
          "UNAUTH token-mismatch SEND_MSG",
          "DENIED recipient-not-allowed SEND_MSG",
          "MISFMT bad-number DEL_MSG");
        assertThat(replies.get(1).field("detail")).contains("before-message-id").doesNotContain("beforeId");
        test.completeNow();
      })));
  }

  /** Issue 7, item 9: both blocks of one write are answered, the second although the first was refused at its blank line. */
  @Test
  void theBlockAfterARequestRefusedAtABlankLineGetsAReply(Vertx vertx, VertxTestContext test) {
    loggedIn(vertx, alice.key()).compose(c -> {
      Future<TchatatorReply> first = c.send("DEL_MSG\ntoken:" + alice.key() + "\n\ntoken:" + alice.key() + "\n");
      return within(first).compose(r -> within(c.next()).map(second -> List.of(r, second)));
    }).onComplete(test.succeeding(replies -> test.verify(() -> {
      expect(replies.get(0), ReplyStatus.MISFMT, "missing-parameter");
      assertThat(replies.get(0).field("command")).isEqualTo("DEL_MSG");
      expect(replies.get(1), ReplyStatus.MISFMT, "missing-command");
      test.completeNow();
    })));
  }

  @Test
  void theEdgeWideCapRefusesCleanlyAndCountsTheRefusal(Vertx vertx, VertxTestContext test) {
    config.update(config.get().with("tchatator.max-connections", 2).with("tchatator.max-connections-per-address", 0));
    double before = ctx.meters().connectionRefusals(ChatrelayMeters.PROTOCOL_TCHATATOR, "max-connections").count();
    Future.all(loggedIn(vertx, alice.key()), loggedIn(vertx, bob.key()))
      .compose(two -> TchatatorClient.connect(vertx, port))
      .compose(third -> within(third.next()).compose(r -> third.closed().map(r)))
      .onComplete(test.succeeding(refusal -> test.verify(() -> {
        expect(refusal, ReplyStatus.UNAVAIL, "too-many-connections");
        assertThat(refusal.field("limit")).isEqualTo("2");
        assertThat(refusal.field("retry-after-ms")).matches("\\d+");
        assertThat(ctx.meters().connectionRefusals(ChatrelayMeters.PROTOCOL_TCHATATOR, "max-connections").count() - before)
          .isEqualTo(1.0);
        assertThat(logged.hasLine(Level.INFO, "Tchatator connection from 127.0.0.1 refused (max-connections)"))
          .as("%s", logged.events()).isTrue();
        test.completeNow();
      })));
  }

  /** 0 is "no limit" for both connection limits: 25 connections from one address (more than the default 20). */
  @Test
  void zeroMeansNoLimit(Vertx vertx, VertxTestContext test) {
    config.update(config.get().with("tchatator.max-connections", 0).with("tchatator.max-connections-per-address", 0));
    List<Future<TchatatorReply>> replies = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      replies.add(TchatatorClient.connect(vertx, port).compose(c -> within(c.send("GET_UNREAD\ntoken:x\n"))));
    }
    Future.all(replies).onComplete(test.succeeding(all -> test.verify(() -> {
      for (int i = 0; i < 25; i++) expect(all.resultAt(i), ReplyStatus.DENIED, "not-logged-in");
      test.completeNow();
    })));
  }

  /** Issue 7, item 2: a rotated key or a ban ends the account's sessions within 1 s; other sessions go on. */
  @Test
  void aRotatedKeyOrABanEndsTheAccountsSessionsAtOnce(Vertx vertx, VertxTestContext test) {
    Future.all(loggedIn(vertx, alice.key()), loggedIn(vertx, alice.key()), loggedIn(vertx, bob.key()), loggedIn(vertx, ADMIN_KEY))
      .compose(all -> {
        TchatatorClient alice1 = all.resultAt(0);
        TchatatorClient alice2 = all.resultAt(1);
        TchatatorClient bobs = all.resultAt(2);
        TchatatorClient admin = all.resultAt(3);
        long started = System.nanoTime();
        Future<TchatatorReply> aliceEnded = within(alice1.next());
        vertx.eventBus().publish(Addresses.ACCOUNTS_EVENTS,
          new AccountEvent(AccountEvent.KEY_ROTATED, alice.id(), alice.name(), System.currentTimeMillis()).toJson());
        return aliceEnded.compose(r -> alice1.closed().map(r))
          .compose(r -> alice2.closed().map(v -> {
            long ms = (System.nanoTime() - started) / 1_000_000;
            test.verify(() -> {
              expect(r, ReplyStatus.UNAUTH, AccountEvent.KEY_ROTATED);
              assertThat(ms).as("both of alice's sessions closed within 1 s").isLessThan(1000);
              assertThat(alice2.receivedText()).contains("\n\n401/UNAUTH\n").contains("reason:key-rotated\n");
            });
            return r;
          }))
          .compose(r -> {
            // unbanned ends nothing; banned ends every session of the account
            vertx.eventBus().publish(Addresses.ACCOUNTS_EVENTS,
              new AccountEvent(AccountEvent.UNBANNED, bob.id(), bob.name(), System.currentTimeMillis()).toJson());
            return within(bobs.send("GET_UNREAD\ntoken:" + bob.key() + "\n")).map(unread -> expect(unread, ReplyStatus.OK));
          })
          .compose(r -> {
            Future<TchatatorReply> bobEnded = within(bobs.next());
            vertx.eventBus().publish(Addresses.ACCOUNTS_EVENTS,
              new AccountEvent(AccountEvent.BANNED, bob.id(), bob.name(), System.currentTimeMillis()).toJson());
            return bobEnded.compose(ended -> bobs.closed().map(ended));
          })
          .compose(ended -> {
            test.verify(() -> expect(ended, ReplyStatus.UNAUTH, AccountEvent.BANNED));
            return within(admin.send("GET_UNREAD\ntoken:" + ADMIN_KEY + "\n"));
          });
      })
      .onComplete(test.succeeding(adminReply -> test.verify(() -> {
        expect(adminReply, ReplyStatus.OK);
        test.completeNow();
      })));
  }
}
