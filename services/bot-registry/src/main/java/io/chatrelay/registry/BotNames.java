package io.chatrelay.registry;

import io.chatrelay.shared.bus.BusFailure;

import io.vertx.core.json.JsonObject;

/** Protocol_4.1 bot names: 1 to 18 ASCII letters. */
final class BotNames {
  static final int MAX_LENGTH = 18;

  private BotNames() {
  }

  static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) return false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')) return false;
    }
    return true;
  }

  /**
   * The request's {@code name}: 400 {@code bad-request} when it is not a string, 400 {@code bad-name} when it is
   * missing or not a valid name. The text never echoes the name (it may hold '@').
   */
  static String require(JsonObject body) {
    Object value = body.getValue("name");
    if (value != null && !(value instanceof String)) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "field 'name' must be a string").exception();
    }
    if (!(value instanceof String name) || !isValid(name)) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-name",
        "a bot name is 1 to " + MAX_LENGTH + " letters a-z or A-Z").exception();
    }
    return name;
  }
}
