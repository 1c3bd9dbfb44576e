package io.chatrelay.tchatator;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.tchatator.EdgeFixture.Account;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.chatrelay.tchatator.codec.TchatatorReply;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.chatrelay.tchatator.EdgeFixture.cSend;
import static io.chatrelay.tchatator.EdgeFixture.createAccount;
import static io.chatrelay.tchatator.EdgeFixture.expect;
import static io.chatrelay.tchatator.EdgeFixture.login;
import static org.assertj.core.api.Assertions.assertThat;

/** The edge end to end: real sockets on 127.0.0.1, the real message store (embedded H2), accounts made by the API. */
@ExtendWith(VertxExtension.class)
class TchatatorSessionTest {
  static final String ADMIN_KEY = "settings-admin-key-4f1c2b";
  static final String DOC_TEXT = "Bonjour, comment ça va ?";
  static final String WRAPPED = "a".repeat(80) + "\n" + "b".repeat(80) + "\n" + "c".repeat(10);

  @TempDir
  Path dir;
  LiveConfig config;
  Path logFile;
  int port;
  Account alice;
  Account bob;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    logFile = dir.resolve("logs/tchatator.log");
    config = new LiveConfig(TestConfigs.local()
      .with("tchatator.admin-api-key", ADMIN_KEY)
      .with("tchatator.log-file", logFile.toString())
      .with("tchatator.max-line-bytes", 1024)
      .with("tchatator.max-request-bytes", 4096));
    port = EdgeFixture.port(config.get());
    EdgeFixture.startStoreAndEdge(EdgeFixture.context(vertx, config, new LocalClusterView()))
      .compose(id -> createAccount(vertx, "alice", "member")).onSuccess(a -> alice = a)
      .compose(a -> createAccount(vertx, "bob", "professional")).onSuccess(b -> bob = b)
      .onComplete(test.succeedingThenComplete());
  }

  private Future<TchatatorClient> connect(Vertx vertx) {
    return TchatatorClient.connect(vertx, port);
  }

  private Future<TchatatorClient> loggedIn(Vertx vertx, Account who) {
    return connect(vertx).compose(c -> c.send(login(who)).map(r -> {
      expect(r, ReplyStatus.OK);
      assertThat(r.field("user-id")).isEqualTo(Long.toString(who.id()));
      return c;
    }));
  }

  @Test
  void theCClientsExactBytesGetTheRepliesItExpects(Vertx vertx, VertxTestContext test) {
    String aliceToken = "token:" + alice.key() + "\n";
    loggedIn(vertx, alice).compose(c -> c.send(cSend(alice, bob.id(), DOC_TEXT))
      .compose(sent -> {
        expect(sent, ReplyStatus.OK);
        assertThat(sent.field("message")).isEqualTo("Message bien reçu et traité");
        String id = sent.field("message-id");
        assertThat(id).matches("\\d+");
        return c.send("UPDT_MSG\n" + aliceToken + "message-id:" + id + "\nmessage-length:14\ncontent:Texte corrigé\n")
          .map(r -> expect(r, ReplyStatus.OK))
          .compose(r -> c.send("DEL_MSG\n" + aliceToken + "message-id:" + id + "\n"))
          .map(r -> expect(r, ReplyStatus.OK))
          .compose(r -> c.send("DEL_MSG\n" + aliceToken + "message-id:" + id + "\n"))
          .map(r -> expect(r, ReplyStatus.NOTFOUND, "unknown-message"));
      })
      .compose(r -> c.send(cSend(alice, bob.id(), WRAPPED)).map(sent -> expect(sent, ReplyStatus.OK)))
      .compose(r -> c.write("DISCONNECTED\n"))
      .compose(v -> c.closed())
      .map(v -> {
        assertThat(c.receivedText()).as("nothing answers DISCONNECTED").endsWith("\n\n")
          .doesNotContain("DISCONNECTED");
        return c;
      }))
      .compose(done -> loggedIn(vertx, bob))
      .compose(b -> b.send("GET_UNREAD\ntoken:" + bob.key() + "\n"))
      .onComplete(test.succeeding(unread -> test.verify(() -> {
        expect(unread, ReplyStatus.OK);
        assertThat(unread.messages()).as("the deleted message is never delivered").singleElement().satisfies(m -> {
          assertThat(m.content()).isEqualTo(WRAPPED);
          assertThat(m.senderId()).isEqualTo(alice.id());
          assertThat(m.direction()).isEqualTo("received");
        });
        test.completeNow();
      })));
  }

  @Test
  void theDocumentsFormsWork(Vertx vertx, VertxTestContext test) {
    String both = "LOGIN\napi-token:" + alice.key() + "\n\nSEND_MSG\ntoken:" + alice.key() + "\nrecipient-id:" + bob.id()
      + "\nmessage-length:24\ncontent:" + DOC_TEXT + "\n";
    connect(vertx).compose(c -> {
        Future<TchatatorReply> first = c.send(both);
        return first.map(r -> expect(r, ReplyStatus.OK)).compose(r -> c.next());
      })
      .map(sent -> expect(sent, ReplyStatus.OK))
      .compose(sent -> loggedIn(vertx, bob))
      .compose(b -> b.send("GET_UNREAD\r\ntoken:" + bob.key() + "\r\n"))
      .onComplete(test.succeeding(unread -> test.verify(() -> {
        assertThat(unread.messages()).extracting(m -> m.content()).containsExactly(DOC_TEXT);
        test.completeNow();
      })));
  }

  @Test
  void aMemberAndAProfessionalExchangeOverTwoConnections(Vertx vertx, VertxTestContext test) {
    Future.all(loggedIn(vertx, alice), loggedIn(vertx, bob)).compose(both -> {
      TchatatorClient a = both.resultAt(0);
      TchatatorClient b = both.resultAt(1);
      return a.send(cSend(alice, bob.id(), "Bonjour, une chambre libre ce soir ?")).map(r -> expect(r, ReplyStatus.OK))
        .compose(r -> b.send("GET_UNREAD\ntoken:" + bob.key() + "\n"))
        .compose(unread -> {
          assertThat(unread.messages()).extracting(m -> m.content()).containsExactly("Bonjour, une chambre libre ce soir ?");
          return b.send(cSend(bob, alice.id(), "Oui, la 12."));
        })
        .compose(r -> a.send("GET_UNREAD\ntoken:" + alice.key() + "\n"))
        .compose(unread -> {
          assertThat(unread.messages()).extracting(m -> m.content()).containsExactly("Oui, la 12.");
          return a.send("GET_UNREAD\ntoken:" + alice.key() + "\n");
        })
        .compose(again -> {
          assertThat(again.messages()).as("delivered means read").isEmpty();
          return a.send("GET_HISTORY\ntoken:" + alice.key() + "\n");
        });
    }).onComplete(test.succeeding(history -> test.verify(() -> {
      expect(history, ReplyStatus.OK);
      assertThat(history.field("has-older")).isEqualTo("false");
      assertThat(history.messages()).extracting(m -> m.direction() + ":" + m.content())
        .containsExactly("received:Oui, la 12.", "sent:Bonjour, une chambre libre ce soir ?");
      test.completeNow();
    })));
  }

  @Test
  void historyComesInBlocksBeforeAGivenMessage(Vertx vertx, VertxTestContext test) {
    config.update(config.get().with("tchatator.history-block-size", 2));
    loggedIn(vertx, alice).compose(a -> {
      Future<TchatatorReply> chain = Future.succeededFuture();
      for (int i = 1; i <= 5; i++) {
        String text = "message " + i;
        chain = chain.compose(r -> a.send(cSend(alice, bob.id(), text))).map(r -> expect(r, ReplyStatus.OK));
      }
      return chain.compose(r -> a.send("GET_HISTORY\ntoken:" + alice.key() + "\n"))
        .compose(first -> {
          assertThat(first.messages()).extracting(m -> m.content()).containsExactly("message 5", "message 4");
          assertThat(first.field("has-older")).isEqualTo("true");
          return a.send("GET_HISTORY\nbefore-message-id:" + first.messages().get(1).id() + "\ntoken:" + alice.key() + "\n");
        });
    }).onComplete(test.succeeding(second -> test.verify(() -> {
      assertThat(second.messages()).extracting(m -> m.content()).containsExactly("message 3", "message 2");
      test.completeNow();
    })));
  }

  @Test
  void realTimePushOnlyToConnectionsThatOptedIn(Vertx vertx, VertxTestContext test) {
    Future.all(loggedIn(vertx, alice), loggedIn(vertx, bob), loggedIn(vertx, bob)).compose(all -> {
      TchatatorClient a = all.resultAt(0);
      TchatatorClient subscribed = all.resultAt(1);
      TchatatorClient plain = all.resultAt(2);
      return subscribed.send("SUBSCRIBE\ntoken:" + bob.key() + "\n").map(r -> expect(r, ReplyStatus.OK))
        .compose(r -> {
          Future<TchatatorReply> push = subscribed.next();
          return a.send(cSend(alice, bob.id(), "en direct")).map(r2 -> expect(r2, ReplyStatus.OK)).compose(r2 -> push);
        })
        .compose(push -> {
          expect(push, ReplyStatus.PUSH);
          assertThat(push.messages()).singleElement().satisfies(m -> {
            assertThat(m.content()).isEqualTo("en direct");
            assertThat(m.senderId()).isEqualTo(alice.id());
          });
          // the connection that did not opt in gets nothing unrequested: its next bytes are this reply
          return plain.send("GET_HISTORY\ntoken:" + bob.key() + "\n");
        })
        .map(r -> {
          expect(r, ReplyStatus.OK);
          assertThat(plain.receivedText()).doesNotContain("100/PUSH");
          return r;
        })
        // delivered in real time means read: it shows in the history (read messages only) without GET_UNREAD
        .compose(r -> poll(vertx, () -> plain.send("GET_HISTORY\ntoken:" + bob.key() + "\n"),
          history -> history.messages().stream().anyMatch(m -> m.content().equals("en direct") && m.read()), 5000))
        .compose(r -> plain.send("GET_UNREAD\ntoken:" + bob.key() + "\n"))
        .map(unread -> {
          assertThat(unread.messages()).isEmpty();
          return subscribed;
        })
        .compose(s -> s.send("UNSUBSCRIBE\ntoken:" + bob.key() + "\n"))
        .compose(r -> a.send(cSend(alice, bob.id(), "plus en direct")))
        .compose(r -> subscribed.send("GET_UNREAD\ntoken:" + bob.key() + "\n"));
    }).onComplete(test.succeeding(unread -> test.verify(() -> {
      assertThat(unread.status()).as("no push after UNSUBSCRIBE: the next reply is the answer").isEqualTo(ReplyStatus.OK);
      assertThat(unread.messages()).extracting(m -> m.content()).containsExactly("plus en direct");
      test.completeNow();
    })));
  }

  @Test
  void aTokenOtherThanTheLoggedInKeyIsUnauthorizedAndCommandsBeforeLoginAreDenied(Vertx vertx, VertxTestContext test) {
    connect(vertx).compose(c -> c.send("GET_UNREAD\ntoken:" + alice.key() + "\n")
        .map(r -> expect(r, ReplyStatus.DENIED, "not-logged-in"))
        .compose(r -> c.send("LOGIN\napi-token:not-a-key\n"))
        .map(r -> expect(r, ReplyStatus.DENIED, "bad-credentials"))
        .compose(r -> c.send(login(alice)))
        .compose(r -> c.send(cSend(bob, alice.id(), "usurpation")))
        .map(r -> expect(r, ReplyStatus.UNAUTH, "token-mismatch"))
        .compose(r -> c.send(cSend(alice, alice.id(), "à moi-même")))
        .map(r -> expect(r, ReplyStatus.DENIED, "recipient-not-allowed")))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void theSettingsAdministratorBlocksAndBans(Vertx vertx, VertxTestContext test) {
    String admin = "token:" + ADMIN_KEY + "\n";
    Future.all(loggedIn(vertx, alice), connect(vertx), loggedIn(vertx, bob)).compose(all -> {
      TchatatorClient a = all.resultAt(0);
      TchatatorClient root = all.resultAt(1);
      TchatatorClient b = all.resultAt(2);
      return root.send("LOGIN\napi-token:" + ADMIN_KEY + "\n")
        .map(r -> {
          expect(r, ReplyStatus.OK);
          assertThat(r.field("role")).isEqualTo("admin");
          assertThat(r.field("user-id")).isEqualTo("0");
          return r;
        })
        // the C client's BLOCK_USER of a professional, for himself
        .compose(r -> b.send("BLOCK_USER\ntoken:" + bob.key() + "\nuser-id:" + alice.id() + "\nfor-user-id:" + bob.id() + "\n"))
        .map(r -> {
          expect(r, ReplyStatus.OK);
          assertThat(r.field("until")).isNotBlank();
          return r;
        })
        .compose(r -> a.send(cSend(alice, bob.id(), "bloqué ?")))
        .map(r -> {
          expect(r, ReplyStatus.DENIED, "blocked");
          assertThat(r.field("until")).as("the refusal says until when").matches("\\d{4}-.*Z");
          return r;
        })
        .compose(r -> b.send("UNBLOCK_USER\ntoken:" + bob.key() + "\nuser-id:" + alice.id() + "\n"))
        .map(r -> expect(r, ReplyStatus.OK))
        .compose(r -> root.send("BAN_USER\n" + admin + "user-id:" + alice.id() + "\n"))
        .map(r -> expect(r, ReplyStatus.OK))
        // the ban ends alice's session (401 reason:banned, pushed, then the close) ...
        .compose(r -> a.send(cSend(alice, bob.id(), "banni ?")))
        .map(r -> expect(r, ReplyStatus.UNAUTH, "banned"))
        // ... and she cannot log in again while it lasts
        .compose(r -> connect(vertx)).compose(again -> again.send(login(alice)))
        .map(r -> expect(r, ReplyStatus.DENIED, "banned"))
        .compose(r -> b.send("BAN_USER\ntoken:" + bob.key() + "\nuser-id:" + alice.id() + "\n"))
        .map(r -> expect(r, ReplyStatus.DENIED, "not-permitted"))
        .compose(r -> root.send("UNBAN_USER\n" + admin + "user-id:" + alice.id() + "\n"))
        .map(r -> expect(r, ReplyStatus.OK))
        .compose(r -> loggedIn(vertx, alice)).compose(back -> back.send(cSend(alice, bob.id(), "de retour")))
        .map(r -> expect(r, ReplyStatus.OK));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aMalformedRequestGetsMisfmtAndTheConnectionStaysUsable(Vertx vertx, VertxTestContext test) {
    loggedIn(vertx, alice).compose(c -> c.send("SEND_MSG\ntoken:" + alice.key() + "\nreceiver-id:abc\ncontent:x\n")
        .map(r -> {
          expect(r, ReplyStatus.MISFMT, "bad-number");
          assertThat(r.field("command")).isEqualTo("SEND_MSG");
          return r;
        })
        .compose(r -> c.send("HELLO\n"))
        .map(r -> expect(r, ReplyStatus.MISFMT, "unknown-command"))
        .compose(r -> c.send("SEND_MSG\ntoken:" + alice.key() + "\nreceiver-id:" + bob.id() + "\nmessage-length:3\ncontent:trop long\n"))
        .map(r -> expect(r, ReplyStatus.MISFMT, "length-mismatch"))
        .compose(r -> c.send(cSend(alice, bob.id(), "valide"))))
      .onComplete(test.succeeding(r -> test.verify(() -> {
        expect(r, ReplyStatus.OK);
        test.completeNow();
      })));
  }

  @Test
  void oversizedInputIsRefusedAndTheNextRequestWorks(Vertx vertx, VertxTestContext test) {
    String longLine = "x".repeat(5000);
    loggedIn(vertx, alice).compose(c -> c.send("SEND_MSG\ntoken:" + alice.key() + "\nreceiver-id:" + bob.id() + "\ncontent:" + longLine + "\n")
        .map(r -> expect(r, ReplyStatus.MISFMT, "line-too-long"))
        .compose(r -> c.send("SEND_MSG\ntoken:" + alice.key() + "\nreceiver-id:" + bob.id() + "\nmessage-length:5000\ncontent:"
          + ("y".repeat(1000) + "\n").repeat(5)))
        .map(r -> expect(r, ReplyStatus.MISFMT, "request-too-long"))
        .compose(r -> c.send(cSend(alice, bob.id(), "z".repeat(1001))))
        .map(r -> expect(r, ReplyStatus.TOOLONG, "content-too-long"))
        .compose(r -> c.send(cSend(alice, bob.id(), "court"))))
      .onComplete(test.succeeding(r -> test.verify(() -> {
        expect(r, ReplyStatus.OK);
        test.completeNow();
      })));
  }

  @Test
  void anIdleConnectionIsClosedAfterTheTimeoutSetLive(Vertx vertx, VertxTestContext test) {
    loggedIn(vertx, alice).compose(c -> {
      long started = System.nanoTime();
      config.update(config.get().with("tchatator.idle-timeout-seconds", 1));
      return c.closed().map(v -> System.nanoTime() - started);
    }).onComplete(test.succeeding(elapsed -> test.verify(() -> {
      assertThat(elapsed).as("closed by the new 1 s timeout, not the 600 s one").isLessThan(TimeUnit.SECONDS.toNanos(30));
      test.completeNow();
    })));
  }

  @Test
  void connectionsBeyondThePerAddressLimitAreDeniedAndClosed(Vertx vertx, VertxTestContext test) {
    config.update(config.get().with("tchatator.max-connections-per-address", 2));
    Future.all(loggedIn(vertx, alice), loggedIn(vertx, bob))
      .compose(two -> connect(vertx))
      .compose(third -> third.next().compose(r -> third.closed().map(r)))
      .onComplete(test.succeeding(refusal -> test.verify(() -> {
        expect(refusal, ReplyStatus.DENIED, "too-many-connections");
        assertThat(refusal.field("limit")).isEqualTo("2");
        test.completeNow();
      })));
  }

  @Test
  void theLogFileHasDateUserAndIpOnEveryLineAndNoKey(Vertx vertx, VertxTestContext test) {
    loggedIn(vertx, alice)
      .compose(c -> c.send(cSend(alice, bob.id(), "journalisé")).compose(r -> c.send("HELLO\n")))
      .compose(r -> poll(vertx, () -> vertx.fileSystem().exists(logFile.toString())
        .compose(exists -> exists ? vertx.fileSystem().readFile(logFile.toString()).map(b -> b.toString()) : Future.succeededFuture("")),
        text -> text.contains("answered 416/MISFMT"), 5000))
      .onComplete(test.succeeding(text -> test.verify(() -> {
        List<String> lines = text.lines().toList();
        String stamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";
        assertThat(lines).allSatisfy(l -> assertThat(l).matches(stamp + " \\[(|alice#" + alice.id() + ")\\] \\[127\\.0\\.0\\.1\\] .+"));
        assertThat(lines).anyMatch(l -> l.matches(stamp + " \\[\\] \\[127\\.0\\.0\\.1\\] connected"));
        assertThat(lines).anyMatch(l -> l.contains("[alice#" + alice.id() + "] [127.0.0.1] received SEND_MSG token:*** "));
        assertThat(lines).anyMatch(l -> l.contains("[alice#" + alice.id() + "] [127.0.0.1] answered 200/OK message-id:"));
        assertThat(lines).anyMatch(l -> l.contains("received a malformed request: unknown-command"));
        assertThat(text).doesNotContain(alice.key()).doesNotContain("journalisé");
        assertThat(Files.exists(logFile)).isTrue();
        test.completeNow();
      })));
  }

  @Test
  void theLogFileFollowsItsPathSetting(Vertx vertx, VertxTestContext test) {
    Path moved = dir.resolve("elsewhere/moved.log");
    loggedIn(vertx, alice)
      .compose(c -> {
        config.update(config.get().with("tchatator.log-file", moved.toString()));
        return c.send("GET_UNREAD\ntoken:" + alice.key() + "\n");
      })
      .compose(r -> poll(vertx, () -> vertx.fileSystem().exists(moved.toString())
          .compose(e -> e ? vertx.fileSystem().readFile(moved.toString()).map(b -> b.toString()) : Future.succeededFuture("")),
        text -> text.contains("received GET_UNREAD"), 5000))
      .onComplete(test.succeeding(text -> test.verify(() -> {
        assertThat(text).doesNotContain("connected");
        test.completeNow();
      })));
  }

  /** Repeats {@code attempt} every 50 ms until {@code done} holds, failing after {@code timeoutMs}. */
  static <T> Future<T> poll(Vertx vertx, java.util.function.Supplier<Future<T>> attempt, Predicate<T> done, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    return attempt.get().compose(value -> {
      if (done.test(value)) return Future.succeededFuture(value);
      if (System.currentTimeMillis() > deadline) return Future.failedFuture("condition not met in " + timeoutMs + " ms; last: " + value);
      return vertx.timer(50).compose(t -> poll(vertx, attempt, done, deadline - System.currentTimeMillis()));
    });
  }
}
