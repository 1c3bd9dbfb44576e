package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Role;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/** An account as listed: {@code {id, name, role, createdAt}} ({@code createdAt} in epoch milliseconds). */
public record Account(long id, String name, Role role, Instant createdAt) {
  public AccountInfo info() {
    return new AccountInfo(id, name, role);
  }

  public JsonObject toJson() {
    return info().toJson().put("createdAt", createdAt.toEpochMilli());
  }
}
