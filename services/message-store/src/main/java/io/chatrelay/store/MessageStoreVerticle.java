package io.chatrelay.store;

import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.accounts.AccountEventRelay;
import io.chatrelay.store.accounts.AccountService;
import io.chatrelay.store.db.Database;
import io.chatrelay.store.messages.MessageService;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayList;
import java.util.List;

/**
 * The message-store service: owns the database (accounts and messages) and answers on the
 * {@code chatrelay.accounts.*} and {@code chatrelay.messages.*} addresses. Ready once the database is migrated
 * and every consumer is registered (cluster-wide when clustered); not ready while the database does not answer.
 * <p>
 * Stopping unregisters the consumers first (new requests go to the other instances), lets the requests in flight
 * finish (at most {@code database.stop-grace-ms}), and only then closes the pool. (Closing the pool still waits
 * for a query the database has not answered, e.g. one waiting for a lock; the node's {@code shutdown.timeout-seconds}
 * bounds that.)
 */
public final class MessageStoreVerticle extends VerticleBase {
  /** Readiness: the database answers a trivial query. */
  static final String READINESS_CHECK = "message-store.database";

  private final ServiceContext ctx;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Database db;
  private StoreRequests requests;
  /** Announces the account changes the {@code accounts} command records in the database. */
  private AccountEventRelay relay;

  public MessageStoreVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    requests = new StoreRequests(vertx, ctx.config(), ctx.clock());
    return Database.open(vertx, ctx.config().get()).compose(opened -> {
      db = opened;
      consumers.addAll(new AccountService(db, ctx, requests).register(vertx.eventBus()));
      consumers.addAll(new MessageService(db, ctx, requests).register(vertx.eventBus()));
      relay = new AccountEventRelay(vertx, db, ctx.config());
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).compose(v -> relay.start());
    }).onSuccess(v -> ctx.readiness().register(READINESS_CHECK,
      () -> requests.watch(db.pool().query("SELECT 1").execute()).<Void>mapEmpty()));
  }

  @Override
  public Future<?> stop() {
    ctx.readiness().unregister(READINESS_CHECK);
    if (relay != null) relay.stop();
    if (db == null) return Future.succeededFuture();
    long graceMs = ctx.config().get().getLong("database.stop-grace-ms");
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList())
      .transform(unregistered -> requests.drained(graceMs))
      .transform(drained -> db.close());
  }
}
