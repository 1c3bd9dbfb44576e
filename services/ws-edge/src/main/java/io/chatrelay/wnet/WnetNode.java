package io.chatrelay.wnet;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.shared.bus.WnetDeliveryCodec;
import io.chatrelay.shared.cluster.ClusterView;
import io.chatrelay.shared.wnet.BotEvent;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The node-wide half of the WS edge, shared by every server instance of the process: the open connections by
 * sid, the ONE event-bus consumer on this node's delivery address ({@code chatrelay.wnet.node.<nodeId>}), and the
 * reactions to bots going offline, to members leaving and to account changes ({@code chatrelay.accounts.events}). Sessions live on their own event loops: everything here
 * is thread-safe, and work for a session is handed to the session, which runs it on its own context.
 */
final class WnetNode {
  private static final Logger LOG = LoggerFactory.getLogger(WnetNode.class);
  /** How long a client waits for a bot's node to accept its {@code connect@}. */
  static final long CONNECT_TIMEOUT_MS = 10_000;
  /**
   * How long an account event is remembered for handshakes under way: one authenticated just before a key
   * rotation or a ban may open its session after the event arrived, and must be ended then.
   */
  static final long RECENT_ACCOUNT_EVENT_MS = 60_000;
  static final String REASON_KEY_ROTATED = "API key rotated";
  static final String REASON_BANNED = "account banned";

  private final Vertx vertx;
  private final ClusterView cluster;
  private final String address;
  private final Map<String, WnetSession> sessions = new ConcurrentHashMap<>();
  private final Set<WnetSession> bots = ConcurrentHashMap.newKeySet();
  /** Local clients by the bot (name and holder) they are connected to: offline events and dead members find them. */
  private final Map<BotLink, Set<WnetSession>> clientsByBot = new ConcurrentHashMap<>();
  /** Verified connections by account id: an account event finds its sessions without a scan. */
  private final Map<Long, Set<WnetSession>> sessionsByAccount = new ConcurrentHashMap<>();
  /** Account events that end sessions, by account id, with when they arrived (System.nanoTime). */
  private final Map<Long, List<ReceivedEvent>> recentAccountEvents = new ConcurrentHashMap<>();
  /** {@code chatrelay_messages_relayed_total{protocol="wnet"}}: every cssend and scsend passed on. */
  private final Counter relayed;
  private final AtomicBoolean deliveriesClaimed = new AtomicBoolean();

  /** A bot as its clients know it: the name and the holder it had when they connected. */
  record BotLink(String bot, BotOwner owner) {
  }

  private record ReceivedEvent(AccountEvent event, long receivedNanos) {
  }

  WnetNode(Vertx vertx, ClusterView cluster, Counter relayed) {
    this.relayed = relayed;
    this.vertx = vertx;
    this.cluster = cluster;
    this.address = Addresses.wnetNode(cluster.nodeId());
  }

  /** Where deliveries for this node's connections go. */
  String address() {
    return address;
  }

  String nodeId() {
    return cluster.nodeId();
  }

  /**
   * Registers the node's event consumers (bot and account events; they belong to the calling verticle) and listens
   * for members leaving. The delivery consumer is registered by {@link #startDeliveries}.
   */
  Future<Void> start() {
    WnetDeliveryCodec.register(vertx);
    MessageConsumer<JsonObject> botEvents = vertx.eventBus()
      .consumer(Addresses.WNET_BOT_EVENTS, msg -> onBotEvent(msg.body()));
    MessageConsumer<JsonObject> accountEvents = vertx.eventBus()
      .consumer(Addresses.ACCOUNTS_EVENTS, msg -> onAccountEvent(msg.body()));
    cluster.onMemberRemoved(this::onMemberRemoved);
    return Future.all(botEvents.completion(), accountEvents.completion()).mapEmpty();
  }

  /**
   * Whether a server instance already claimed the delivery consumer; the first caller gets false and must call
   * {@link #startDeliveries} from its own context.
   */
  boolean hostsDeliveries() {
    return !deliveriesClaimed.compareAndSet(false, true);
  }

