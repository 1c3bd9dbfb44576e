package io.chatrelay.tchatator;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.MessageView;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.ops.ReadinessFlag;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.tchatator.codec.ReplyEncoder;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.vertx.core.Future;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.ops.ReadinessFlag;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Tchatator TCP edge: accepts connections on {@code tchatator.host}:{@code tchatator.port} (with
 * {@code tchatator.backlog}; these three are read at start, every other setting at use), refuses one address's
 * connections beyond {@code tchatator.max-connections-per-address} with 403/DENIED, and gives each connection a
 * {@link TchatatorSession}. Listens once to {@link Addresses#MESSAGES_CREATED} and pushes each new message to the
 * recipient's connections in real-time mode on this edge, then marks it read.
 */
public final class TchatatorEdgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TchatatorEdgeVerticle.class);
  /** How long a stop waits for connections to finish the request they are answering. */
  private static final long SHUTDOWN_GRACE_SECONDS = 10;
  /** Readiness: the port is bound (down again as soon as the edge stops). */
  static final String READINESS_FLAG = "tcp-edge.listener";

  private final ServiceContext ctx;
  private EdgeResources edge;
  private NetServer server;
  private MessageConsumer<JsonObject> created;
  private ReadinessFlag listening;
  private volatile boolean running;
  private Counter perAddressRefusals;

  public TchatatorEdgeVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    Supplier<TchatatorSettings> settings = TchatatorSettings.live(ctx.config());
    edge = new EdgeResources(vertx, settings, new StoreClient(vertx.eventBus()),
      new TchatatorLog(vertx, settings, ctx.clock()),
      new SessionRegistry(ctx.meters().connections(ChatrelayMeters.PROTOCOL_TCHATATOR)),
      ctx.meters().messagesRelayed(ChatrelayMeters.PROTOCOL_TCHATATOR));
    perAddressRefusals = ctx.meters().rateLimitRefusals(ChatrelayMeters.PROTOCOL_TCHATATOR, "max-connections-per-address");
    listening = ctx.readiness().flag(READINESS_FLAG);
    created = vertx.eventBus().consumer(Addresses.MESSAGES_CREATED, this::deliverInRealTime);
    ChatrelayConfig cfg = ctx.config().get();
    server = vertx.createNetServer(new NetServerOptions()
        .setHost(cfg.getString("tchatator.host"))
        .setPort(cfg.getInt("tchatator.port"))
        .setAcceptBacklog(cfg.getInt("tchatator.backlog"))
        // finds dead peers of connections that stay silent on purpose (real-time mode has no idle timeout)
        .setTcpKeepAlive(true))
      .connectHandler(this::accept);
    running = true;
    ctx.config().onChange(next -> {
      if (running) context.runOnContext(v -> edge.registry().all().forEach(TchatatorSession::settingsChanged));
    });
    return created.completion()
      .compose(v -> server.listen())
      .onSuccess(s -> listening.up())
      .onSuccess(s -> LOG.info("Tchatator edge listening on {}:{}", cfg.getString("tchatator.host"), s.actualPort()));
  }

  /** Lets every connection finish the requests it has received (at most the grace period), then closes. */
  @Override
  public Future<?> stop() {
    running = false;
    listening.down("stopping");
    return server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)
      .eventually(() -> created.unregister())
      .eventually(() -> edge.log().close());
  }

  private void accept(NetSocket socket) {
    String ip = socket.remoteAddress().hostAddress();
    int max = edge.settings().get().maxConnectionsPerAddress();
    if (!edge.registry().admit(ip, max)) {
      perAddressRefusals.increment();
      edge.log().log("", ip, "refused: more than " + max + " connections from this address");
      socket.write(ReplyEncoder.encode(TchatatorReplies.refused(ReplyStatus.DENIED, TchatatorReplies.TOO_MANY_CONNECTIONS)
          .with("limit", max)))
        .onComplete(v -> socket.close());
      return;
    }
    new TchatatorSession(edge, socket, ip).start();
  }

  private void deliverInRealTime(Message<JsonObject> event) {
    MessageView message = MessageView.fromJson(event.body());
    List<TchatatorSession> sessions = edge.registry().subscribers(message.recipientId());
    if (sessions.isEmpty()) return;
    Future.any(sessions.stream().map(s -> s.push(message)).toList())
      .compose(v -> edge.store().request(new MessageRequest.MarkRead(sessions.get(0).account(), List.of(message.id()))))
      .onFailure(e -> LOG.warn("real-time delivery of message {} not marked read (the next GET_UNREAD delivers it): {}",
        message.id(), e.getMessage()));
  }
}
