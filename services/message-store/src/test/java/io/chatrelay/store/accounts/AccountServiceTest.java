package io.chatrelay.store.accounts;

import io.chatrelay.shared.testing.Granted;
import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.AccountReasons;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.ops.NodeOps;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.MessageStoreVerticle;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.chatrelay.store.accounts.Failures.expectFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code chatrelay.accounts.*} addresses of a deployed {@link MessageStoreVerticle}, on each database. */
@ExtendWith(VertxExtension.class)
class AccountServiceTest {
  private static final String PASSWORD = "s3cret passphrase";

  private TestDatabases databases;
  private Vertx vertx;
  private final List<String> deployments = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    databases = new TestDatabases(vertx);
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    Future.join(deployments.stream().map(vertx::undeploy).toList())
      .compose(v -> databases.closeAll()).onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> deploy(Backend backend) {
    return deploy(databases.config(backend), 1);
  }

  /** {@code instances} message-store instances on one database, as several replicas would be. */
  private Future<Void> deploy(ChatrelayConfig cfg, int instances) {
    Future<?> chain = Future.succeededFuture();
    for (int i = 0; i < instances; i++) {
      chain = chain.compose(v -> {
        ServiceContext ctx = new ServiceContext(vertx, new LiveConfig(cfg), new LocalClusterView(), Clock.systemUTC());
        return vertx.deployVerticle(new MessageStoreVerticle(ctx)).onSuccess(deployments::add);
      });
    }
    return chain.mapEmpty();
  }

  private double hashesComputed() {
    return NodeOps.of(vertx).meters().registry().get(HashingQueue.HASHES).tag("outcome", "computed").counter().count();
  }

