package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.MessageStoreVerticle;

import io.vertx.core.Future;
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
import java.util.List;

import static io.chatrelay.store.accounts.Failures.expectFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code chatrelay.accounts.*} addresses of a deployed {@link MessageStoreVerticle}, on each database. */
@ExtendWith(VertxExtension.class)
class AccountServiceTest {
  private static final String PASSWORD = "s3cret passphrase";

  private TestDatabases databases;
  private Vertx vertx;
  private String deployment;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    databases = new TestDatabases(vertx);
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    Future<Void> undeployed = deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
    undeployed.compose(v -> databases.closeAll()).onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> deploy(Backend backend) {
    ServiceContext ctx = new ServiceContext(vertx, new LiveConfig(databases.config(backend)), new LocalClusterView(),
      Clock.systemUTC());
    return vertx.deployVerticle(new MessageStoreVerticle(ctx)).onSuccess(id -> deployment = id).mapEmpty();
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(Message::body);
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
      .compose(v -> request(Addresses.ACCOUNTS_CREATE, new JsonObject().put("name", "alice").put("role", "member")
        .put("password", PASSWORD)))
      .compose(alice -> request(Addresses.ACCOUNTS_CREATE, new JsonObject().put("name", "bob").put("role", "admin"))
        .compose(bob -> {
          assertThat(alice.fieldNames()).containsExactlyInAnyOrder("id", "name", "role", "apiKey");
          assertThat(alice.getString("name")).isEqualTo("alice");
          assertThat(alice.getString("role")).isEqualTo("member");
          assertThat(alice.getString("apiKey")).matches("[0-9a-f]{64}");
          assertThat(bob.getString("role")).isEqualTo("admin");
          long aliceId = alice.getLong("id");
          JsonObject aliceInfo = new JsonObject().put("id", aliceId).put("name", "alice").put("role", "member");
          return request(Addresses.ACCOUNTS_LIST, new JsonObject())
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
            .compose(v -> request(Addresses.ACCOUNTS_ROTATE_KEY, new JsonObject().put("name", "alice")))
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
      new Refusal(Addresses.ACCOUNTS_CREATE, new JsonObject(), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_CREATE, new JsonObject().put("name", 7).put("role", "member"), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_CREATE, new JsonObject().put("name", "x y").put("role", "member"), 400, "bad-name"),
      new Refusal(Addresses.ACCOUNTS_CREATE, new JsonObject().put("name", "2024").put("role", "member"), 400, "bad-name"),
      new Refusal(Addresses.ACCOUNTS_CREATE, new JsonObject().put("name", "zed").put("role", "root"), 400, "bad-role"),
      new Refusal(Addresses.ACCOUNTS_CREATE, new JsonObject().put("name", "zed"), 400, "bad-role"),
      new Refusal(Addresses.ACCOUNTS_CREATE, new JsonObject().put("name", "zed").put("role", 1), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_CREATE, new JsonObject().put("name", "zed").put("role", "member")
        .put("password", "short"), 400, "bad-password"),
      new Refusal(Addresses.ACCOUNTS_CREATE, new JsonObject().put("name", "zed").put("role", "member")
        .put("password", 12345678), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_CREATE, taken.copy().put("name", "TAKEN"), 409, "name-taken"),
      new Refusal(Addresses.ACCOUNTS_GET, new JsonObject().put("id", "1"), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_GET, new JsonObject().put("id", 1.5), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_GET, new JsonObject().put("id", 99999), 404, "unknown-account"),
      new Refusal(Addresses.ACCOUNTS_ROTATE_KEY, new JsonObject(), 400, "bad-request"),
      new Refusal(Addresses.ACCOUNTS_ROTATE_KEY, new JsonObject().put("name", "nobody"), 404, "unknown-account"),
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
        401, "bad-credentials"));
    Future<?> chain = deploy(backend).compose(v -> request(Addresses.ACCOUNTS_CREATE, taken));
    for (Refusal r : refusals) {
      chain = chain.compose(v -> expectFailure(request(r.address(), r.body()), r.code(), r.reason())
        .recover(err -> Future.failedFuture(new AssertionError(r.address() + " " + r.body().encode() + ": " + err.getMessage(), err))));
    }
    chain.compose(v -> request(Addresses.ACCOUNTS_LIST, new JsonObject()))
      .map(list -> assertThat(list.getJsonArray("accounts")).hasSize(1))
      .onComplete(ctx.succeedingThenComplete());
  }
}
