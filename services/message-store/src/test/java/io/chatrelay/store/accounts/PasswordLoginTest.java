package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountReasons;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.ops.NodeOps;
import io.chatrelay.shared.testing.MutableClock;
import io.chatrelay.store.db.Database;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static io.chatrelay.store.accounts.Failures.expectFailure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a password login costs (issue 7, item 1): remembered logins cost no hash and end with the account's key,
 * ban or password; failed logins are throttled per address and per account without a hash; the hashing queue is
 * bounded and drops the checks nobody waits for any more. Hashes are counted by the store's meters.
 */
@ExtendWith(VertxExtension.class)
class PasswordLoginTest {
  private static final String PASSWORD = "correct horse battery";
  /** Slow enough (hundreds of ms) that queued checks really wait behind a running one. */
  private static final int SLOW_ITERATIONS = 400_000;

  private final MutableClock clock = new MutableClock();
  private final List<AccountStore> stores = new ArrayList<>();
  private TestDatabases databases;
  private Vertx vertx;

  private record Fixture(Database db, AccountStore store, LiveConfig settings) {
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    databases = new TestDatabases(vertx);
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    Future.join(stores.stream().map(AccountStore::close).toList())
      .compose(v -> databases.closeAll())
      .onComplete(ctx.succeedingThenComplete());
  }

  private Future<Fixture> open(Backend backend, UnaryOperator<ChatrelayConfig> settings) {
    LiveConfig live = new LiveConfig(settings.apply(databases.config(backend)));
    return databases.open(live.get()).map(db -> {
      AccountStore store = new AccountStore(vertx, db, live, clock);
      stores.add(store);
      return new Fixture(db, store, live);
    });
  }

