package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.LoadRun;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Figures for docs and reports, not a pass/fail test (excluded from the normal run by the surefire configuration).
 * Run from the repository root:
 * <pre>
 * mvn -B -o -q -pl services/message-store -am verify -Dtest=AccountsBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * and read {@code services/message-store/target/surefire-reports/io.chatrelay.store.accounts.AccountsBenchmark-output.txt}.
 * Sizes can be changed with {@code -Dbench.accounts=}, {@code -Dbench.lookups=}, {@code -Dbench.inflight=}.
 */
@ExtendWith(VertxExtension.class)
class AccountsBenchmark {
  private static final int ACCOUNTS = Integer.getInteger("bench.accounts", 1000);
  private static final int LOOKUPS = Integer.getInteger("bench.lookups", 20000);
  private static final int IN_FLIGHT = Integer.getInteger("bench.inflight", 64);
  private static final int DEFAULT_ITERATIONS = ChatrelayConfig.defaults().getInt("accounts.password-iterations");

  private TestDatabases databases;

  @BeforeEach
  void setUp(Vertx vertx) {
    databases = new TestDatabases(vertx);
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    databases.closeAll().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 5, timeUnit = TimeUnit.MINUTES)
  void pbkdf2AtTheDefaultIterationCount(Vertx vertx, VertxTestContext ctx) {
    PasswordHasher hasher = new PasswordHasher();
    vertx.executeBlocking(() -> {
      hasher.hash("warm up the JIT", DEFAULT_ITERATIONS);
      int rounds = 5;
      long start = System.nanoTime();
      for (int i = 0; i < rounds; i++) hasher.hash("benchmark password " + i, DEFAULT_ITERATIONS);
      double msPerHash = (System.nanoTime() - start) / 1e6 / rounds;
      System.out.printf("PBKDF2-HMAC-SHA256, %d iterations: %.1f ms per hash on one thread (%d cores: at most %.1f password"
          + " logins/s)%n", DEFAULT_ITERATIONS, msPerHash, Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().availableProcessors() * 1000 / msPerHash);
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 5, timeUnit = TimeUnit.MINUTES)
  void passwordLoginsAtTheDefaultIterationCount(Vertx vertx, VertxTestContext ctx) {
    // the verified-login cache off: every login is a hash
    ChatrelayConfig cfg = databases.config(Backend.H2).with("accounts.password-iterations", DEFAULT_ITERATIONS)
      .with("accounts.verified-cache-seconds", 0);
    int logins = 16;
    databases.open(cfg).compose(db -> {
      AccountStore store = new AccountStore(vertx, db, cfg, Clock.systemUTC());
      return store.create("bench", Role.MEMBER, "benchmark password")
        .compose(created -> LoadRun.run(logins, logins, i -> store.authenticatePassword("bench", "benchmark password")))
        .onSuccess(stats -> System.out.printf("H2: authenticatePassword, %d iterations, %d at once, %d hashing threads: %s%n",
          DEFAULT_ITERATIONS, logins, AccountStore.hashThreads(cfg), stats.line("authenticatePassword")))
        .eventually(store::close);
    }).onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  @Timeout(value = 5, timeUnit = TimeUnit.MINUTES)
  void rememberedPasswordLogins(Backend backend, Vertx vertx, VertxTestContext ctx) {
    ChatrelayConfig cfg = databases.config(backend).with("accounts.password-iterations", DEFAULT_ITERATIONS);
    databases.open(cfg).compose(db -> {
      AccountStore store = new AccountStore(vertx, db, cfg, Clock.systemUTC());
      return store.create("bench", Role.MEMBER, "benchmark password")
        .compose(created -> store.authenticatePassword("bench", "benchmark password"))   // the one hash
        .compose(first -> LoadRun.run(LOOKUPS, IN_FLIGHT, i -> store.authenticatePassword("bench", "benchmark password")))
        .onSuccess(stats -> System.out.printf("%s: remembered authenticatePassword, %d in flight: %s%n", backend,
          IN_FLIGHT, stats.line("authenticatePassword (remembered)")))
        .eventually(store::close);
    }).onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  @Timeout(value = 5, timeUnit = TimeUnit.MINUTES)
  void authenticateKeyThroughput(Backend backend, Vertx vertx, VertxTestContext ctx) {
    ChatrelayConfig cfg = databases.config(backend);
    List<String> keys = new ArrayList<>();
    databases.open(cfg).compose(db -> {
      AccountStore store = new AccountStore(vertx, db, cfg, Clock.systemUTC());
      return LoadRun.run(ACCOUNTS, IN_FLIGHT, i -> store.create("bench" + i, Role.MEMBER, null).onSuccess(k -> {
          synchronized (keys) {
            keys.add(k.apiKey());
          }
        }))
        .compose(created -> {
          System.out.printf("%s: %s%n", backend, created.line("create (API key only)"));
          return LoadRun.run(LOOKUPS / 4, IN_FLIGHT, i -> store.authenticateKey(keys.get(i % keys.size())));   // warm-up
        })
        .compose(warm -> LoadRun.run(LOOKUPS, IN_FLIGHT, i -> store.authenticateKey(keys.get((i * 7919) % keys.size()))))
        .onSuccess(stats -> System.out.printf("%s: authenticateKey among %d accounts, %d in flight: %s%n", backend,
          ACCOUNTS, IN_FLIGHT, stats.line("authenticateKey")))
        .eventually(store::close);
    }).onComplete(ctx.succeedingThenComplete());
  }

}
