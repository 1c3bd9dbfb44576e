package io.chatrelay.store.messages;

import io.chatrelay.shared.testing.Granted;
import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.MessageView;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.MessageStoreVerticle;
import io.chatrelay.store.db.Database;
import io.chatrelay.store.db.SqlDialect;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A running message store (the real {@link MessageStoreVerticle} on a Vert.x instance) plus a second pool on the
 * same database, used to create accounts directly with SQL and to look at rows.
 */
final class StoreFixture {
  /** The settings-file administrator as the TCP edge presents it. */
  static final AccountInfo SETTINGS_ADMIN = new AccountInfo(0, "admin", Role.ADMIN);

  final Vertx vertx;
  final LiveConfig config;
  final Database sql;

  private StoreFixture(Vertx vertx, LiveConfig config, Database sql) {
    this.vertx = vertx;
    this.config = config;
    this.sql = sql;
  }

  static Future<StoreFixture> start(Vertx vertx, ChatrelayConfig cfg, Clock clock) {
    LiveConfig live = new LiveConfig(cfg);
    ServiceContext ctx = new ServiceContext(vertx, live, new LocalClusterView(), clock);
    return vertx.deployVerticle(new MessageStoreVerticle(ctx))
      .compose(id -> Database.open(vertx, cfg))
      .map(db -> new StoreFixture(vertx, live, db));
  }

  /** Changes one setting live, as a reload would. */
  void set(String key, Object value) {
    config.update(config.get().with(key, value));
  }

  Future<AccountInfo> account(String name, Role role) {
    String hash = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    String insert = sql.dialect().insertReturning("INSERT INTO account (name, name_key, role, api_key_hash, created_at)"
      + " VALUES (#{name}, #{nameKey}, #{role}, #{hash}, 0)", "id");
    return SqlTemplate.forQuery(sql.pool(), insert)
      .execute(Map.of("name", name, "nameKey", name.toLowerCase(Locale.ROOT), "role", role.wire(), "hash", hash))
      .map(rows -> new AccountInfo(rows.iterator().next().getLong("id"), name, role));
  }

  Future<JsonObject> request(MessageRequest req) {
    return Granted.request(vertx, req.address(), req.toJson());
  }

  Future<MessageView> send(AccountInfo from, AccountInfo to, String content) {
    return send(from, to.id(), content);
  }

  Future<MessageView> send(AccountInfo from, long to, String content) {
    return request(new MessageRequest.Send(from, to, content))
      .map(reply -> MessageView.fromJson(reply.getJsonObject("message")));
  }

  /** A send with an idempotency key; the whole reply ({@code message}, and {@code replayed} for a replay). */
  Future<JsonObject> send(AccountInfo from, long to, String content, String clientId) {
    return request(new MessageRequest.Send(from, to, content, clientId));
  }

  /** Sends {@code count} messages one after the other; the last one. */
  Future<MessageView> sendMany(AccountInfo from, AccountInfo to, int count, String prefix) {
    Future<MessageView> last = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      String text = prefix + i;
      last = last.compose(v -> send(from, to, text));
    }
    return last;
  }

  /** The single value of a {@code SELECT COUNT(*) ...} (or any one-number query). */
  Future<Long> count(String sqlText, Map<String, Object> params) {
    return SqlTemplate.forQuery(sql.pool(), sqlText).execute(params).map(rows -> rows.iterator().next().getLong(0));
  }

  /** Closes the helper pool (the store goes with its Vert.x instance). */
  Future<Void> close() {
    return sql.close();
  }

  /** Drops the PostgreSQL test schema, then closes; on H2 just closes. */
  Future<Void> dropAndClose() {
    if (sql.dialect() != SqlDialect.POSTGRES) return close();
    String schema = config.get().getString("database.postgres.schema");
    return sql.pool().query("DROP SCHEMA " + schema + " CASCADE").execute().eventually(this::close).mapEmpty();
  }

  /** Fails unless {@code f} failed; its {@link BusFailure}. */
  static Future<BusFailure> failure(Future<?> f) {
    return f.transform(ar -> ar.succeeded()
      ? Future.failedFuture(new AssertionError("expected a refusal, got " + ar.result()))
      : Future.succeededFuture(BusFailure.from(ar.cause())));
  }

  /**
   * {@code work}, done on another Vert.x instance, continued on {@code home}'s context, then closes {@code other}:
   * a chain bound to {@code other}'s context could not go on once its event loops are gone.
   */
  static <T> Future<T> thenClose(Vertx home, Vertx other, Future<T> work) {
    return Future.fromCompletionStage(work.toCompletionStage(), home.getOrCreateContext()).eventually(other::close);
  }

  /** Runs assertions on a value in a future chain (a failed assertion fails the chain, hence the test). */
  static <T> Function<T, T> verify(Consumer<T> assertions) {
    return value -> {
      assertions.accept(value);
      return value;
    };
  }
}