  /**
   * Registers the ONE consumer of this node's delivery address, on the calling context (a server instance's
   * event loop, so that its sessions take deliveries from the bus without a hand-off); completes once it is
   * registered, cluster-wide when clustered.
   */
  Future<Void> startDeliveries() {
    MessageConsumer<Object> deliveries = vertx.eventBus().consumer(address, this::onDelivery);
    return deliveries.completion();
  }

  void opened(WnetSession session) {
    sessions.put(session.sid(), session);
    if (!session.auth().isVerified()) return;
    long account = session.auth().account().id();
    // indexed first, then the recent events read: an event arriving meanwhile finds the session in the index
    sessionsByAccount.computeIfAbsent(account, id -> ConcurrentHashMap.newKeySet()).add(session);
    for (ReceivedEvent received : recentAccountEvents.getOrDefault(account, List.of())) {
      if (received.receivedNanos() - session.authStartedNanos() >= 0) endIfInvalidated(session, received.event());
    }
  }

  void closed(WnetSession session) {
    sessions.remove(session.sid());
    bots.remove(session);
    if (session.auth().isVerified()) {
      sessionsByAccount.computeIfPresent(session.auth().account().id(), (id, set) -> {
        set.remove(session);
        return set.isEmpty() ? null : set;
      });
    }
  }

  void botOnline(WnetSession session) {
    bots.add(session);
  }

  void link(BotLink bot, WnetSession client) {
    clientsByBot.compute(bot, (k, clients) -> {
      Set<WnetSession> set = clients == null ? ConcurrentHashMap.newKeySet() : clients;
      set.add(client);
      return set;
    });
  }

  void unlink(BotLink bot, WnetSession client) {
    clientsByBot.computeIfPresent(bot, (k, clients) -> {
      clients.remove(client);
      return clients.isEmpty() ? null : clients;
    });
  }

  /**
   * For operators ({@code NodeReports.WNET_CLIENTS}): per bot (name and holder's connection) that clients of THIS
   * node are connected to, how many they are: {@code {bots: [{bot, conn, clients}]}}.
   */
  JsonObject clientCounts() {
    JsonArray out = new JsonArray();
    clientsByBot.forEach((link, clients) -> out.add(new JsonObject().put("bot", link.bot()).put("conn", link.owner().conn())
      .put("clients", clients.size())));
    return new JsonObject().put("bots", out);
  }

  /** Sends a delivery that needs no answer: straight to the session when it is on this node, else one bus hop. */
  void send(String to, WnetDelivery delivery) {
    if (delivery instanceof WnetDelivery.ClientMessage || delivery instanceof WnetDelivery.BotMessage) relayed.increment();
    if (address.equals(to)) {
      deliver(delivery);
    } else {
      vertx.eventBus().send(to, WnetDeliveryCodec.body(to, delivery), WnetDeliveryCodec.options(to));
    }
  }

  /** A delivery that is answered ({@link WnetDelivery.Connection}); the answer comes back on the caller's context. */
  Future<JsonObject> request(String to, WnetDelivery delivery) {
    if (address.equals(to)) {
      Context caller = vertx.getOrCreateContext();
      Promise<JsonObject> answer = Promise.promise();
      deliver(delivery).onComplete(ar -> caller.runOnContext(v -> answer.handle(ar)));
      return answer.future();
    }
    return vertx.eventBus().<JsonObject>request(to, WnetDeliveryCodec.body(to, delivery), WnetDeliveryCodec.options(to, CONNECT_TIMEOUT_MS))
      .map(Message::body)
      .recover(err -> Future.failedFuture(BusFailure.from(err).exception()));
  }

  private Future<JsonObject> deliver(WnetDelivery delivery) {
    WnetSession session = sessions.get(delivery.to());
    return session != null ? session.receive(delivery) : WnetSession.answerWhenGone(delivery);
  }

