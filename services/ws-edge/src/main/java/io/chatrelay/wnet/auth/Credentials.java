package io.chatrelay.wnet.auth;

import io.vertx.core.json.JsonObject;

/** What a peer's {@code auth} cookie claims: a password, an API key, or nothing usable (and why). */
public sealed interface Credentials {

  /** {@code type=password}: {@code username} is an account name or a numeric account id. */
  record Password(String username, String password) implements Credentials {
    public JsonObject toRequest() {
      return new JsonObject().put("type", "password").put("username", username).put("password", password);
    }

    @Override
    public String toString() {
      return "Password[username=" + username + ", password=(hidden)]";
    }
  }

  /** {@code type=token}: an API key. */
  record Token(String apiKey) implements Credentials {
    public JsonObject toRequest() {
      return new JsonObject().put("type", "token").put("apiKey", apiKey);
    }

    @Override
    public String toString() {
      return "Token[apiKey=(hidden)]";
    }
  }

  /** No cookie, or one that cannot be checked; {@code reason} is shown to the peer and never holds its data. */
  record Unusable(String reason) implements Credentials {
  }
}
