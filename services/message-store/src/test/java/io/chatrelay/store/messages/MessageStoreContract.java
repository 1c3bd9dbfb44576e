package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BanInfo;
import io.chatrelay.shared.bus.BlockInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageDeleted;
import io.chatrelay.shared.bus.MessagePage;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.MessageView;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.MutableClock;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static io.chatrelay.store.messages.StoreFixture.SETTINGS_ADMIN;
import static io.chatrelay.store.messages.StoreFixture.failure;
import static io.chatrelay.store.messages.StoreFixture.thenClose;
import static io.chatrelay.store.messages.StoreFixture.verify;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message store's behaviour through its event-bus addresses, on a real database: the same suite runs on the
 * embedded H2 ({@link MessageStoreH2Test}) and on PostgreSQL ({@link MessageStorePostgresTest}).
 */
@ExtendWith(VertxExtension.class)
abstract class MessageStoreContract {
  private static final Duration DAY = Duration.ofHours(24);

  @TempDir
  Path tempDir;

  MutableClock clock;
  StoreFixture store;
  AccountInfo alice;
  AccountInfo bob;
  AccountInfo pro;
  AccountInfo pro2;
  AccountInfo moderator;

  /** Settings for a store on a fresh, empty database. */
  protected abstract ChatrelayConfig freshConfig();

