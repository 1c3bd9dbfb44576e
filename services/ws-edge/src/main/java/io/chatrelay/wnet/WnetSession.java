package io.chatrelay.wnet;

import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.shared.wnet.BotRegistryClient;
import io.chatrelay.wnet.auth.PeerAuth;
import io.chatrelay.wnet.codec.WnetCodec;
import io.chatrelay.wnet.codec.WnetCommand;
import io.chatrelay.wnet.codec.WnetReply;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One WebSocket connection: frames in, commands decoded and run one at a time in arrival order (the socket is
 * paused while a command waits for another service), replies out, and the limits on what a peer may do. The
 * protocol state lives in its {@link BotSide} and {@link ClientSide}: a connection may be a bot, a client, or both.
 * Confined to the context (event loop) that accepted it; other threads reach it through {@link #receive},
 * {@link #botGone}, {@link #clientsGone} and {@link #endFromElsewhere}.
 */
final class WnetSession {
  private static final Logger LOG = LoggerFactory.getLogger(WnetSession.class);
  static final Future<Void> DONE = Future.succeededFuture();
  static final short CLOSE_NORMAL = 1000;
  /** Name of the UTF-8 check in the channel's pipeline, right after Netty's WebSocket frame decoder. */
  static final String UTF8_VALIDATOR = "wnet-utf8-validator";
  private static final String NETTY_FRAME_DECODER = "wsdecoder";
  static final short CLOSE_UNSUPPORTED_DATA = 1003;
  static final short CLOSE_POLICY = 1008;
  static final short CLOSE_TOO_BIG = 1009;
  private static final JsonObject ACCEPTED = new JsonObject();
  /**
   * How long a peer waits for the bot registry: a request routed to a member that just died is never answered,
   * and the peer should hear "try again" well before the event bus's own 30 s.
   */
  static final long REGISTRY_TIMEOUT_MS = 5_000;

  private final WnetNode node;
  private final ServerWebSocket ws;
  private final Context context;
  private final Clock clock;
  private final WnetSettings settings;
  private final BotRegistryClient registry;
  private final PeerAuth auth;
  private final String sid = ConnectionIds.next();
  private final String remoteHost;
  /** When authentication of this connection started (System.nanoTime): account events after it end the session. */
  private final long authStartedNanos;
  private final Consumer<WnetSession> onEnd;
  private final BotSide bot;
  private final ClientSide client;

  private boolean ended;
  /** Completes when what this connection held (a bot name) is released; set when it ends. */
  private Future<Void> released = DONE;
  private long lastHeardMs;
  private long rateWindowStartMs;
  private int framesInWindow;
  /** The frames so far of a text message sent in several frames. */
  private Buffer partialMessage;

  WnetSession(WnetNode node, ServerWebSocket ws, Context context, Clock clock, WnetSettings settings,
              BotRegistryClient registry, PeerAuth auth, String remoteHost, long authStartedNanos, Consumer<WnetSession> onEnd) {
    this.node = node;
    this.ws = ws;
    this.context = context;
    this.clock = clock;
    this.settings = settings;
    this.registry = registry;
    this.auth = auth;
    this.remoteHost = remoteHost;
    this.authStartedNanos = authStartedNanos;
    this.onEnd = onEnd;
    this.bot = new BotSide(this);
    this.client = new ClientSide(this);
    this.lastHeardMs = clock.millis();
  }

  void start() {
    validateUtf8(((WebSocketInternal) ws).channelHandlerContext().pipeline());
    DirectWrites.install(ws);
    ws.setWriteQueueMaxSize(settings.maxQueuedBytes());
    ws.frameHandler(this::onFrame);
    // pongs are seen here even while the socket is paused for a slow command
    ws.pongHandler(data -> lastHeardMs = clock.millis());
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> end("closed"));
    node.opened(this);
    LOG.debug("connection {} from {} opened ({})", sid, remoteHost,
      auth.isVerified() ? "account " + auth.accountName() : "anonymous: " + auth.refusal());
  }

  /**
   * RFC 6455 8.1: a text message that is not valid UTF-8 fails the connection with 1007. Vert.x does not check it
   * (it decodes with U+FFFD), Netty's {@link Utf8FrameValidator} does, across fragments; it is only installed by
   * Netty's own protocol handler, which Vert.x does not use, so it goes in here, before any frame is read (this
   * runs in the event-loop task that accepted the handshake). A bad message reaches {@link #onException} as a
   * {@link CorruptedWebSocketFrameException} with status 1007.
   */
  private static void validateUtf8(ChannelPipeline pipeline) {
    if (pipeline.get(UTF8_VALIDATOR) == null && pipeline.get(NETTY_FRAME_DECODER) != null) {
      pipeline.addAfter(NETTY_FRAME_DECODER, UTF8_VALIDATOR, new Utf8FrameValidator(false));
    }
  }

  // ---- what the other parts use ----

  String sid() {
    return sid;
  }

  String remoteHost() {
    return remoteHost;
  }

  long authStartedNanos() {
    return authStartedNanos;
  }

  PeerAuth auth() {
    return auth;
  }

  WnetNode node() {
    return node;
  }

  BotRegistryClient registry() {
    return registry;
  }

  WnetSettings settings() {
    return settings;
  }

  Context context() {
    return context;
  }

  boolean ended() {
    return ended;
  }

  /** Sends a frame; a peer that lets its outbound queue fill up is closed (1008) so it cannot grow our memory. */
  void reply(WnetReply reply) {
    if (ended || ws.isClosed()) return;
    if (ws.writeQueueFull()) {
      terminate(CLOSE_POLICY, "Outbound queue full: the peer does not read");
      return;
    }
    ws.writeTextMessage(reply.frame());
  }

  /** Whether {@code mess@<from>@<message>} fits in one frame of the configured size (counted, not built). */
  boolean relayFits(String from, String message) {
    return "mess@".length() + utf8Length(from) + 1 + utf8Length(message) <= settings.maxFrameBytes();
  }

  private static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** {@code call}, failed with a timeout after {@code ms} (its outcome, if any, comes too late and is dropped). */
  static <T> Future<T> within(long ms, Future<T> call) {
    return call.timeout(ms, TimeUnit.MILLISECONDS);
  }

  /** The reply for a failed call to another service. */
  void serviceFailed(String what, Throwable cause) {
    BusFailure failure = BusFailure.from(cause);
    if (failure.code() == BusFailure.BAD_REQUEST) {
      reply(new WnetReply.Error(failure.text()));
      return;
    }
    LOG.warn("connection {}: {} failed: {} {}", sid, what, failure.reason(), failure.text());
    reply(new WnetReply.Error("Service unavailable (" + what + "); try again later"));
  }

  /**
   * Ends the connection now (the peer gets a close frame with {@code code}) and releases what it held; the
   * future completes once a bot name it held is released.
   */
  Future<Void> terminate(short code, String reason) {
    if (ended) return released;
    end(reason);
    ws.close(code, reason);
    return released;
  }

  /** {@link #terminate}, from any thread (an account event): runs on this connection's context. */
  void endFromElsewhere(short code, String reason) {
    context.runOnContext(v -> terminate(code, reason));
  }

  // ---- deliveries from other connections (any thread) ----

  /** Runs a delivery for this connection on its context; the future is the answer for requests. */
  Future<JsonObject> receive(WnetDelivery delivery) {
    Promise<JsonObject> answer = Promise.promise();
    context.runOnContext(v -> {
      if (ended) {
        answerWhenGone(delivery).onComplete(answer);
      } else {
        handle(delivery).onComplete(answer);
      }
    });
    return answer.future();
  }

  /**
   * {@link #receive} for the node's event-bus consumer: when that consumer runs on this connection's own event
   * loop the delivery is run at once (no hand-off); otherwise on this connection's context.
   */
  Future<JsonObject> receiveFromBus(WnetDelivery delivery) {
    if (!((ContextInternal) context).nettyEventLoop().inEventLoop()) return receive(delivery);
    return ended ? answerWhenGone(delivery) : handle(delivery);
  }

  /** What a connection that is gone answers to {@code delivery}. */
  static Future<JsonObject> answerWhenGone(WnetDelivery delivery) {
    return delivery.accept(GONE, null);
  }

  private Future<JsonObject> handle(WnetDelivery delivery) {
    return delivery.accept(HANDLE, this);
  }

  private static final Future<JsonObject> ACCEPTED_NOW = Future.succeededFuture(ACCEPTED);

  /** What a live connection does with each kind of delivery (on its context). */
  private static final WnetDelivery.Handler<WnetSession, Future<JsonObject>> HANDLE = new WnetDelivery.Handler<>() {
    public Future<JsonObject> connection(WnetSession s, WnetDelivery.Connection c) {
      return s.bot.clientConnected(c).map(ACCEPTED);
    }

    public Future<JsonObject> isAlive(WnetSession s, WnetDelivery.IsAlive a) {
      return s.bot.isAlive(a).map(alive -> new JsonObject().put("alive", alive));
    }

    public Future<JsonObject> clientMessage(WnetSession s, WnetDelivery.ClientMessage m) {
      s.bot.clientMessage(m);
      return ACCEPTED_NOW;
    }

    public Future<JsonObject> clientGone(WnetSession s, WnetDelivery.ClientGone g) {
      s.bot.clientGone(g.sid());
      return ACCEPTED_NOW;
    }

    public Future<JsonObject> nameRemoved(WnetSession s, WnetDelivery.NameRemoved r) {
      String closeReason = s.bot.nameRemoved(r);
      if (closeReason != null) s.terminate(CLOSE_POLICY, closeReason);
      return ACCEPTED_NOW;
    }

    public Future<JsonObject> botMessage(WnetSession s, WnetDelivery.BotMessage m) {
      s.client.botMessage(m);
      return ACCEPTED_NOW;
    }

    public Future<JsonObject> botGone(WnetSession s, WnetDelivery.BotGone g) {
      s.client.botGone(g.bot());
      return ACCEPTED_NOW;
    }
  };

  /** The answers of a connection that is gone: {@code isalive} false, {@code connection} 404, the rest dropped. */
  private static final WnetDelivery.Handler<Void, Future<JsonObject>> GONE = new WnetDelivery.Handler<>() {
    public Future<JsonObject> connection(Void none, WnetDelivery.Connection c) {
      return Future.failedFuture(BusFailure.of(BusFailure.NOT_FOUND, "unknown-bot", "bot " + c.bot() + " is gone").exception());
    }

    public Future<JsonObject> isAlive(Void none, WnetDelivery.IsAlive a) {
      return Future.succeededFuture(new JsonObject().put("alive", false));
    }

    public Future<JsonObject> clientMessage(Void none, WnetDelivery.ClientMessage m) {
      return ACCEPTED_NOW;
    }

    public Future<JsonObject> clientGone(Void none, WnetDelivery.ClientGone g) {
      return ACCEPTED_NOW;
    }

    public Future<JsonObject> nameRemoved(Void none, WnetDelivery.NameRemoved r) {
      return ACCEPTED_NOW;
    }

    public Future<JsonObject> botMessage(Void none, WnetDelivery.BotMessage m) {
      return ACCEPTED_NOW;
    }

    public Future<JsonObject> botGone(Void none, WnetDelivery.BotGone g) {
      return ACCEPTED_NOW;
    }
  };

  /** The bot this client was connected to went offline or its node left the cluster. */
  void botGone(WnetNode.BotLink link) {
    context.runOnContext(v -> {
      if (!ended) client.botGone(link);
    });
  }

  /** The node at {@code clientAddress} left the cluster: its clients of this bot are gone. */
  void clientsGone(String clientAddress) {
    context.runOnContext(v -> {
      if (!ended) bot.clientsGoneAt(clientAddress);
    });
  }

  // ---- inbound ----

  private void onFrame(WebSocketFrame frame) {
    if (ended) return;
    lastHeardMs = clock.millis();
    if (!frame.isText() && !frame.isBinary() && !frame.isContinuation()) return; // ping, pong, close: liveness only
    if (!withinRate()) {
      terminate(CLOSE_POLICY, "More than " + settings.maxFramesPerSecond() + " frames per second");
      return;
    }
    if (frame.isBinary()) {
      terminate(CLOSE_UNSUPPORTED_DATA, "Text frames only");
      return;
    }
    if (frame.isFinal() && partialMessage == null) {
      onText(frame.textData());
      return;
    }
    Buffer data = frame.binaryData();
    if (partialMessage == null) partialMessage = Buffer.buffer();
    if (partialMessage.length() + data.length() > settings.maxFrameBytes()) {
      terminate(CLOSE_TOO_BIG, "Message larger than " + settings.maxFrameBytes() + " bytes");
      return;
    }
    partialMessage.appendBuffer(data);
    if (frame.isFinal()) {
      String text = partialMessage.toString(StandardCharsets.UTF_8);
      partialMessage = null;
      onText(text);
    }
  }

  private boolean withinRate() {
    int max = settings.maxFramesPerSecond();
    if (max <= 0) return true;
    long now = clock.millis();
    if (now - rateWindowStartMs >= 1000) {
      rateWindowStartMs = now;
      framesInWindow = 0;
    }
    return ++framesInWindow <= max;
  }

  private void onText(String text) {
    Future<Void> done = execute(WnetCodec.decode(text));
    if (!done.isComplete()) {
      // one command at a time, in order: hold further frames (TCP pushes back on the peer) until this one is done
      ws.pause();
      done.onComplete(v -> {
        if (!ended) ws.resume();
      });
    }
  }

  private Future<Void> execute(WnetCommand command) {
    if (command instanceof WnetCommand.Rejected r) {
      reply(new WnetReply.Error(r.reason()));
      return DONE;
    }
    if (command instanceof WnetCommand.Add a) return bot.add(a.name());
    if (command instanceof WnetCommand.Search s) return client.search(s.prefix());
    if (command instanceof WnetCommand.Connect c) return client.connect(c.bot());
    if (command instanceof WnetCommand.Alive) {
      bot.alive();
    } else if (command instanceof WnetCommand.ScSend s) {
      bot.scSend(s.sid(), s.message());
    } else if (command instanceof WnetCommand.CsSend c) {
      client.csSend(c.bot(), c.message());
    } else {
      client.disconnect(((WnetCommand.Disconnect) command).bot());
    }
    return DONE;
  }

  private void onException(Throwable failure) {
    if (failure instanceof CorruptedWebSocketFrameException bad) {
      // Vert.x closes the channel right after this handler without a close frame: send the protocol's status
      // (1009 for a frame over the limit) ourselves, flushed before that close.
      ((WebSocketInternal) ws).channelHandlerContext().writeAndFlush(new CloseWebSocketFrame(bad.closeStatus()));
      end(bad.closeStatus().reasonText());
    } else {
      LOG.debug("connection {}: {}", sid, failure.toString());
    }
  }

  // ---- keep-alive (called by the server's timer, on this context) ----

  /** Pings the peer, or closes the connection when it has been silent for {@code deadAfterMs}. */
  void keepAlive() {
    if (ended) return;
    if (clock.millis() - lastHeardMs >= settings.deadAfterMs()) {
      terminate(CLOSE_POLICY, "No frame or pong for " + settings.deadAfterMs() + " ms");
    } else if (!ws.isClosed()) {
      ws.writePing(Buffer.buffer()).onFailure(err -> LOG.debug("connection {}: ping failed: {}", sid, err.toString()));
    }
  }

  private void end(String why) {
    if (ended) return;
    ended = true;
    released = bot.ended();
    client.ended();
    node.closed(this);
    onEnd.accept(this);
    LOG.debug("connection {} from {} ended: {}", sid, remoteHost, why);
  }
}
