package io.chatrelay.tchatator;

import io.chatrelay.shared.bus.AdminRequests;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.cluster.ClusterView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.MessageStoreVerticle;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.chatrelay.tchatator.codec.TchatatorReply;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** Starting the real services for edge tests, creating accounts, and checking replies. */
final class EdgeFixture {
  private EdgeFixture() {
  }

  /** An account created through the accounts API, with its API key. */
  record Account(long id, String name, String key) {
  }

  static ServiceContext context(Vertx vertx, LiveConfig config, ClusterView cluster) {
    return new ServiceContext(vertx, config, cluster, Clock.systemUTC());
  }

  /** Deploys the message store then the edge, as the launcher does. */
  static Future<String> startStoreAndEdge(ServiceContext ctx) {
    return ctx.vertx().deployVerticle(new MessageStoreVerticle(ctx))
      .compose(id -> ctx.vertx().deployVerticle(new TchatatorEdgeVerticle(ctx)));
  }

  /** The two accounts most tests use: alice, a member, and bob, a professional. */
  record AliceAndBob(Account alice, Account bob) {
  }

  /** Deploys the store and the edge, then creates alice and bob. */
  static Future<AliceAndBob> startWithAliceAndBob(ServiceContext ctx) {
    return startStoreAndEdge(ctx)
      .compose(id -> createAccount(ctx.vertx(), "alice", "member"))
      .compose(a -> createAccount(ctx.vertx(), "bob", "professional").map(b -> new AliceAndBob(a, b)));
  }

  static Future<Account> createAccount(Vertx vertx, String name, String role) {
    return AdminRequests.createAccount(vertx, name, role, null)
      .map(body -> new Account(body.getLong("id"), name, body.getString("apiKey")));
  }

  static int port(ChatrelayConfig cfg) {
    return cfg.getInt("tchatator.port");
  }

  /** Checks the status and returns the reply, for chaining. */
  static TchatatorReply expect(TchatatorReply reply, ReplyStatus status) {
    assertThat(reply.status()).as("reply %s", reply).isEqualTo(status);
    assertThat(reply.field("message")).as("the original message line").isNotBlank();
    return reply;
  }

  static TchatatorReply expect(TchatatorReply reply, ReplyStatus status, String reason) {
    expect(reply, status);
    assertThat(reply.field("reason")).as("reason of %s", reply).isEqualTo(reason);
    return reply;
  }

  static String login(Account a) {
    return "LOGIN\napi-token:" + a.key() + "\n";
  }

  /** The C client's SEND_MSG: length in UTF-8 bytes, {@code receiver-id} after it. */
  static String cSend(Account from, long to, String text) {
    return "SEND_MSG\ntoken:" + from.key() + "\nmessage-length:" + text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
      + "\nreceiver-id:" + to + "\ncontent:" + text + "\n";
  }
}