  private static JsonObject passwordLogin(String username, String password) {
    return new JsonObject().put("type", "password").put("username", username).put("password", password);
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return Granted.request(vertx, address, body);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void createsListsGetsAuthenticatesAndRotatesWithoutLoggingSecrets(Backend backend, VertxTestContext ctx) {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    log.start();
    root.addAppender(log);
    long before = System.currentTimeMillis();
    deploy(backend)
      .compose(v -> request(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "alice").put("role", "member")
        .put("password", PASSWORD)))
      .compose(alice -> request(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "bob").put("role", "admin"))
        .compose(bob -> {
          assertThat(alice.fieldNames()).containsExactlyInAnyOrder("id", "name", "role", "apiKey");
          assertThat(alice.getString("name")).isEqualTo("alice");
          assertThat(alice.getString("role")).isEqualTo("member");
          assertThat(alice.getString("apiKey")).matches("[0-9a-f]{64}");
          assertThat(bob.getString("role")).isEqualTo("admin");
          long aliceId = alice.getLong("id");
          JsonObject aliceInfo = new JsonObject().put("id", aliceId).put("name", "alice").put("role", "member");
          return request(Addresses.ADMIN_ACCOUNTS_LIST, new JsonObject())
            .map(list -> {
              JsonArray accounts = list.getJsonArray("accounts");
              assertThat(accounts.stream().map(a -> ((JsonObject) a).getString("name"))).containsExactly("alice", "bob");
              JsonObject first = accounts.getJsonObject(0);
              assertThat(first.fieldNames()).containsExactlyInAnyOrder("id", "name", "role", "createdAt");
              assertThat(first.getLong("createdAt")).isBetween(before, System.currentTimeMillis());
              return list;
            })
            .compose(v -> request(Addresses.ACCOUNTS_GET, new JsonObject().put("id", aliceId)))
            .map(got -> assertThat(got).isEqualTo(aliceInfo))
            .compose(v -> request(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "password")
              .put("username", "alice").put("password", PASSWORD)))
            .map(got -> assertThat(got).isEqualTo(aliceInfo))
            .compose(v -> request(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "password")
              .put("username", Long.toString(aliceId)).put("password", PASSWORD)))
            .map(got -> assertThat(got).isEqualTo(aliceInfo))
            .compose(v -> request(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "token")
              .put("apiKey", alice.getString("apiKey"))))
            .map(got -> assertThat(got).isEqualTo(aliceInfo))
            .compose(v -> request(Addresses.ADMIN_ACCOUNTS_ROTATE_KEY, new JsonObject().put("name", "alice")))
            .compose(rotated -> {
              assertThat(rotated.copy().put("apiKey", "x")).isEqualTo(aliceInfo.copy().put("apiKey", "x"));
              assertThat(rotated.getString("apiKey")).matches("[0-9a-f]{64}").isNotEqualTo(alice.getString("apiKey"));
              return expectFailure(request(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "token")
                .put("apiKey", alice.getString("apiKey"))), BusFailure.UNAUTHENTICATED, "bad-credentials")
                .compose(v -> request(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "token")
                  .put("apiKey", rotated.getString("apiKey"))))
                .map(got -> assertThat(got).isEqualTo(aliceInfo))
                .map(v -> List.of(PASSWORD, alice.getString("apiKey"), bob.getString("apiKey"), rotated.getString("apiKey")));
            });
        }))
      .map(secrets -> {
        assertThat(log.list).isNotEmpty();
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
          .allSatisfy(line -> assertThat(line).doesNotContain(secrets));
        return secrets;
      })
      .eventually(() -> {
        root.detachAppender(log);
        return Future.succeededFuture();
      })
      .onComplete(ctx.succeedingThenComplete());
  }

  /** A request and the failure it must get. */
  private record Refusal(String address, JsonObject body, int code, String reason) {
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void refusesBadRequestsWithTheDocumentedFailures(Backend backend, VertxTestContext ctx) {
    JsonObject taken = new JsonObject().put("name", "Taken").put("role", "member");
    List<Refusal> refusals = List.of(
      new Refusal(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject(), 400, "bad-request"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", 7).put("role", "member"), 400, "bad-request"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "x y").put("role", "member"), 400, "bad-name"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "2024").put("role", "member"), 400, "bad-name"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "zed").put("role", "root"), 400, "bad-role"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "zed"), 400, "bad-role"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "zed").put("role", 1), 400, "bad-request"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "zed").put("role", "member")
        .put("password", "short"), 400, "bad-password"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "zed").put("role", "member")
        .put("password", 12345678), 400, "bad-request"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_CREATE, taken.copy().put("name", "TAKEN"), 409, "name-taken"),
      new Refusal(Addresses.ACCOUNTS_GET, new JsonObject().put("id", "1"), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_GET, new JsonObject().put("id", 1.5), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_GET, new JsonObject().put("id", 99999), 404, "unknown-account"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_ROTATE_KEY, new JsonObject(), 400, "bad-request"),
      new Refusal(Addresses.ADMIN_ACCOUNTS_ROTATE_KEY, new JsonObject().put("name", "nobody"), 404, "unknown-account"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject(), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "cookie"), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "password").put("username", "Taken"),
        400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "token"), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "password").put("username", "Taken")
        .put("password", PASSWORD), 401, "bad-credentials"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "password").put("username", "nobody")
        .put("password", PASSWORD), 401, "bad-credentials"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "token").put("apiKey", "0".repeat(64)),
        401, "bad-credentials"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, passwordLogin("Taken", PASSWORD).put("source", 12), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, passwordLogin("Taken", PASSWORD).put("source", "1".repeat(101)),
        400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, passwordLogin("Taken", PASSWORD).put("timeoutMs", 0), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, passwordLogin("Taken", PASSWORD).put("timeoutMs", "10"), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_AUTHENTICATE, passwordLogin("Taken", PASSWORD).put("source", "192.0.2.1")
        .put("timeoutMs", 5000), 401, "bad-credentials"));
    Future<?> chain = deploy(backend).compose(v -> request(Addresses.ADMIN_ACCOUNTS_CREATE, taken));
    for (Refusal r : refusals) {
      chain = chain.compose(v -> expectFailure(request(r.address(), r.body()), r.code(), r.reason())
        .recover(err -> Future.failedFuture(new AssertionError(r.address() + " " + r.body().encode() + ": " + err.getMessage(), err))));
    }
    chain.compose(v -> request(Addresses.ADMIN_ACCOUNTS_LIST, new JsonObject()))
      .map(list -> assertThat(list.getJsonArray("accounts")).hasSize(1))
      .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Issue 7 item 2: rotate-key, ban and unban are published on {@code chatrelay.accounts.events} once committed:
   * when an event arrives, another client already sees the change.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void keyRotationBanAndUnbanArePublishedAfterTheCommit(Backend backend, VertxTestContext ctx) {
    ConcurrentLinkedQueue<Promise<AccountEvent>> expected = new ConcurrentLinkedQueue<>();
    List<Promise<AccountEvent>> events = List.of(Promise.promise(), Promise.promise(), Promise.promise());
    expected.addAll(events);
    var consumer = vertx.eventBus().<JsonObject>consumer(Addresses.ACCOUNTS_EVENTS, msg -> {
      Promise<AccountEvent> next = expected.poll();
      if (next == null) {
        ctx.failNow(new AssertionError("unexpected event " + msg.body().encode()));
        return;
      }
      next.complete(AccountEvent.fromJson(msg.body()));
    });
    long before = System.currentTimeMillis();
    AccountInfo admin = new AccountInfo(0, "admin", Role.ADMIN);
    consumer.completion().compose(v -> deploy(backend))
      .compose(v -> request(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "Gina").put("role", "member")
        .put("password", PASSWORD)))
      .compose(gina -> {
        long id = gina.getLong("id");
        JsonObject oldKey = new JsonObject().put("type", "token").put("apiKey", gina.getString("apiKey"));
        return request(Addresses.ADMIN_ACCOUNTS_ROTATE_KEY, new JsonObject().put("name", "gina"))
          .compose(rotated -> events.get(0).future().compose(event -> {
            assertThat(event).isEqualTo(new AccountEvent(AccountEvent.KEY_ROTATED, id, "Gina", event.at()));
            assertThat(event.at()).isBetween(before, System.currentTimeMillis());
            return expectFailure(request(Addresses.ACCOUNTS_AUTHENTICATE, oldKey), 401, AccountReasons.BAD_CREDENTIALS);
          }).map(rotated.getString("apiKey")))
          .compose(newKey -> request(Addresses.MESSAGES_BAN, new MessageRequest.Ban(admin, id).toJson())
            .compose(banReply -> events.get(1).future())
            .compose(event -> {
              assertThat(event.event()).isEqualTo(AccountEvent.BANNED);
              assertThat(event.id()).isEqualTo(id);
              assertThat(event.name()).isEqualTo("Gina");
              // banned: neither the key nor the password logs in any more
              return expectFailure(request(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "token")
                .put("apiKey", newKey)), 403, AccountReasons.BANNED)
                .compose(v -> expectFailure(request(Addresses.ACCOUNTS_AUTHENTICATE, passwordLogin("Gina", PASSWORD)),
                  403, AccountReasons.BANNED));
            })
            .compose(v -> request(Addresses.MESSAGES_UNBAN, new MessageRequest.Unban(admin, id).toJson()))
            .compose(unbanReply -> events.get(2).future())
            .compose(event -> {
              assertThat(event.event()).isEqualTo(AccountEvent.UNBANNED);
              assertThat(event.id()).isEqualTo(id);
              return request(Addresses.ACCOUNTS_AUTHENTICATE, new JsonObject().put("type", "token").put("apiKey", newKey));
            }))
          .map(info -> assertThat(info.getLong("id")).isEqualTo(id));
      })
      .eventually(consumer::unregister)
      .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * An account event published by any store instance drops the remembered logins in every instance: two
   * instances (round-robin) each remember the login once; after the event each checks it again.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void anAccountEventDropsTheRememberedLoginsOfEveryInstance(Backend backend, VertxTestContext ctx) {
    ChatrelayConfig cfg = databases.config(backend);
    deploy(cfg, 2)
      .compose(v -> request(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "hugo").put("role", "member")
        .put("password", PASSWORD)))
      .compose(hugo -> {
        double afterCreate = hashesComputed();
        return logins("hugo", 4)
          .map(v -> assertThat(hashesComputed()).as("one check per instance").isEqualTo(afterCreate + 2))
          .compose(v -> logins("hugo", 4))
          .map(v -> assertThat(hashesComputed()).as("remembered by both").isEqualTo(afterCreate + 2))
          .compose(v -> {
            // as the instance that rotated the key (or banned the account) publishes it
            vertx.eventBus().publish(Addresses.ACCOUNTS_EVENTS,
              new AccountEvent(AccountEvent.KEY_ROTATED, hugo.getLong("id"), "hugo", System.currentTimeMillis()).toJson());
            return logins("hugo", 4);
          })
          .map(v -> assertThat(hashesComputed()).as("forgotten by both").isEqualTo(afterCreate + 4));
      })
      .onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> logins(String name, int count) {
    Future<?> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      chain = chain.compose(v -> request(Addresses.ACCOUNTS_AUTHENTICATE, passwordLogin(name, PASSWORD)));
    }
    return chain.mapEmpty();
  }

  /** The edge's fields: {@code source} throttles per address; refused at once, with the documented details. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void failedLoginsFromOneSourceAreThrottled(Backend backend, VertxTestContext ctx) {
    ChatrelayConfig cfg = databases.config(backend).with("accounts.login-throttle.failures-per-address", 2);
    deploy(cfg, 1)
      .compose(v -> request(Addresses.ADMIN_ACCOUNTS_CREATE, new JsonObject().put("name", "ivy").put("role", "member")
        .put("password", PASSWORD)))
      .compose(ivy -> expectFailure(request(Addresses.ACCOUNTS_AUTHENTICATE,
          passwordLogin("ivy", "wrong one").put("source", "2001:db8::1").put("timeoutMs", 10_000)), 401, "bad-credentials")
        .compose(v -> expectFailure(request(Addresses.ACCOUNTS_AUTHENTICATE,
          passwordLogin("nobody", "wrong two").put("source", "2001:db8::2")), 401, "bad-credentials"))
        .compose(v -> {
          double before = hashesComputed();
          return expectFailure(request(Addresses.ACCOUNTS_AUTHENTICATE,
            passwordLogin("ivy", PASSWORD).put("source", "2001:db8::3")), 429, AccountReasons.LOGIN_THROTTLED)
            .map(refusal -> {
              assertThat(refusal.details().fieldNames()).containsExactlyInAnyOrder("retryAt", "retryAtText", "scope");
              assertThat(refusal.details().getString("scope")).isEqualTo("address");
              assertThat(hashesComputed()).isEqualTo(before);
              return refusal;
            });
        })
        .compose(v -> request(Addresses.ACCOUNTS_AUTHENTICATE, passwordLogin("ivy", PASSWORD).put("source", "2001:db9::1"))))
      .map(info -> assertThat(info.getString("name")).isEqualTo("ivy"))
      .onComplete(ctx.succeedingThenComplete());
  }
}
