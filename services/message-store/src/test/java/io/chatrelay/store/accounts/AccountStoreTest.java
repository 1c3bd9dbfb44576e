package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.testing.MutableClock;
import io.chatrelay.store.db.Database;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static io.chatrelay.store.accounts.Failures.expectFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link AccountStore} on each database: every test runs on embedded H2 and on PostgreSQL. */
@ExtendWith(VertxExtension.class)
class AccountStoreTest {
  private static final String PASSWORD = "correct horse battery";

  private final MutableClock clock = new MutableClock();
  private TestDatabases databases;

  private record Fixture(Database db, AccountStore store, LiveConfig settings) {
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    databases = new TestDatabases(vertx);
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    databases.closeAll().onComplete(ctx.succeedingThenComplete());
  }

  private Future<Fixture> open(Vertx vertx, Backend backend) {
    LiveConfig settings = new LiveConfig(databases.config(backend));
    return databases.open(settings.get()).map(db -> new Fixture(db, new AccountStore(vertx, db, settings, clock), settings));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void createsListsAndGetsAccounts(Backend backend, Vertx vertx, VertxTestContext ctx) {
    Instant first = clock.instant();
    open(vertx, backend).compose(f -> f.store.create("alice", Role.MEMBER, PASSWORD)
      .compose(alice -> {
        clock.advance(Duration.ofMinutes(3));
        return f.store.create("Bob.Pro-2_x", Role.PROFESSIONAL, null).map(bob -> List.of(alice, bob));
      })
      .compose(issued -> {
        AccountInfo alice = issued.get(0).account();
        AccountInfo bob = issued.get(1).account();
        assertThat(alice).isEqualTo(new AccountInfo(alice.id(), "alice", Role.MEMBER));
        assertThat(bob).isEqualTo(new AccountInfo(bob.id(), "Bob.Pro-2_x", Role.PROFESSIONAL));
        assertThat(bob.id()).isGreaterThan(alice.id());
        assertThat(issued).allSatisfy(k -> assertThat(k.apiKey()).matches("[0-9a-f]{64}"));
        assertThat(issued.get(0).apiKey()).isNotEqualTo(issued.get(1).apiKey());
        return f.store.list()
          .map(list -> {
            assertThat(list).containsExactly(
              new Account(alice.id(), "alice", Role.MEMBER, first),
              new Account(bob.id(), "Bob.Pro-2_x", Role.PROFESSIONAL, first.plus(Duration.ofMinutes(3))));
            return list;
          })
          .compose(list -> f.store.get(bob.id()))
          .map(got -> assertThat(got).isEqualTo(bob))
          .compose(v -> expectFailure(f.store.get(bob.id() + 1000), BusFailure.NOT_FOUND, "unknown-account"));
      }))
      .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void namesAreUniqueRegardlessOfCase(Backend backend, Vertx vertx, VertxTestContext ctx) {
    open(vertx, backend).compose(f -> f.store.create("carol", Role.MEMBER, null)
      .compose(v -> expectFailure(f.store.create("carol", Role.ADMIN, PASSWORD), BusFailure.CONFLICT, "name-taken"))
      .compose(v -> expectFailure(f.store.create("CaRoL", Role.MEMBER, null), BusFailure.CONFLICT, "name-taken"))
      .compose(v -> f.store.list())
      .map(list -> assertThat(list).extracting(Account::name).containsExactly("carol")))
      .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void ofConcurrentCreatesOfOneNameExactlyOneWins(Backend backend, Vertx vertx, VertxTestContext ctx) {
    int contenders = 6;
    open(vertx, backend).compose(f -> {
        // without passwords, so that every insert reaches the database at once, each on its own connection
        List<Future<IssuedKey>> attempts = IntStream.range(0, contenders)
          .mapToObj(i -> f.store.create(i % 2 == 0 ? "dave" : "Dave", Role.MEMBER, null))
          .toList();
        return Future.join(attempts).transform(all -> {
          List<IssuedKey> winners = attempts.stream().filter(Future::succeeded).map(Future::result).toList();
          assertThat(winners).hasSize(1);
          assertThat(attempts.stream().filter(Future::failed).map(a -> BusFailure.from(a.cause()).reason()))
            .as("failures %s", attempts.stream().filter(Future::failed).map(a -> a.cause().toString()).toList())
            .hasSize(contenders - 1)
            .containsOnly("name-taken");
          return f.store.list().map(list -> assertThat(list).extracting(Account::info)
            .containsExactly(winners.get(0).account()));
        });
      })
      .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void refusesBadNamesAndPasswordsAndStoresNothing(Backend backend, Vertx vertx, VertxTestContext ctx) {
    open(vertx, backend).compose(f ->
        expectFailure(f.store.create("12345", Role.MEMBER, null), BusFailure.BAD_REQUEST, "bad-name")
          .compose(v -> expectFailure(f.store.create("with space", Role.MEMBER, null), BusFailure.BAD_REQUEST, "bad-name"))
          .compose(v -> expectFailure(f.store.create(null, Role.MEMBER, null), BusFailure.BAD_REQUEST, "bad-name"))
          .compose(v -> expectFailure(f.store.create("erin", Role.MEMBER, "short"), BusFailure.BAD_REQUEST, "bad-password"))
          .compose(v -> expectFailure(f.store.create("erin", Role.MEMBER, ""), BusFailure.BAD_REQUEST, "bad-password"))
          .compose(v -> f.store.list())
          .map(list -> {
            assertThat(list).isEmpty();
            return list;
          }))
      .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void authenticatesByPasswordWithNameOrIdAndRefusesEverythingElseAlike(Backend backend, Vertx vertx,
                                                                       VertxTestContext ctx) {
    open(vertx, backend).compose(f -> f.store.create("Frank", Role.PROFESSIONAL, PASSWORD)
      .compose(frank -> f.store.create("grace", Role.MEMBER, null).map(grace -> List.of(frank.account(), grace.account())))
      .compose(accounts -> {
        AccountInfo frank = accounts.get(0);
        AccountInfo grace = accounts.get(1);
        List<Future<?>> checks = new ArrayList<>();
        checks.add(f.store.authenticatePassword("Frank", PASSWORD).map(a -> assertThat(a).isEqualTo(frank)));
        checks.add(f.store.authenticatePassword("frank", PASSWORD).map(a -> assertThat(a).isEqualTo(frank)));
        checks.add(f.store.authenticatePassword(Long.toString(frank.id()), PASSWORD).map(a -> assertThat(a).isEqualTo(frank)));
        List<Future<BusFailure>> refusals = List.of(
          f.store.authenticatePassword("Frank", PASSWORD + "!"),
          f.store.authenticatePassword("Frank", PASSWORD.toUpperCase()),
          f.store.authenticatePassword("nobody", PASSWORD),
          f.store.authenticatePassword(Long.toString(frank.id() + 1000), PASSWORD),
          f.store.authenticatePassword("not a name!", PASSWORD),
          f.store.authenticatePassword("grace", PASSWORD),                  // no password: key only
          f.store.authenticatePassword(Long.toString(grace.id()), ""),
          f.store.authenticatePassword("Frank", PASSWORD.repeat(20)))
          .stream().map(r -> expectFailure(r, BusFailure.UNAUTHENTICATED, "bad-credentials")).toList();
        checks.addAll(refusals);
        return Future.all(checks).map(v -> {
          // the same answer whatever was wrong: nothing tells which accounts exist
          assertThat(refusals.stream().map(Future::result).distinct()).hasSize(1);
          return v;
        });
      }))
      .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void authenticatesByApiKeyUntilTheKeyIsRotated(Backend backend, Vertx vertx, VertxTestContext ctx) {
    open(vertx, backend).compose(f -> f.store.create("heidi", Role.MEMBER, null)
      .compose(issued -> f.store.authenticateKey(issued.apiKey())
        .map(a -> assertThat(a).isEqualTo(issued.account()))
        .compose(v -> f.store.authenticateKey(issued.apiKey().toUpperCase()))
        .map(a -> assertThat(a).isEqualTo(issued.account()))
        .compose(v -> expectFailure(f.store.authenticateKey(ApiKeys.generate()), BusFailure.UNAUTHENTICATED, "bad-credentials"))
        .compose(v -> expectFailure(f.store.authenticateKey("not-a-key"), BusFailure.UNAUTHENTICATED, "bad-credentials"))
        .compose(v -> expectFailure(f.store.authenticateKey(null), BusFailure.UNAUTHENTICATED, "bad-credentials"))
        .compose(v -> f.store.rotateKey("HEIDI"))
        .compose(rotated -> {
          assertThat(rotated.account()).isEqualTo(issued.account());
          assertThat(rotated.apiKey()).matches("[0-9a-f]{64}").isNotEqualTo(issued.apiKey());
          return expectFailure(f.store.authenticateKey(issued.apiKey()), BusFailure.UNAUTHENTICATED, "bad-credentials")
            .compose(v -> f.store.authenticateKey(rotated.apiKey()))
            .map(a -> assertThat(a).isEqualTo(issued.account()));
        })
        .compose(v -> expectFailure(f.store.rotateKey("nobody"), BusFailure.NOT_FOUND, "unknown-account"))
        .compose(v -> expectFailure(f.store.rotateKey("12"), BusFailure.NOT_FOUND, "unknown-account"))))
      .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void storesNeitherThePasswordNorTheKey(Backend backend, Vertx vertx, VertxTestContext ctx) {
    open(vertx, backend).compose(f -> f.store.create("ivan", Role.ADMIN, PASSWORD)
      .compose(issued -> f.store.rotateKey("ivan").compose(rotated -> f.db.pool().query("SELECT * FROM account").execute()
        .map(rows -> {
          assertThat(rows.size()).isEqualTo(1);
          Row row = rows.iterator().next();
          JsonObject stored = row.toJson();
          assertThat(stored.encode()).doesNotContain(PASSWORD, issued.apiKey(), rotated.apiKey());
          assertThat(row.getString("api_key_hash")).isEqualTo(ApiKeys.digest(rotated.apiKey()));
          assertThat(row.getString("password_hash")).matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}");
          return rows;
        }))))
      .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aLoginRehashesAPasswordToTheConfiguredIterations(Backend backend, Vertx vertx, VertxTestContext ctx) {
    open(vertx, backend).compose(f -> f.store.create("judy", Role.MEMBER, PASSWORD)
      .compose(issued -> {
        f.settings.update(f.settings.get().with("accounts.password-iterations", 1500));
        return f.store.authenticatePassword("judy", PASSWORD);
      })
      .compose(v -> storedPasswordHash(f.db))
      .map(hash -> assertThat(PasswordHasher.iterations(hash)).isEqualTo(1500))
      .compose(v -> f.store.authenticatePassword("judy", PASSWORD))
      .map(a -> assertThat(a.name()).isEqualTo("judy"))
      .compose(v -> expectFailure(f.store.authenticatePassword("judy", "wrong password"), BusFailure.UNAUTHENTICATED,
        "bad-credentials")))
      .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<String> storedPasswordHash(Database db) {
    return db.pool().query("SELECT password_hash FROM account").execute()
      .map(rows -> rows.iterator().next().getString("password_hash"));
  }
}