  private double hashes(String outcome) {
    Counter c = NodeOps.of(vertx).meters().registry().find(HashingQueue.HASHES).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  private static Future<Void> sql(Database db, String statement, Map<String, Object> params) {
    return SqlTemplate.forUpdate(db.pool(), statement).execute(params).mapEmpty();
  }

  // ---- (a) remembered logins ----

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRememberedLoginCostsNoHashUntilItExpires(Backend backend, VertxTestContext ctx) {
    open(backend, cfg -> cfg.with("accounts.verified-cache-seconds", 600)).compose(f -> f.store.create("alice", Role.MEMBER, PASSWORD)
      .compose(alice -> {
        double afterCreate = hashes("computed");
        return f.store.authenticatePassword("alice", PASSWORD)
          .map(a -> assertThat(hashes("computed")).isEqualTo(afterCreate + 1))
          .compose(v -> f.store.authenticatePassword("ALICE", PASSWORD))     // the same login, any case
          .compose(v -> f.store.authenticatePassword("alice", PASSWORD, "192.0.2.7", Long.MAX_VALUE))
          .map(a -> {
            assertThat(a).isEqualTo(alice.account());
            assertThat(hashes("computed")).as("remembered: no hash").isEqualTo(afterCreate + 1);
            return a;
          })
          // a wrong password is never "remembered"
          .compose(v -> expectFailure(f.store.authenticatePassword("alice", PASSWORD + "!"), 401, AccountReasons.BAD_CREDENTIALS))
          .map(v -> assertThat(hashes("computed")).isEqualTo(afterCreate + 2))
          .compose(v -> {
            clock.advance(Duration.ofSeconds(600));
            return f.store.authenticatePassword("alice", PASSWORD);
          })
          .map(a -> assertThat(hashes("computed")).as("expired: hashed again").isEqualTo(afterCreate + 3));
      }))
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void withTheCacheOffEveryLoginHashes(VertxTestContext ctx) {
    open(Backend.H2, cfg -> cfg.with("accounts.verified-cache-seconds", 0)).compose(f -> f.store.create("bob", Role.MEMBER, PASSWORD)
      .compose(bob -> {
        double afterCreate = hashes("computed");
        return f.store.authenticatePassword("bob", PASSWORD)
          .compose(v -> f.store.authenticatePassword("bob", PASSWORD))
          .map(v -> assertThat(hashes("computed")).isEqualTo(afterCreate + 2));
      }))
      .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void rotationBanAndPasswordChangeEndARememberedLogin(Backend backend, VertxTestContext ctx) {
    open(backend, UnaryOperator.identity()).compose(f -> f.store.create("carol", Role.MEMBER, PASSWORD)
      .compose(carol -> {
        long id = carol.account().id();
        double[] base = {0};
        return f.store.authenticatePassword("carol", PASSWORD)
          .compose(v -> {
            base[0] = hashes("computed");
            return f.store.rotateKey("carol");
          })
          .compose(v -> f.store.authenticatePassword("carol", PASSWORD))
          .map(v -> assertThat(hashes("computed")).as("after a key rotation").isEqualTo(base[0] + 1))
          .compose(v -> f.store.authenticatePassword("carol", PASSWORD))
          .map(v -> assertThat(hashes("computed")).as("remembered again").isEqualTo(base[0] + 1))
          // a key rotated by another process (the `accounts` command, another instance): the row tells
          .compose(v -> sql(f.db, "UPDATE account SET api_key_hash = #{digest} WHERE id = #{id}",
            Map.of("digest", ApiKeys.digest(ApiKeys.generate()), "id", id)))
          .compose(v -> f.store.authenticatePassword("carol", PASSWORD))
          .map(v -> assertThat(hashes("computed")).as("after an outside rotation").isEqualTo(base[0] + 2))
          // a password changed: the old one no longer logs in, remembered or not
          .compose(v -> sql(f.db, "UPDATE account SET password_hash = #{hash} WHERE id = #{id}",
            Map.of("hash", new PasswordHasher().hash("another passphrase", 1000), "id", id)))
          .compose(v -> expectFailure(f.store.authenticatePassword("carol", PASSWORD), 401, AccountReasons.BAD_CREDENTIALS))
          .compose(v -> f.store.authenticatePassword("carol", "another passphrase"))
          .compose(v -> f.store.authenticatePassword("carol", "another passphrase"))
          .map(v -> assertThat(hashes("computed")).isEqualTo(base[0] + 4))
          // a ban: refused at once, without a hash
          .compose(v -> sql(f.db, "INSERT INTO banned_user (user_id, set_by, banned_at) VALUES (#{id}, 0, #{at})",
            Map.of("id", id, "at", clock.millis())))
          .compose(v -> expectFailure(f.store.authenticatePassword("carol", "another passphrase"), 403, AccountReasons.BANNED))
          .map(banned -> {
            assertThat(banned.details().getLong("bannedAt")).isEqualTo(clock.millis());
            assertThat(banned.details().getString("bannedAtText")).isEqualTo(clock.instant().toString());
            assertThat(banned.details().getLong("setBy")).isZero();
            assertThat(hashes("computed")).as("a banned, remembered login costs no hash").isEqualTo(base[0] + 4);
            return banned;
          })
          // the event a ban publishes drops the entry: the right password is checked again, and still refused
          .compose(v -> {
            f.store.forgetVerified(id);
            return expectFailure(f.store.authenticatePassword("carol", "another passphrase"), 403, AccountReasons.BANNED);
          })
          .map(v -> assertThat(hashes("computed")).isEqualTo(base[0] + 5))
          // a banned account's wrong password is an ordinary failure: the ban is not told to a guesser
          .compose(v -> expectFailure(f.store.authenticatePassword("carol", "a wrong guess"), 401, AccountReasons.BAD_CREDENTIALS));
      }))
      .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aBannedAccountsKeyNoLongerAuthenticates(Backend backend, VertxTestContext ctx) {
    open(backend, UnaryOperator.identity()).compose(f -> f.store.create("dave", Role.PROFESSIONAL, null)
      .compose(dave -> f.store.authenticateKey(dave.apiKey())
        .compose(v -> sql(f.db, "INSERT INTO banned_user (user_id, set_by, banned_at) VALUES (#{id}, 7, #{at})",
          Map.of("id", dave.account().id(), "at", clock.millis())))
        .compose(v -> expectFailure(f.store.authenticateKey(dave.apiKey()), 403, AccountReasons.BANNED))
        .map(banned -> assertThat(banned.details().getLong("setBy")).isEqualTo(7))
        .compose(v -> expectFailure(f.store.authenticateKey(ApiKeys.generate()), 401, AccountReasons.BAD_CREDENTIALS))
        .compose(v -> sql(f.db, "DELETE FROM banned_user", Map.of()))
        .compose(v -> f.store.authenticateKey(dave.apiKey()))
        .map(a -> assertThat(a).isEqualTo(dave.account()))))
      .onComplete(ctx.succeedingThenComplete());
  }

  // ---- (b) throttling ----

  @ParameterizedTest
  @EnumSource(Backend.class)
  void failedLoginsFromOneAddressAreThrottledAtOnceWithoutAHash(Backend backend, VertxTestContext ctx) {
    open(backend, cfg -> cfg.with("accounts.login-throttle.failures-per-address", 3)
      .with("accounts.login-throttle.failures-per-account", 0)
      .with("accounts.login-throttle.window-seconds", 60))
      .compose(f -> f.store.create("erin", Role.MEMBER, PASSWORD).compose(erin -> {
        long firstFailure = clock.millis();
        Future<?> chain = Future.succeededFuture();
        for (int i = 0; i < 3; i++) {
          String guess = "guess number " + i;
          chain = chain.compose(v -> expectFailure(f.store.authenticatePassword("erin", guess, "198.51.100.9", Long.MAX_VALUE),
            401, AccountReasons.BAD_CREDENTIALS));
        }
        double[] before = {0};
        return chain
          .compose(v -> {
            before[0] = hashes("computed");
            clock.advance(Duration.ofSeconds(10));
            // even the right password: a throttled address gets no check at all
            return expectFailure(f.store.authenticatePassword("erin", PASSWORD, "198.51.100.9", Long.MAX_VALUE),
              429, AccountReasons.LOGIN_THROTTLED);
          })
          .map(refusal -> {
            assertThat(refusal.details().getString("scope")).isEqualTo("address");
            assertThat(refusal.details().getLong("retryAt")).isEqualTo(firstFailure + 60_000);
            assertThat(refusal.details().getString("retryAtText"))
              .isEqualTo(Instant.ofEpochMilli(firstFailure + 60_000).toString());
            assertThat(hashes("computed")).as("no hash for a throttled login").isEqualTo(before[0]);
            return refusal;
          })
          // another address is not concerned
          .compose(v -> f.store.authenticatePassword("erin", PASSWORD, "198.51.100.10", Long.MAX_VALUE))
          .compose(v -> {
            clock.set(Instant.ofEpochMilli(firstFailure + 60_000));
            return f.store.authenticatePassword("erin", PASSWORD, "198.51.100.9", Long.MAX_VALUE);
          })
          .map(a -> assertThat(a).isEqualTo(erin.account()));
      }))
      .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void failedLoginsToOneAccountAreThrottledButARememberedLoginStillWorks(Backend backend, VertxTestContext ctx) {
    open(backend, cfg -> cfg.with("accounts.login-throttle.failures-per-address", 0)
      .with("accounts.login-throttle.failures-per-account", 2))
      .compose(f -> f.store.create("frank", Role.MEMBER, PASSWORD).compose(frank ->
        // the honest bot logs in first; then a guesser from many addresses, by name and by id
        f.store.authenticatePassword("frank", PASSWORD, "203.0.113.1", Long.MAX_VALUE)
          .compose(v -> expectFailure(f.store.authenticatePassword("frank", "guess one", "203.0.113.2", Long.MAX_VALUE),
            401, AccountReasons.BAD_CREDENTIALS))
          .compose(v -> expectFailure(f.store.authenticatePassword("FRANK", "guess two", "203.0.113.3", Long.MAX_VALUE),
            401, AccountReasons.BAD_CREDENTIALS))
          .compose(v -> {
            double before = hashes("computed");
            return expectFailure(f.store.authenticatePassword("Frank", "guess three", "203.0.113.4", Long.MAX_VALUE),
              429, AccountReasons.LOGIN_THROTTLED)
              .map(refusal -> {
                assertThat(refusal.details().getString("scope")).isEqualTo("account");
                assertThat(hashes("computed")).isEqualTo(before);
                return refusal;
              })
              .compose(v2 -> f.store.authenticatePassword("frank", PASSWORD, "203.0.113.1", Long.MAX_VALUE))
              .map(a -> {
                assertThat(a).as("the remembered login is not throttled").isEqualTo(frank.account());
                assertThat(hashes("computed")).isEqualTo(before);
                return a;
              });
          })))
      .onComplete(ctx.succeedingThenComplete());
  }

  // ---- (c) the hashing queue ----

  /** Settings for queue tests: one hashing thread, slow hashes; no throttle (the attempts have no address). */
  private static UnaryOperator<ChatrelayConfig> slowQueue(int queueSize) {
    return cfg -> cfg.with("accounts.hash-threads", 1).with("accounts.hash-queue-size", queueSize)
      .with("accounts.password-iterations", SLOW_ITERATIONS);
  }

  @Test
  void aFullQueueRefusesAtOnce(VertxTestContext ctx) {
    // names that are no names are refused after a hash, with no database read: each attempt is queued at once
    open(Backend.H2, slowQueue(1)).compose(f -> {
      Future<?> running = f.store.authenticatePassword("not a name!", PASSWORD);
      Future<?> waiting = f.store.authenticatePassword("not a name?", PASSWORD);
      long started = System.nanoTime();
      Future<?> refused = f.store.authenticatePassword("not a name.", PASSWORD);
      assertThat(refused.isComplete()).as("refused at once").isTrue();
      assertThat(System.nanoTime() - started).isLessThan(Duration.ofMillis(50).toNanos());
      return expectFailure(refused, 503, AccountReasons.OVERLOADED)
        .compose(v -> expectFailure(running, 401, AccountReasons.BAD_CREDENTIALS))
        .compose(v -> expectFailure(waiting, 401, AccountReasons.BAD_CREDENTIALS))
        .map(v -> {
          assertThat(hashes("computed")).isEqualTo(2);
          assertThat(hashes("refused")).isEqualTo(1);
          return v;
        })
        // the queue has room again
        .compose(v -> expectFailure(f.store.authenticatePassword("not a name!", PASSWORD), 401, AccountReasons.BAD_CREDENTIALS));
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aCheckWhoseCallerGaveUpIsNotRun(VertxTestContext ctx) {
    open(Backend.H2, slowQueue(4)).compose(f -> {
      long now = clock.millis();
      Future<?> running = f.store.authenticatePassword("not a name!", PASSWORD, null, now + 60_000);
      Future<?> abandoned = f.store.authenticatePassword("not a name?", PASSWORD, null, now + 1_000);
      // while the first hash runs, the second caller's timeout passes
      clock.advance(Duration.ofSeconds(5));
      return expectFailure(running, 401, AccountReasons.BAD_CREDENTIALS)
        .compose(v -> expectFailure(abandoned, 503, AccountReasons.OVERLOADED))
        .map(v -> {
          assertThat(hashes("computed")).as("only the check someone waits for").isEqualTo(1);
          assertThat(hashes("expired")).isEqualTo(1);
          return v;
        });
    }).onComplete(ctx.succeedingThenComplete());
  }
}
