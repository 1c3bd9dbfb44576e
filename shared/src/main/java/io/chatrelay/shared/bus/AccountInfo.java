package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonObject;

/** A verified account as services see it: {@code {id, name, role}}. */
public record AccountInfo(long id, String name, Role role) {
  /** The administrator of the settings file ({@code tchatator.admin-api-key}): id 0, never an account. */
  public static final AccountInfo SETTINGS_ADMIN = new AccountInfo(0, "admin", Role.ADMIN);

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("role", role.wire());
  }

  public static AccountInfo fromJson(JsonObject j) {
    return new AccountInfo(Replies.requireLong(j, "id"), Replies.requireString(j, "name"), Role.fromWire(j.getString("role")));
  }
}
