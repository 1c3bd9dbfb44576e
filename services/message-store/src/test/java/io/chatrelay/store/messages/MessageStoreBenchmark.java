package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.MessagePage;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.LoadRun;
import io.chatrelay.shared.testing.TestConfigs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Throughput and latency of the message store on the embedded H2 (a file, as in production) and on PostgreSQL.
 * Not part of the normal test run (its name does not end in Test); run it with
 * <pre>mvn -B -o -q -pl services/message-store -am verify -Dtest=MessageStoreBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * Figures are printed and appended to {@code services/message-store/target/message-store-benchmark.txt}.
 */
@ExtendWith(VertxExtension.class)
class MessageStoreBenchmark {
  private static final int SENDS = 4000;
  private static final int IN_FLIGHT = 32;
  private static final int SENDERS = 100;
  private static final int PROFESSIONALS = 10;
  private static final int BULK_MESSAGES = 100_000;
  private static final int REPEATS = 50;
  private static final Path REPORT = Path.of("target", "message-store-benchmark.txt");

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.MINUTES)
  void embeddedH2(Vertx vertx, VertxTestContext test) {
    run(vertx, "H2 (file)", TestConfigs.local().with("database.embedded-file", dir.resolve("bench").toString()))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.MINUTES)
  void postgres(Vertx vertx, VertxTestContext test) {
    run(vertx, "PostgreSQL", TestConfigs.postgres(TestConfigs.local())).onComplete(test.succeedingThenComplete());
  }

  private Future<Void> run(Vertx vertx, String name, ChatrelayConfig cfg) {
    ChatrelayConfig unlimited = cfg.with("tchatator.max-messages-per-minute", 1_000_000)
      .with("tchatator.max-messages-per-hour", 1_000_000);   // limits counted on every send, never reached
    return StoreFixture.start(vertx, unlimited, Clock.systemUTC()).compose(store -> accounts(store).compose(users -> {
      AccountInfo[] members = users.subList(0, SENDERS).toArray(AccountInfo[]::new);
      AccountInfo[] pros = users.subList(SENDERS, users.size()).toArray(AccountInfo[]::new);
      return timed(name + " send, " + SENDERS + " senders, " + IN_FLIGHT + " in flight", SENDS,
          i -> store.send(members[i % SENDERS], pros[i % PROFESSIONALS], "benchmark message " + i))
        .compose(v -> timed(name + " send, one sender, " + IN_FLIGHT + " in flight (its row lock serializes)", SENDS / 4,
          i -> store.send(members[0], pros[0], "one sender " + i)))
        .compose(v -> bulkLoad(store, members, pros))
        .compose(v -> queries(name, store, members, pros))
        .eventually(store::dropAndClose);
    }));
  }

  private static Future<List<AccountInfo>> accounts(StoreFixture store) {
    Future<List<AccountInfo>> all = Future.succeededFuture(new ArrayList<>());
    for (int i = 0; i < SENDERS + PROFESSIONALS; i++) {
      boolean member = i < SENDERS;
      String name = (member ? "member-" : "pro-") + i;
      all = all.compose(list -> store.account(name, member ? Role.MEMBER : Role.PROFESSIONAL).map(a -> {
        list.add(a);
        return list;
      }));
    }
    return all;
  }

  /** 100k unread messages, members to professionals, written straight into the table in batches. */
  private static Future<Void> bulkLoad(StoreFixture store, AccountInfo[] members, AccountInfo[] pros) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    String insert = "INSERT INTO message (sender_id, recipient_id, content, sent_at, deleted, read)"
      + " VALUES (#{s}, #{r}, #{c}, #{t}, FALSE, FALSE)";
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < BULK_MESSAGES; from += 1000) {
      int first = from;
      chain = chain.compose(v -> {
        List<Map<String, Object>> batch = new ArrayList<>(1000);
        for (int i = first; i < first + 1000; i++) {
          Map<String, Object> row = new HashMap<>();
          row.put("s", members[i % SENDERS].id());
          row.put("r", pros[i % PROFESSIONALS].id());
          row.put("c", "bulk message number " + i + " about the room for two on Saturday");
          row.put("t", now - (BULK_MESSAGES - i) * 1000L);
          batch.add(row);
        }
        return SqlTemplate.forUpdate(store.sql.pool(), insert).executeBatch(batch).mapEmpty();
      });
    }
    return chain.onSuccess(v -> report(String.format("  bulk load of %,d messages: %,d ms", BULK_MESSAGES,
      (System.nanoTime() - start) / 1_000_000)));
  }

  private static Future<Void> queries(String name, StoreFixture store, AccountInfo[] members, AccountInfo[] pros) {
    AccountInfo member = members[1];
    AccountInfo busyPro = pros[2];
    report(String.format("%s queries with %,d+ messages in the table:", name, BULK_MESSAGES));
    return once("  unread of a professional with ~10k unread (delivers and marks read)",
        () -> store.request(new MessageRequest.Unread(busyPro)).map(MessagePage::fromJson))
      .compose(v -> repeated("  unread with nothing unread", () -> store.request(new MessageRequest.Unread(busyPro))))
      .compose(v -> repeated("  history, newest block of a member (~1k sent)",
        () -> store.request(new MessageRequest.History(member, null, null))))
      .compose(v -> repeated("  history, newest block of the professional (~10k read)",
        () -> store.request(new MessageRequest.History(busyPro, null, null))))
      .compose(v -> store.request(new MessageRequest.History(member, null, null)).map(MessagePage::fromJson))
      .compose(first -> walk(store, member, first));
  }

  /** Walks a member's whole history block by block and reports the time per block. */
  private static Future<Void> walk(StoreFixture store, AccountInfo member, MessagePage first) {
    long start = System.nanoTime();
    AtomicInteger blocks = new AtomicInteger(1);
    Promise<Void> done = Promise.promise();
    new Object() {
      void next(MessagePage page) {
        if (!page.hasOlder()) {
          long micros = (System.nanoTime() - start) / 1000;
          report(String.format("  history, whole history of a member: %d blocks, %,d us per block", blocks.get(),
            micros / blocks.get()));
          done.complete();
          return;
        }
        long before = page.messages().get(page.messages().size() - 1).id();
        store.request(new MessageRequest.History(member, before, null)).map(MessagePage::fromJson)
          .onSuccess(p -> {
            blocks.incrementAndGet();
            next(p);
          })
          .onFailure(done::fail);
      }
    }.next(first);
    return done.future();
  }

  private static Future<Void> once(String label, Supplier<Future<MessagePage>> query) {
    long start = System.nanoTime();
    return query.get().map(page -> {
      report(String.format("%s: %,d messages in %,d ms", label, page.messages().size(),
        (System.nanoTime() - start) / 1_000_000));
      return null;
    });
  }

  private static Future<Void> repeated(String label, Supplier<Future<?>> query) {
    return LoadRun.run(REPEATS, 1, i -> query.get()).map(r -> {
      report(String.format("%s: p50 %,.0f us, p99 %,.0f us (%d runs)", label, r.micros(0.50), r.micros(0.99), REPEATS));
      return null;
    });
  }

  private static Future<Void> timed(String label, int total, IntFunction<Future<?>> request) {
    return LoadRun.run(total, IN_FLIGHT, request).map(r -> {
      report(r.line(label + " (sends)"));
      return null;
    });
  }

  private static void report(String line) {
    System.out.println(line);
    try {
      Files.writeString(REPORT, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