  /**
   * A delivery from the event bus: the record itself (binary codec, or a local sender) or its JSON form. A body
   * that is neither, or does not parse, is refused 400 {@code bad-request} (a request) or dropped (a send). The
   * consumer runs on this node's context: a session on that same event loop takes the delivery at once, the
   * others on their own loop ({@link WnetSession#receiveFromBus}).
   */
  private void onDelivery(Message<Object> msg) {
    Future<JsonObject> result;
    try {
      WnetDelivery delivery = WnetDelivery.from(msg.body());
      WnetSession session = sessions.get(delivery.to());
      result = session != null ? session.receiveFromBus(delivery) : WnetSession.answerWhenGone(delivery);
    } catch (BusFailure.BusFailureException e) {
      result = Future.failedFuture(e);
    } catch (RuntimeException e) {
      LOG.error("delivery to {} failed", address, e);
      result = Future.failedFuture(e);
    }
    if (msg.replyAddress() == null) {
      if (result.failed()) LOG.debug("dropped a delivery: {}", BusFailure.from(result.cause()).text());
      return;
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        BusFailure.from(ar.cause()).replyTo(msg);
      }
    });
  }

  /** The event in {@code body}, or null (logged) when it is malformed. */
  private static <T> T readEvent(JsonObject body, String what, Function<JsonObject, T> reader) {
    try {
      return reader.apply(body);
    } catch (BusFailure.BusFailureException e) {
      LOG.warn("ignored a malformed {} event: {}", what, e.failure().text());
      return null;
    }
  }

  private void onBotEvent(JsonObject body) {
    BotEvent event = readEvent(body, "bot", BotEvent::fromJson);
    if (event != null && event.kind() == BotEvent.Kind.OFFLINE) dropBot(new BotLink(event.name(), event.owner()));
  }

  /**
   * A key rotation or a ban: every local session that the account authenticated by the method the event ends
   * is closed (1008 with the reason), which frees its bot name through the normal end of a session.
   */
  private void onAccountEvent(JsonObject body) {
    AccountEvent event = readEvent(body, "account", AccountEvent::fromJson);
    if (event == null || !event.ends(AccountEvent.Method.API_KEY) && !event.ends(AccountEvent.Method.PASSWORD)) return;
    long now = System.nanoTime();
    recentAccountEvents.compute(event.id(), (id, list) -> {
      List<ReceivedEvent> kept = new ArrayList<>();
      if (list != null) {
        for (ReceivedEvent r : list) if (now - r.receivedNanos() < TimeUnit.MILLISECONDS.toNanos(RECENT_ACCOUNT_EVENT_MS)) kept.add(r);
      }
      kept.add(new ReceivedEvent(event, now));
      return kept;
    });
    forgetOldAccountEvents(now);
    int ended = 0;
    for (WnetSession session : sessionsByAccount.getOrDefault(event.id(), Set.of())) {
      if (endIfInvalidated(session, event)) ended++;
    }
    if (ended > 0) LOG.info("account {} {}: ending its {} wnet connection(s) on this node", event.name(), event.event(), ended);
  }

  private static boolean endIfInvalidated(WnetSession session, AccountEvent event) {
    if (!event.ends(session.auth().method())) return false;
    session.endFromElsewhere(WnetSession.CLOSE_POLICY, AccountEvent.BANNED.equals(event.event()) ? REASON_BANNED : REASON_KEY_ROTATED);
    return true;
  }

  /** Account events are rare; the map is swept when one arrives, so it never holds more than a minute of them. */
  private void forgetOldAccountEvents(long now) {
    long horizon = TimeUnit.MILLISECONDS.toNanos(RECENT_ACCOUNT_EVENT_MS);
    recentAccountEvents.entrySet().removeIf(e -> e.getValue().stream().allMatch(r -> now - r.receivedNanos() >= horizon));
  }

  private void dropBot(BotLink bot) {
    Set<WnetSession> clients = clientsByBot.remove(bot);
    if (clients != null) clients.forEach(client -> client.botGone(bot));
  }

  /** Called off the event loop: a member left, so its bots and its clients are gone. */
  private void onMemberRemoved(String nodeId) {
    List<BotLink> deadBots = clientsByBot.keySet().stream().filter(b -> nodeId.equals(b.owner().node())).toList();
    deadBots.forEach(this::dropBot);
    String deadAddress = Addresses.wnetNode(nodeId);
    bots.forEach(bot -> bot.clientsGone(deadAddress));
    LOG.info("member {} left: dropped {} of its bots from local clients", nodeId, deadBots.size());
  }
}
