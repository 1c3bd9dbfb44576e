package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountInfo;

import io.vertx.core.json.JsonObject;

/**
 * An account with the API key just issued to it (on create or rotate): the only time the key exists outside the
 * caller's hands. {@link #toString()} leaves it out so that logging this record never leaks it.
 */
public record IssuedKey(AccountInfo account, String apiKey) {
  /** {@code {id, name, role, apiKey}}. */
  public JsonObject toJson() {
    return account.toJson().put("apiKey", apiKey);
  }

  @Override
  public String toString() {
    return "IssuedKey[account=" + account + ", apiKey=(hidden)]";
  }
}
