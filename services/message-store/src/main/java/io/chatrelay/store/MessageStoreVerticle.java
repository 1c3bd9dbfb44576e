package io.chatrelay.store;

import io.chatrelay.shared.service.ServiceContext;
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
 * and every consumer is registered (cluster-wide when clustered).
 */
public final class MessageStoreVerticle extends VerticleBase {
  /** Readiness: the database answers a trivial query. */
  static final String READINESS_CHECK = "message-store.database";

  private final ServiceContext ctx;
  private Database db;

  public MessageStoreVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    return Database.open(vertx, ctx.config().get()).compose(opened -> {
      db = opened;
      List<MessageConsumer<?>> consumers = new ArrayList<>();
      consumers.addAll(new AccountService(db, ctx).register(vertx.eventBus()));
      consumers.addAll(new MessageService(db, ctx).register(vertx.eventBus()));
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    }).onSuccess(v -> ctx.readiness().register(READINESS_CHECK,
      () -> db.pool().query("SELECT 1").execute().<Void>mapEmpty()));
  }

  @Override
  public Future<?> stop() {
    ctx.readiness().unregister(READINESS_CHECK);
    return db == null ? Future.succeededFuture() : db.close();
  }
}
