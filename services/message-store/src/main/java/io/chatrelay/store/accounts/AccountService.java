package io.chatrelay.store.accounts;

import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.db.Database;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.List;

/** SKELETON — to be written (issue 2, accounts): the chatrelay.accounts.* handlers. */
public final class AccountService {
  public AccountService(Database db, ServiceContext ctx) {
  }

  public List<MessageConsumer<?>> register(EventBus bus) {
    return List.of();
  }
}
