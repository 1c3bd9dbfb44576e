package io.chatrelay.shared.wnet;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.shared.bus.WnetDeliveryCodec;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A wnet bot that lives inside the cluster: any service can hold a bot name and talk to wnet clients without a
 * WebSocket. The bot owns one event-bus consumer ({@code chatrelay.wnet.bot.<uuid>}) and receives the same
 * {@link WnetDelivery} bodies a WS edge node receives for its bots.
 * <pre>{@code
 * BusBot echo = new BusBot(vertx, cluster.nodeId(), "Echo", "system");
 * echo.onConnected((sid, auth) -> echo.send(sid, "hello " + auth))
 *     .onMessage((sid, text) -> echo.send(sid, "You said: " + text))
 *     .onClientGone(sid -> LOG.info("{} left", sid));
 * echo.register()        // fails 409 name-taken if a live bot holds "Echo"
 *     .onSuccess(v -> LOG.info("Echo is online"));
 * ...
 * echo.close();          // releases the name; its clients get disconnectedfrom@Echo
 * }</pre>
 * Handlers run on the context that called {@link #register()}. A bot always answers {@code isalive}: it loses its
 * name by {@link #close()}, when its process leaves the cluster, or when another party unregisters it
 * ({@link #onNameRemoved}). One instance registers once.
 */
public final class BusBot {
  private static final Logger LOG = LoggerFactory.getLogger(BusBot.class);

  private final Vertx vertx;
  private final BotRegistryClient registry;
  private final String name;
  private final BotOwner owner;
  /** Connected clients: sid -> the address their {@code mess@} deliveries go to. */
  private final Map<String, String> clients = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, String> connectedHandler = (sid, auth) -> { };
  private volatile BiConsumer<String, String> messageHandler = (sid, text) -> { };
  private volatile Consumer<String> goneHandler = sid -> { };
  private volatile Consumer<String> removedHandler = reason -> { };
  private MessageConsumer<Object> consumer;
  /** Set by {@link #close()} and when the registry removes the name: a removal notice then changes nothing. */
  private volatile boolean released;

  /**
   * @param nodeId  this process's cluster node id ({@code ClusterView.nodeId()}): the registry frees the name if
   *                the node dies
   * @param account the account name shown as the bot's owner
   */
  public BusBot(Vertx vertx, String nodeId, String name, String account) {
    this.vertx = vertx;
    this.registry = new BotRegistryClient(vertx);
    this.name = name;
    String id = UUID.randomUUID().toString();
    this.owner = new BotOwner(Addresses.WNET_BOT_PREFIX + id, id, nodeId, account);
  }

  /** Called with {@code (sid, auth)} when a client connects; {@code auth} is null for an anonymous client. */
  public BusBot onConnected(BiConsumer<String, String> handler) {
    this.connectedHandler = handler;
    return this;
  }

  /** Called with {@code (sid, text)} for each message of a connected client. */
  public BusBot onMessage(BiConsumer<String, String> handler) {
    this.messageHandler = handler;
    return this;
  }

  /** Called with {@code sid} when a client disconnects from the bot or its connection ends. */
  public BusBot onClientGone(Consumer<String> handler) {
    this.goneHandler = handler;
    return this;
  }

  /**
   * Called with the reason ({@code "unregistered"}, {@code "taken-over"}, {@code "kicked"}) when the registry removes
   * the name from this bot other than by {@link #close()}: the bot then no longer holds it, has no clients and
   * receives nothing.
   */
  public BusBot onNameRemoved(Consumer<String> handler) {
    this.removedHandler = handler;
    return this;
  }

  public String name() {
    return name;
  }

  public BotOwner owner() {
    return owner;
  }

  /** Ids of the clients connected right now. */
  public Set<String> clients() {
    return Set.copyOf(clients.keySet());
  }

  /**
   * Starts receiving deliveries and claims the name. A name held by a dead owner is taken over; a name held by a
   * live bot fails with 409 {@code name-taken}; an invalid name with 400 {@code bad-name}.
   */
  public Future<Void> register() {
    if (consumer != null) {
      return Future.failedFuture(new IllegalStateException("bot " + name + " was already registered"));
    }
    WnetDeliveryCodec.register(vertx);
    consumer = vertx.eventBus().consumer(owner.address(), this::deliver);
    return consumer.completion()
      .compose(v -> registry.register(name, owner))
      .compose(this::takeOverIfStale)
      .recover(failure -> consumer.unregister().transform(ignored -> Future.failedFuture(failure)));
  }

  /** Sends {@code text} to client {@code sid} ({@code mess@<bot>@<text>}); fails 404 {@code unknown-client}. */
  public Future<Void> send(String sid, String text) {
    String address = clients.get(sid);
    if (address == null) {
      return Future.failedFuture(BusFailure.of(BusFailure.NOT_FOUND, "unknown-client",
        "client " + sid + " is not connected to bot " + name).exception());
    }
    WnetDelivery mess = new WnetDelivery.BotMessage(sid, name, text);
    vertx.eventBus().send(address, WnetDeliveryCodec.body(address, mess), WnetDeliveryCodec.options(address));
    return Future.succeededFuture();
  }

  /** Releases the name and stops receiving deliveries. */
  public Future<Void> close() {
    if (consumer == null) return Future.succeededFuture();
    released = true;
    return registry.unregister(name, owner)
      .onFailure(t -> LOG.warn("bot {}: could not release its name: {}", name, t.getMessage()))
      .transform(ignored -> consumer.unregister())
      .onComplete(ignored -> clients.clear());
  }

  private Future<Void> takeOverIfStale(ClaimResult claim) {
    if (claim.outcome() == ClaimResult.Outcome.ADDED) return Future.succeededFuture();
    // The holder may be a leftover of a dead process: the registry asks it and gives us the name if it is gone.
    return registry.takeover(name, owner, claim.holder()).compose(takeover ->
      takeover.outcome() == ClaimResult.Outcome.ADDED
        ? Future.succeededFuture()
        : Future.failedFuture(BusFailure.of(BusFailure.CONFLICT, "name-taken", "bot name " + name + " is held by a live bot")
        .exception()));
  }

  private void deliver(Message<Object> msg) {
    WnetDelivery delivery;
    try {
      delivery = WnetDelivery.from(msg.body());
    } catch (BusFailure.BusFailureException e) {
      refuse(msg, e.failure());
      return;
    }
    if (!owner.conn().equals(delivery.to())) {
      refuse(msg, BusFailure.of(BusFailure.NOT_FOUND, "unknown-connection", "no bot connection " + delivery.to() + " here"));
    } else {
      delivery.accept(handler, msg);
    }
  }

  /** What the bot does with each kind of delivery; a client's kinds are refused 400 {@code bad-request}. */
  private final WnetDelivery.Handler<Message<Object>, Void> handler = new WnetDelivery.Handler<>() {
    public Void isAlive(Message<Object> msg, WnetDelivery.IsAlive a) {
      msg.reply(new JsonObject().put("alive", true));
      return null;
    }

    public Void connection(Message<Object> msg, WnetDelivery.Connection c) {
      clients.put(c.sid(), c.clientAddress());
      // Reply first: the edge sends connectedto@ on the reply, which must reach the client before any greeting.
      msg.reply(new JsonObject());
      connectedHandler.accept(c.sid(), c.auth());
      return null;
    }

    public Void clientMessage(Message<Object> msg, WnetDelivery.ClientMessage m) {
      if (clients.containsKey(m.sid())) {
        messageHandler.accept(m.sid(), m.text());
      } else {
        LOG.debug("bot {}: message from {} which is not connected; dropped", name, m.sid());
      }
      return null;
    }

    public Void clientGone(Message<Object> msg, WnetDelivery.ClientGone g) {
      if (clients.remove(g.sid()) != null) goneHandler.accept(g.sid());
      return null;
    }

    public Void nameRemoved(Message<Object> msg, WnetDelivery.NameRemoved r) {
      BusBot.this.nameRemoved(r);
      return null;
    }

    public Void botMessage(Message<Object> msg, WnetDelivery.BotMessage m) {
      return notForABot(msg, m);
    }

    public Void botGone(Message<Object> msg, WnetDelivery.BotGone g) {
      return notForABot(msg, g);
    }

    private Void notForABot(Message<Object> msg, WnetDelivery d) {
      refuse(msg, BusFailure.of(BusFailure.BAD_REQUEST, "bad-request", "a bot does not take " + d.kind()));
      return null;
    }
  };

  private void nameRemoved(WnetDelivery.NameRemoved removal) {
    if (released || !name.equals(removal.bot())) return;
    released = true;
    LOG.info("bot {}: the registry removed its name ({})", name, removal.reason());
    clients.clear();
    consumer.unregister();
    removedHandler.accept(removal.reason());
  }

  private void refuse(Message<Object> msg, BusFailure failure) {
    if (msg.replyAddress() != null) {
      failure.replyTo(msg);
    } else {
      LOG.warn("bot {}: ignored a delivery: {}", name, failure.text());
    }
  }
}