  /** Settings for a database that outlives a Vert.x instance (a file for H2; a new schema for PostgreSQL). */
  protected abstract ChatrelayConfig durableConfig(Path dir);

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    clock = new MutableClock();
    StoreFixture.start(vertx, freshConfig(), clock)
      .compose(s -> {
        store = s;
        return Future.all(s.account("alice", Role.MEMBER), s.account("bob", Role.MEMBER),
          s.account("creperie", Role.PROFESSIONAL), s.account("hotel", Role.PROFESSIONAL),
          s.account("moderator", Role.ADMIN));
      })
      .onComplete(test.succeeding(all -> {
        alice = all.resultAt(0);
        bob = all.resultAt(1);
        pro = all.resultAt(2);
        pro2 = all.resultAt(3);
        moderator = all.resultAt(4);
        test.completeNow();
      }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    (store == null ? Future.succeededFuture() : store.dropAndClose()).onComplete(test.succeedingThenComplete());
  }

  // ---- sending ----

  @Test
  void sendStoresTheMessageAndRepliesWithIt(VertxTestContext test) {
    long now = clock.millis();
    store.send(alice, pro, "Bonjour, comment ça va ?")
      .map(verify(m -> {
        assertThat(m.id()).isPositive();
        assertThat(m.senderId()).isEqualTo(alice.id());
        assertThat(m.recipientId()).isEqualTo(pro.id());
        assertThat(m.direction()).isEqualTo(MessageView.SENT);
        assertThat(m.content()).isEqualTo("Bonjour, comment ça va ?");
        assertThat(m.sentAt()).isEqualTo(now);
        assertThat(m.modifiedAt()).isNull();
        assertThat(m.modifiedText()).isNull();
        assertThat(m.read()).isFalse();
      }))
      .compose(sent -> store.count("SELECT COUNT(*) FROM message WHERE id = #{id} AND content = #{c} AND read = FALSE"
        + " AND deleted = FALSE", Map.of("id", sent.id(), "c", sent.content())))
      .map(verify(n -> assertThat(n).isEqualTo(1)))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void membersAndProfessionalsWriteToEachOtherAndAdministratorsToAnyone(VertxTestContext test) {
    store.send(alice, pro, "member to professional")
      .compose(v -> store.send(pro, alice, "professional to member"))
      .compose(v -> store.send(alice, moderator, "member to an administrator account"))
      .compose(v -> store.send(moderator, pro, "administrator account to a professional"))
      .compose(v -> store.send(SETTINGS_ADMIN, bob, "settings-file administrator to a member"))
      .compose(v -> refusal(store.send(alice, bob, "member to member"), 403, MessageReasons.RECIPIENT_NOT_ALLOWED))
      .compose(v -> refusal(store.send(pro, pro2, "pro to pro"), 403, MessageReasons.RECIPIENT_NOT_ALLOWED))
      .compose(v -> refusal(store.send(alice, alice, "to myself"), 403, MessageReasons.RECIPIENT_NOT_ALLOWED))
      .compose(v -> refusal(store.send(alice, 0, "to the settings-file admin"), 404, MessageReasons.UNKNOWN_RECIPIENT))
      .compose(v -> refusal(store.send(alice, 987654, "to nobody"), 404, MessageReasons.UNKNOWN_RECIPIENT))
      .compose(v -> store.count("SELECT COUNT(*) FROM message", Map.of()))
      .map(verify(n -> assertThat(n).isEqualTo(5)))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void contentIsNeitherEmptyNorLongerThanTheLiveLimit(VertxTestContext test) {
    String thousandEmoji = "😀".repeat(1000);   // 1000 characters, 2000 UTF-16 units
    refusal(store.send(alice, pro, ""), 400, MessageReasons.EMPTY_CONTENT)
      .compose(v -> refusal(store.send(alice, pro, " \n "), 400, MessageReasons.EMPTY_CONTENT))
      .compose(v -> store.send(alice, pro, thousandEmoji))
      .map(verify(m -> assertThat(m.content()).isEqualTo(thousandEmoji)))
      .compose(v -> refusal(store.send(alice, pro, "x".repeat(1001)), 413, MessageReasons.CONTENT_TOO_LONG))
      .map(verify(f -> assertThat(f.details().getInteger("length")).isEqualTo(1001)))
      .compose(v -> {
        store.set("tchatator.max-message-length", 5);
        return refusal(store.send(alice, pro, "123456"), 413, MessageReasons.CONTENT_TOO_LONG);
      })
      .map(verify(f -> assertThat(f.details().getInteger("maxLength")).isEqualTo(5)))
      .compose(v -> store.send(alice, pro, "12345"))
      .onComplete(test.succeedingThenComplete());
  }

  // ---- editing and deleting ----

  @Test
  void onlyTheSenderEditsOrDeletesAndEditsShowTheirAge(VertxTestContext test) {
    store.send(alice, pro, "first version")
      .compose(m -> refusal(store.request(new MessageRequest.Update(pro, m.id(), "recipient edit")), 403, MessageReasons.NOT_SENDER)
        .compose(v -> refusal(store.request(new MessageRequest.Update(bob, m.id(), "stranger edit")), 403, MessageReasons.NOT_SENDER))
        .compose(v -> refusal(store.request(new MessageRequest.Delete(pro, m.id())), 403, MessageReasons.NOT_SENDER))
        .compose(v -> refusal(store.request(new MessageRequest.Update(alice, m.id(), "")), 400, MessageReasons.EMPTY_CONTENT))
        .compose(v -> {
          clock.advance(Duration.ofMinutes(3));
          return store.request(new MessageRequest.Update(alice, m.id(), "second version"));
        })
        .map(reply -> MessageView.fromJson(reply.getJsonObject("message")))
        .map(verify(edited -> {
          assertThat(edited.content()).isEqualTo("second version");
          assertThat(edited.sentAt()).isEqualTo(m.sentAt());
          assertThat(edited.modifiedAt()).isEqualTo(clock.millis());
          assertThat(edited.modifiedText()).isEqualTo("modifié il y a quelques secondes");
        }))
        .compose(v -> {
          clock.advance(Duration.ofMinutes(31));
          return unread(pro);
        })
        .map(verify(page -> assertThat(page.messages()).singleElement().satisfies(received -> {
          assertThat(received.content()).isEqualTo("second version");
          assertThat(received.modifiedText()).isEqualTo("modifié il y a 30 minutes");
        })))
        .compose(v -> store.request(new MessageRequest.Delete(alice, m.id())))
        .map(reply -> MessageDeleted.fromJson(reply))
        .map(verify(deleted -> assertThat(deleted).isEqualTo(
          new MessageDeleted(m.id(), alice.id(), pro.id(), clock.millis()))))
        .compose(v -> refusal(store.request(new MessageRequest.Delete(alice, m.id())), 404, MessageReasons.UNKNOWN_MESSAGE))
        .compose(v -> refusal(store.request(new MessageRequest.Update(alice, m.id(), "revived")), 404, MessageReasons.UNKNOWN_MESSAGE)))
      .compose(v -> refusal(store.request(new MessageRequest.Delete(alice, 987654)), 404, MessageReasons.UNKNOWN_MESSAGE))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void deletedMessagesAreNeverDeliveredAgain(VertxTestContext test) {
    List<MessageView> sent = new ArrayList<>();
    store.send(alice, pro, "one").map(sent::add)
      .compose(v -> store.send(alice, pro, "two")).map(sent::add)
      .compose(v -> store.send(alice, pro, "three")).map(sent::add)
      .compose(v -> store.request(new MessageRequest.Delete(alice, sent.get(1).id())))
      .compose(v -> unread(pro))
      .map(verify(page -> assertThat(contents(page)).containsExactly("one", "three")))
      .compose(v -> store.request(new MessageRequest.Delete(alice, sent.get(2).id())))   // already read
      .compose(v -> history(pro, null, null))
      .map(verify(page -> assertThat(contents(page)).containsExactly("one")))
      .compose(v -> history(alice, null, null))
      .map(verify(page -> assertThat(contents(page)).containsExactly("one")))
      .compose(v -> unread(pro))
      .map(verify(page -> assertThat(page.messages()).isEmpty()))
      .compose(v -> store.count("SELECT COUNT(*) FROM message WHERE deleted = TRUE", Map.of()))
      .map(verify(n -> assertThat(n).as("deleted messages stay in the database").isEqualTo(2)))
      .onComplete(test.succeedingThenComplete());
  }

  // ---- unread, history, mark-read ----

  @Test
  void unreadIsEverythingOldestFirstAndDeliveringMarksRead(VertxTestContext test) {
    store.send(alice, pro, "a1")
      .compose(v -> store.send(bob, pro, "b1"))
      .compose(v -> store.send(alice, pro2, "to the other professional"))
      .compose(v -> store.send(alice, pro, "a2"))
      .compose(v -> unread(pro))
      .map(verify(page -> {
        assertThat(contents(page)).containsExactly("a1", "b1", "a2");
        assertThat(page.messages()).allSatisfy(m -> {
          assertThat(m.direction()).isEqualTo(MessageView.RECEIVED);
          assertThat(m.read()).isTrue();
        });
        assertThat(page.messages()).extracting(MessageView::id).isSorted();
        assertThat(page.hasOlder()).isFalse();
      }))
      .compose(v -> unread(pro))
      .map(verify(page -> assertThat(page.messages()).isEmpty()))
      .compose(v -> store.count("SELECT COUNT(*) FROM message WHERE read = FALSE", Map.of()))
      .map(verify(n -> assertThat(n).as("only the message to the other professional").isEqualTo(1)))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void concurrentDeliveriesToOneUserNeverHandOutAMessageTwice(VertxTestContext test) {
    noRateLimits();
    int messages = 60;
    store.sendMany(alice, pro, messages, "m")
      .compose(v -> Future.all(IntStream.range(0, 6).mapToObj(i -> unread(pro)).toList()))
      .map(verify(all -> {
        List<Long> delivered = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          MessagePage page = all.resultAt(i);
          page.messages().forEach(m -> delivered.add(m.id()));
        }
        assertThat(delivered).hasSize(messages).doesNotHaveDuplicates();
      }))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void historyComesInBlocksNewestFirstBackToTheFirstMessage(VertxTestContext test) {
    noRateLimits();
    List<Long> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 45; i++) {
      boolean fromAlice = i % 2 == 0;   // 23 sent by alice, 22 received by her
      String text = "message " + i;
      chain = chain.compose(v -> store.send(fromAlice ? alice : pro, fromAlice ? pro : alice, text)).map(m -> {
        ids.add(m.id());
        return null;
      });
    }
    chain
      .compose(v -> history(alice, null, null))
      .map(verify(page -> assertThat(page.messages()).as("unread received messages are not history yet")
        .hasSize(20).allSatisfy(m -> assertThat(m.direction()).isEqualTo(MessageView.SENT))))
      .compose(v -> unread(alice))
      .compose(v -> history(alice, null, null))
      .compose(first -> history(alice, last(first), null).compose(second -> history(alice, last(second), null)
        .map(third -> List.of(first, second, third))))
      .map(verify(pages -> {
        assertThat(pages).extracting(p -> p.messages().size()).containsExactly(20, 20, 5);
        assertThat(pages).extracting(MessagePage::hasOlder).containsExactly(true, true, false);
        List<Long> walked = pages.stream().flatMap(p -> p.messages().stream()).map(MessageView::id).toList();
        List<Long> newestFirst = new ArrayList<>(ids);
        newestFirst.sort((a, b) -> Long.compare(b, a));
        assertThat(walked).isEqualTo(newestFirst);
      }))
      .compose(v -> history(alice, null, 7))
      .map(verify(page -> assertThat(page.messages()).hasSize(7)))
      .compose(v -> history(alice, null, 500))
      .map(verify(page -> assertThat(page.messages()).as("the block size caps the limit").hasSize(20)))
      .compose(v -> refusal(history(alice, null, 0), 400, MessageReasons.BAD_REQUEST))
      .compose(v -> {
        store.set("tchatator.history-block-size", 30);
        return history(alice, null, null);
      })
      .map(verify(page -> assertThat(page.messages()).hasSize(30)))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void markReadOnlyTouchesTheActorsReceivedMessages(VertxTestContext test) {
    store.send(alice, pro, "to the professional")
      .compose(toPro -> store.send(pro, alice, "to alice")
        .compose(toAlice -> markRead(alice, List.of(toPro.id(), toAlice.id(), 987654L)))
        .map(verify(marked -> assertThat(marked).isEqualTo(1)))
        .compose(v -> markRead(alice, List.of()))
        .map(verify(marked -> assertThat(marked).isZero()))
        .compose(v -> unread(alice))
        .map(verify(page -> assertThat(page.messages()).isEmpty()))
        .compose(v -> unread(pro))
        .map(verify(page -> assertThat(page.messages()).extracting(MessageView::id).containsExactly(toPro.id()))))
      .compose(v -> refusal(markRead(alice, IntStream.range(0, 1001).mapToObj(i -> (long) i).toList()), 400,
        MessageReasons.BAD_REQUEST))
      .onComplete(test.succeedingThenComplete());
  }

  // ---- rate limits ----

  @Test
  void atMostTwelveMessagesPerMinute(VertxTestContext test) {
    long start = clock.millis();
    store.sendMany(alice, pro, 12, "burst ")
      .compose(v -> refusal(store.send(alice, pro, "thirteenth"), 429, MessageReasons.RATE_LIMITED))
      .map(verify(f -> {
        assertThat(f.details().getString("window")).isEqualTo("minute");
        assertThat(f.details().getInteger("limit")).isEqualTo(12);
        assertThat(f.details().getLong("retryAt")).isEqualTo(start + 60_000);
        assertThat(f.details().getString("retryAtText")).isEqualTo(Instant.ofEpochMilli(start + 60_000).toString());
      }))
      .compose(v -> store.send(bob, pro, "another user has his own count"))
      .compose(v -> store.sendMany(SETTINGS_ADMIN, pro, 20, "administrators have no limit "))
      .compose(v -> {
        clock.advance(Duration.ofMillis(59_999));
        return refusal(store.send(alice, pro, "one millisecond too early"), 429, MessageReasons.RATE_LIMITED);
      })
      .compose(v -> {
        clock.advance(Duration.ofMillis(1));
        return store.send(alice, pro, "a place is free again");
      })
      .compose(v -> {
        store.set("tchatator.max-messages-per-minute", 1);   // live: one more already breaks it
        return refusal(store.send(alice, pro, "limit lowered"), 429, MessageReasons.RATE_LIMITED);
      })
      .map(verify(f -> assertThat(f.details().getInteger("limit")).isEqualTo(1)))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void atMostNinetyMessagesPerHour(VertxTestContext test) {
    long start = clock.millis();
    Future<MessageView> chain = Future.succeededFuture();
    for (int minute = 0; minute < 8; minute++) {
      int count = minute < 7 ? 12 : 6;   // 7 x 12 + 6 = 90, never more than 12 in a minute
      chain = chain.compose(v -> store.sendMany(alice, pro, count, "hourly ")).map(m -> {
        clock.advance(Duration.ofMinutes(1));
        return m;
      });
    }
    chain
      .compose(v -> refusal(store.send(alice, pro, "ninety-first"), 429, MessageReasons.RATE_LIMITED))
      .map(verify(f -> {
        assertThat(f.details().getString("window")).isEqualTo("hour");
        assertThat(f.details().getInteger("limit")).isEqualTo(90);
        assertThat(f.details().getLong("retryAt")).isEqualTo(start + 3_600_000);
      }))
      .compose(v -> {
        clock.set(Instant.ofEpochMilli(start + 3_600_000 - 1));
        return refusal(store.send(alice, pro, "still within the hour"), 429, MessageReasons.RATE_LIMITED);
      })
      .compose(v -> {
        clock.set(Instant.ofEpochMilli(start + 3_600_000));
        return store.send(alice, pro, "the first twelve left the window");
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void concurrentSendsOfOneUserOnTwoStoresNeverExceedTheLimit(Vertx vertx, VertxTestContext test) {
    Vertx otherNode = Vertx.vertx();
    int attempts = 40;
    Future<List<BusFailure>> raced = StoreFixture.start(otherNode, store.config.get(), clock).compose(other -> {
      List<Future<BusFailure>> outcomes = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        StoreFixture edge = i % 2 == 0 ? store : other;
        outcomes.add(edge.send(alice, pro, "race " + i).transform(ar ->
          Future.succeededFuture(ar.succeeded() ? null : BusFailure.from(ar.cause()))));
      }
      return Future.all(outcomes).<List<BusFailure>>map(all -> all.list()).eventually(other::close);
    });
    thenClose(vertx, otherNode, raced)
      .map(verify(outcomes -> {
        assertThat(outcomes.stream().filter(f -> f == null).count()).as("accepted").isEqualTo(12);
        assertThat(outcomes.stream().filter(f -> f != null)).as("refused")
          .hasSize(attempts - 12).allSatisfy(f -> assertThat(f.reason()).isEqualTo(MessageReasons.RATE_LIMITED));
      }))
      .compose(v -> store.count("SELECT COUNT(*) FROM message WHERE sender_id = #{id}", Map.of("id", alice.id())))
      .map(verify(n -> assertThat(n).isEqualTo(12)))
      .onComplete(test.succeedingThenComplete());
  }

  // ---- the idempotency key (clientId) ----

  @Test
  void aRetriedSendStoresNothingAndAnswersTheFirstMessage(Vertx vertx, VertxTestContext test) {
    store.set("tchatator.max-messages-per-minute", 1);   // a replay is no new message: never rate-limited
    List<MessageView> created = new ArrayList<>();
    Promise<Void> sentinel = Promise.promise();
    MessageConsumer<JsonObject> events = vertx.eventBus().consumer(Addresses.MESSAGES_CREATED, msg -> {
      MessageView m = MessageView.fromJson(msg.body());
      if (m.content().equals("sentinel")) sentinel.tryComplete();
      else created.add(m);
    });
    events.completion()
      .compose(v -> store.send(alice, pro.id(), "first", "retry-1:a_b.c-d"))
      .compose(first -> {
        assertThat(first.containsKey("replayed")).isFalse();
        MessageView original = MessageView.fromJson(first.getJsonObject("message"));
        clock.advance(Duration.ofSeconds(5));
        return store.send(alice, pro.id(), "first", "retry-1:a_b.c-d")
          .map(verify(again -> {
            assertThat(again.getBoolean("replayed")).isTrue();
            assertThat(MessageView.fromJson(again.getJsonObject("message"))).isEqualTo(original);
          }))
          // the key wins over the retry's content and recipient
          .compose(v -> store.send(alice, pro2.id(), "something else", "retry-1:a_b.c-d"))
          .map(verify(other -> {
            assertThat(other.getBoolean("replayed")).isTrue();
            assertThat(MessageView.fromJson(other.getJsonObject("message"))).isEqualTo(original);
          }))
          // keys are per sender
          .compose(v -> store.send(bob, pro.id(), "bob's own", "retry-1:a_b.c-d"))
          .map(verify(bobs -> assertThat(bobs.containsKey("replayed")).isFalse()))
          // an edited message is answered as it is now
          .compose(v -> store.request(new MessageRequest.Update(alice, original.id(), "first, edited")))
          .compose(v -> store.send(alice, pro.id(), "first", "retry-1:a_b.c-d"))
          .map(verify(edited -> assertThat(edited.getJsonObject("message").getString("content")).isEqualTo("first, edited")))
          .compose(v -> store.count("SELECT COUNT(*) FROM message WHERE client_id = #{k}", Map.of("k", "retry-1:a_b.c-d")))
          .map(verify(n -> assertThat(n).as("one message per sender").isEqualTo(2)))
          .compose(v -> store.send(SETTINGS_ADMIN, pro, "sentinel"))
          .compose(v -> sentinel.future())
          .map(v -> assertThat(created).extracting(MessageView::content).containsExactly("first", "bob's own"));
      })
      .eventually(events::unregister)
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aClientIdIsOneTo64LettersDigitsOrDotUnderscoreColonDash(VertxTestContext test) {
    noRateLimits();
    String longest = "Az09._:-".repeat(8);
    Future<?> chain = store.send(alice, pro.id(), "kept", longest)
      .map(verify(reply -> assertThat(reply.containsKey("replayed")).isFalse()));
    for (String bad : List.of("", "with space", "é", "a/b", "semi;colon", longest + "x", "tab\t")) {
      chain = chain.compose(v -> refusal(store.send(alice, pro.id(), "refused", bad), 400, MessageReasons.BAD_CLIENT_ID));
    }
    JsonObject numeric = new MessageRequest.Send(alice, pro.id(), "refused").toJson().put("clientId", 42);
    chain.compose(v -> refusal(store.vertx.eventBus().request(Addresses.MESSAGES_SEND, numeric), 400, MessageReasons.BAD_REQUEST))
      .compose(v -> store.count("SELECT COUNT(*) FROM message", Map.of()))
      .map(verify(n -> assertThat(n).isEqualTo(1)))
      .onComplete(test.succeedingThenComplete());
  }

  /**
   * Retries racing on two store instances: a member's sends are serialized by his row lock; the settings-file
   * administrator has no row, so the unique index decides between his.
   */
  @Test
  void concurrentSendsWithOneClientIdOnTwoStoresStoreOneMessage(Vertx vertx, VertxTestContext test) {
    noRateLimits();
    Vertx otherNode = Vertx.vertx();
    int attempts = 12;
    Future<List<List<JsonObject>>> raced = StoreFixture.start(otherNode, store.config.get(), clock).compose(other -> {
      List<Future<JsonObject>> member = new ArrayList<>();
      List<Future<JsonObject>> admin = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        StoreFixture edge = i % 2 == 0 ? store : other;
        member.add(edge.send(alice, pro.id(), "retry " + i, "raced-key"));
        admin.add(edge.send(SETTINGS_ADMIN, alice.id(), "announcement " + i, "raced-key"));
      }
      Future<List<JsonObject>> members = Future.all(member).map(all -> all.list());
      Future<List<JsonObject>> admins = Future.all(admin).map(all -> all.list());
      return Future.all(members, admins).map(all -> List.of(members.result(), admins.result())).eventually(other::close);
    });
    thenClose(vertx, otherNode, raced)
      .map(verify(groups -> assertThat(groups).allSatisfy(replies -> {
        assertThat(replies.stream().map(r -> r.getJsonObject("message").getLong("id")).distinct()).hasSize(1);
        assertThat(replies.stream().filter(r -> !r.getBoolean("replayed", false))).as("stored once").hasSize(1);
      })))
      .compose(v -> store.count("SELECT COUNT(*) FROM message WHERE client_id = #{k} AND sender_id = #{s}",
        Map.of("k", "raced-key", "s", alice.id())))
      .map(verify(n -> assertThat(n).isEqualTo(1)))
      .compose(v -> store.count("SELECT COUNT(*) FROM message WHERE client_id = #{k} AND sender_id = 0", Map.of("k", "raced-key")))
      .map(verify(n -> assertThat(n).isEqualTo(1)))
      .onComplete(test.succeedingThenComplete());
  }

  // ---- blocks and bans ----

  @Test
  void aProfessionalsBlockCoversMessagesToHimAndLiftsItself(VertxTestContext test) {
    long until = clock.millis() + DAY.toMillis();
    block(pro, alice, null)
      .map(verify(b -> assertThat(b).isEqualTo(new BlockInfo(alice.id(), pro.id(), pro.id(), until))))
      .compose(v -> refusal(store.send(alice, pro, "let me in"), 403, MessageReasons.BLOCKED))
      .map(verify(f -> {
        assertThat(f.details().getLong("until")).isEqualTo(until);
        assertThat(f.details().getString("untilText")).isEqualTo(Instant.ofEpochMilli(until).toString());
        assertThat(f.details().getString("scope")).isEqualTo("recipient");
        assertThat(f.details().getLong("setBy")).isEqualTo(pro.id());
        assertThat(f.text()).contains(Instant.ofEpochMilli(until).toString());
      }))
      .compose(v -> store.send(alice, pro2, "other professionals still hear me"))
      .compose(v -> store.send(pro, alice, "he can still write to her"))
      .compose(v -> {
        clock.advance(DAY.minusMillis(1));
        return refusal(store.send(alice, pro, "almost"), 403, MessageReasons.BLOCKED);
      })
      .compose(v -> {
        clock.advance(Duration.ofMillis(1));
        return store.send(alice, pro, "the block has lifted itself");
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void anAdministratorsBlockCoversEveryRecipientForTheLiveDuration(VertxTestContext test) {
    store.set("tchatator.block-duration-hours", 2);
    long until = clock.millis() + Duration.ofHours(2).toMillis();
    store.send(pro, alice, "before the block")
      .compose(before -> block(SETTINGS_ADMIN, pro, null)
        .map(verify(b -> assertThat(b).isEqualTo(new BlockInfo(pro.id(), BlockInfo.EVERYONE, 0, until))))
        .compose(v -> refusal(store.send(pro, alice, "hello"), 403, MessageReasons.BLOCKED))
        .map(verify(f -> assertThat(f.details().getString("scope")).isEqualTo("everyone")))
        .compose(v -> refusal(store.send(pro, bob, "hello"), 403, MessageReasons.BLOCKED))
        .compose(v -> refusal(store.request(new MessageRequest.Update(pro, before.id(), "rewritten while blocked")),
          403, MessageReasons.BLOCKED))
        .compose(v -> store.send(alice, pro, "others may still write to him"))
        .compose(v -> {
          clock.advance(Duration.ofHours(2));
          return store.send(pro, alice, "free again");
        }))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void blocksAreLiftedByTheirSetterOrAnAdministrator(VertxTestContext test) {
    block(pro, alice, null)
      .compose(v -> refusal(store.request(new MessageRequest.Unblock(pro2, alice.id(), null)), 404, MessageReasons.NOT_BLOCKED))
      .compose(v -> store.request(new MessageRequest.Unblock(pro, alice.id(), null)))
      .map(verify(reply -> assertThat(reply.getJsonArray("lifted")).hasSize(1)))
      .compose(v -> store.send(alice, pro, "unblocked by the professional"))
      .compose(v -> block(pro, alice, null))
      .compose(v -> block(SETTINGS_ADMIN, alice, null))
      .compose(v -> store.request(new MessageRequest.Unblock(moderator, alice.id(), null)))
      .map(verify(reply -> assertThat(reply.getJsonArray("lifted")).hasSize(2)))
      .compose(v -> store.send(alice, pro, "every block lifted by an administrator"))
      .compose(v -> block(SETTINGS_ADMIN, alice, pro.id()))
      .map(verify(b -> assertThat(b.forUserId()).isEqualTo(pro.id())))
      .compose(v -> refusal(store.send(alice, pro, "blocked for him only"), 403, MessageReasons.BLOCKED))
      .map(verify(f -> assertThat(f.details().getLong("setBy")).isEqualTo(0)))
      .compose(v -> store.send(alice, pro2, "not for the other one"))
      .compose(v -> refusal(store.request(new MessageRequest.Unblock(pro, alice.id(), null)), 403, MessageReasons.NOT_SETTER))
      .compose(v -> store.request(new MessageRequest.Unblock(SETTINGS_ADMIN, alice.id(), pro.id())))
      .compose(v -> store.send(alice, pro, "lifted"))
      .compose(v -> refusal(store.request(new MessageRequest.Unblock(SETTINGS_ADMIN, alice.id(), null)), 404,
        MessageReasons.NOT_BLOCKED))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void onlyTheRightRolesBlockAndBan(VertxTestContext test) {
    refusal(store.request(new MessageRequest.Block(alice, bob.id(), null)), 403, MessageReasons.NOT_PERMITTED)
      .compose(v -> refusal(store.request(new MessageRequest.Unblock(alice, bob.id(), null)), 403, MessageReasons.NOT_PERMITTED))
      .compose(v -> refusal(store.request(new MessageRequest.Ban(pro, alice.id())), 403, MessageReasons.NOT_PERMITTED))
      .compose(v -> refusal(store.request(new MessageRequest.Unban(pro, alice.id())), 403, MessageReasons.NOT_PERMITTED))
      .compose(v -> refusal(store.request(new MessageRequest.Ban(alice, bob.id())), 403, MessageReasons.NOT_PERMITTED))
      .compose(v -> refusal(store.request(new MessageRequest.Block(pro, alice.id(), pro2.id())), 403, MessageReasons.NOT_PERMITTED))
      .compose(v -> refusal(store.request(new MessageRequest.Block(pro, pro2.id(), null)), 403, MessageReasons.TARGET_NOT_ALLOWED))
      .compose(v -> refusal(store.request(new MessageRequest.Block(pro, moderator.id(), null)), 403, MessageReasons.TARGET_NOT_ALLOWED))
      .compose(v -> refusal(store.request(new MessageRequest.Block(SETTINGS_ADMIN, moderator.id(), null)), 403,
        MessageReasons.TARGET_NOT_ALLOWED))
      .compose(v -> refusal(store.request(new MessageRequest.Block(moderator, moderator.id(), null)), 403,
        MessageReasons.TARGET_NOT_ALLOWED))
      .compose(v -> refusal(store.request(new MessageRequest.Block(moderator, alice.id(), alice.id())), 403,
        MessageReasons.TARGET_NOT_ALLOWED))
      .compose(v -> refusal(store.request(new MessageRequest.Ban(moderator, moderator.id())), 403, MessageReasons.TARGET_NOT_ALLOWED))
      .compose(v -> refusal(store.request(new MessageRequest.Block(pro, 987654, null)), 404, MessageReasons.UNKNOWN_USER))
      .compose(v -> refusal(store.request(new MessageRequest.Block(moderator, alice.id(), 987654L)), 404, MessageReasons.UNKNOWN_USER))
      .compose(v -> refusal(store.request(new MessageRequest.Ban(moderator, 987654)), 404, MessageReasons.UNKNOWN_USER))
      .compose(v -> store.count("SELECT (SELECT COUNT(*) FROM blocked_user) + (SELECT COUNT(*) FROM banned_user)", Map.of()))
      .map(verify(n -> assertThat(n).as("nothing was set").isZero()))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aBanHasNoEndUntilAnAdministratorLiftsIt(VertxTestContext test) {
    long bannedAt = clock.millis();
    store.send(alice, pro, "before the ban")
      .compose(before -> store.request(new MessageRequest.Ban(moderator, alice.id()))
        .map(BanInfo::fromJson)
        .map(verify(ban -> assertThat(ban).isEqualTo(new BanInfo(alice.id(), moderator.id(), bannedAt))))
        .compose(v -> refusal(store.send(alice, pro, "hello?"), 403, MessageReasons.BANNED))
        .map(verify(f -> {
          assertThat(f.details().getLong("bannedAt")).isEqualTo(bannedAt);
          assertThat(f.details().getString("bannedAtText")).isEqualTo(Instant.ofEpochMilli(bannedAt).toString());
        }))
        .compose(v -> {
          clock.advance(Duration.ofDays(400));
          return refusal(store.send(alice, pro2, "a year later"), 403, MessageReasons.BANNED);
        })
        .compose(v -> refusal(store.request(new MessageRequest.Update(alice, before.id(), "rewritten")), 403,
          MessageReasons.BANNED))
        .compose(v -> store.request(new MessageRequest.Ban(SETTINGS_ADMIN, alice.id())).map(BanInfo::fromJson))
        .map(verify(again -> assertThat(again.bannedAt()).as("banning again keeps the ban").isEqualTo(bannedAt)))
        .compose(v -> store.request(new MessageRequest.Delete(alice, before.id())))
        .compose(v -> store.request(new MessageRequest.Unban(SETTINGS_ADMIN, alice.id()))))
      .compose(v -> store.send(alice, pro, "back"))
      .compose(v -> refusal(store.request(new MessageRequest.Unban(moderator, alice.id())), 404, MessageReasons.NOT_BANNED))
      .onComplete(test.succeedingThenComplete());
  }

  // ---- events ----

  @Test
  void createdUpdatedAndDeletedArePublishedAfterTheCommit(Vertx vertx, VertxTestContext test) {
    Checkpoint created = test.checkpoint();
    Checkpoint updated = test.checkpoint();
    Checkpoint deleted = test.checkpoint();
    Checkpoint done = test.checkpoint();
    AtomicLong id = new AtomicLong();
    List<MessageConsumer<JsonObject>> consumers = List.of(
      vertx.eventBus().<JsonObject>consumer(Addresses.MESSAGES_CREATED, msg -> test.verify(() -> {
        MessageView m = MessageView.fromJson(msg.body());
        assertThat(m.recipientId()).isEqualTo(pro.id());
        assertThat(m.senderId()).isEqualTo(alice.id());
        assertThat(m.direction()).isEqualTo(MessageView.RECEIVED);
        assertThat(m.content()).isEqualTo("hello");
        id.set(m.id());
        created.flag();
      })),
      vertx.eventBus().<JsonObject>consumer(Addresses.MESSAGES_UPDATED, msg -> test.verify(() -> {
        MessageView m = MessageView.fromJson(msg.body());
        assertThat(m.id()).isEqualTo(id.get());
        assertThat(m.content()).isEqualTo("hello again");
        assertThat(m.modifiedText()).isEqualTo("modifié il y a quelques secondes");
        updated.flag();
      })),
      vertx.eventBus().<JsonObject>consumer(Addresses.MESSAGES_DELETED, msg -> test.verify(() -> {
        assertThat(MessageDeleted.fromJson(msg.body())).isEqualTo(new MessageDeleted(id.get(), alice.id(), pro.id(), clock.millis()));
        deleted.flag();
      })));
    Future.all(consumers.stream().map(MessageConsumer::completion).toList())
      .compose(v -> store.send(alice, pro, "hello"))
      .compose(m -> store.request(new MessageRequest.Update(alice, m.id(), "hello again"))
        .compose(v -> store.request(new MessageRequest.Delete(alice, m.id()))))
      .onComplete(test.succeeding(v -> done.flag()));
  }

  // ---- durability ----

  @Test
  void anAcknowledgedMessageSurvivesARestart(Vertx vertx, VertxTestContext test) {
    ChatrelayConfig cfg = durableConfig(tempDir);
    Vertx first = Vertx.vertx();
    Vertx second = Vertx.vertx();
    Future<MessageView> acknowledged = StoreFixture.start(first, cfg, clock)
      .compose(s -> s.account("durable-member", Role.MEMBER)
        .compose(member -> s.account("durable-pro", Role.PROFESSIONAL)
          .compose(professional -> s.send(member, professional, "still there after a restart")))
        .eventually(s::close));
    thenClose(vertx, first, acknowledged)
      .compose(sent -> {
        AccountInfo recipient = new AccountInfo(sent.recipientId(), "durable-pro", Role.PROFESSIONAL);
        Future<MessagePage> afterRestart = StoreFixture.start(second, cfg, clock)
          .compose(s -> s.request(new MessageRequest.Unread(recipient)).map(MessagePage::fromJson).eventually(s::dropAndClose));
        return thenClose(vertx, second, afterRestart)
          .map(verify(page -> assertThat(page.messages()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(sent.id());
            assertThat(m.content()).isEqualTo("still there after a restart");
          })));
      })
      .eventually(second::close)   // when the first half failed
      .onComplete(test.succeedingThenComplete());
  }

  // ---- helpers ----

  private void noRateLimits() {
    store.set("tchatator.max-messages-per-minute", 0);
    store.set("tchatator.max-messages-per-hour", 0);
  }

  private Future<BlockInfo> block(AccountInfo actor, AccountInfo target, Long forUserId) {
    return store.request(new MessageRequest.Block(actor, target.id(), forUserId)).map(BlockInfo::fromJson);
  }

  private Future<MessagePage> unread(AccountInfo actor) {
    return store.request(new MessageRequest.Unread(actor)).map(MessagePage::fromJson);
  }

  private Future<MessagePage> history(AccountInfo actor, Long beforeId, Integer limit) {
    return store.request(new MessageRequest.History(actor, beforeId, limit)).map(MessagePage::fromJson);
  }

  private Future<Integer> markRead(AccountInfo actor, List<Long> ids) {
    return store.request(new MessageRequest.MarkRead(actor, ids)).map(reply -> reply.getInteger("marked"));
  }

  private static Long last(MessagePage page) {
    return page.messages().get(page.messages().size() - 1).id();
  }

  private static List<String> contents(MessagePage page) {
    return page.messages().stream().map(MessageView::content).toList();
  }

  /** Fails unless {@code f} was refused with this code and reason; the failure. */
  private static Future<BusFailure> refusal(Future<?> f, int code, String reason) {
    return failure(f).map(verify(failure -> {
      assertThat(failure.reason()).as(failure.toString()).isEqualTo(reason);
      assertThat(failure.code()).as(failure.toString()).isEqualTo(code);
      assertThat(failure.text()).isNotBlank();
    }));
  }
}
