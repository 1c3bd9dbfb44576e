package io.chatrelay.wnet.testing;

import io.chatrelay.shared.bus.AdminRequests;
import io.chatrelay.registry.BotRegistryVerticle;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.cluster.ClusterView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.MessageStoreVerticle;
import io.chatrelay.wnet.WsEdgeVerticle;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.time.Clock;

/**
 * The real services a WS edge needs, deployed in start order on one node: the message store (accounts, unless
 * {@code withStore} is false because another member runs it), the bot registry and the WS edge.
 */
public final class WnetStack {
  private final Vertx vertx;
  private final ServiceContext ctx;
  private final String edgeDeployment;

  private WnetStack(Vertx vertx, ServiceContext ctx, String edgeDeployment) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.edgeDeployment = edgeDeployment;
  }

  public static WnetStack start(Vertx vertx, ClusterView cluster, ChatrelayConfig config, boolean withStore) {
    ServiceContext ctx = new ServiceContext(vertx, new LiveConfig(config), cluster, Clock.systemUTC());
    Future<String> chain = withStore ? vertx.deployVerticle(new MessageStoreVerticle(ctx)) : Future.succeededFuture();
    String edge = Await.result(chain
      .compose(v -> vertx.deployVerticle(new BotRegistryVerticle(ctx)))
      .compose(v -> vertx.deployVerticle(new WsEdgeVerticle(ctx))));
    return new WnetStack(vertx, ctx, edge);
  }

  /** Stops the WS edge as a shutdown would (the registry and store keep running). */
  public void stopEdge() {
    Await.result(vertx.undeploy(edgeDeployment));
  }

  public Vertx vertx() {
    return vertx;
  }

  public ServiceContext context() {
    return ctx;
  }

  public int port() {
    return ctx.config().get().getInt("wnet.port");
  }

  /** Creates a member account with {@code password}; returns {@code {id, name, role, apiKey}}. */
  public JsonObject createAccount(String name, String password) {
    return Await.result(AdminRequests.createAccount(vertx, name, "member", password));
  }

  public WsPeer connect(String cookie) {
    return WsPeer.connect(vertx, port(), cookie);
  }

  public WsPeer anonymous() {
    return connect(null);
  }

  /** A bot connection of {@code username} that has registered {@code name}. */
  public WsPeer bot(String name, String username, String password) {
    WsPeer bot = connect(WsPeer.passwordCookie(username, password));
    bot.send("add@" + name);
    bot.expect("info@You added as bot");
    return bot;
  }
}
