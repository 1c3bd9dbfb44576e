package io.chatrelay.wnet;

import io.netty.channel.ChannelHandler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;

/**
 * Gives an upgraded WebSocket connection the write path Vert.x uses in strict thread mode: straight to the channel,
 * without the multi-producer queue every other Vert.x connection allocates (Netty's MPSC queue, whose first chunk
 * is 1,024 slots, ~4.1 KiB per connection, for the connection's whole life: a quarter of an idle WebSocket's heap).
 * <p>
 * Why not an option: Vert.x 5.0 passes {@code HttpServerOptions.strictThreadMode} to the HTTP connection
 * ({@code WsServerVerticle} sets it) but not to the {@code WebSocketConnectionImpl} an upgrade creates, which always
 * gets the queue. That connection is only ever written from its event loop here (a session is confined to it; other
 * threads reach it through {@code runOnContext}), which is what the direct path requires.
 * <p>
 * It swaps a private field of Vert.x's {@code VertxConnection}, so it is guarded: if the Vert.x classes are not as
 * expected (another Vert.x version) or the connection has queued writes, nothing is changed and the connection
 * keeps the queue (logged once at INFO: only memory is lost). {@code DirectWritesTest} fails when the swap no
 * longer happens.
 */
final class DirectWrites {
  private static final Logger LOG = LoggerFactory.getLogger(DirectWrites.class);
  private static final Field QUEUE;
  private static final Constructor<?> DIRECT;
  private static final Class<?> INTERNAL;
  /** {@code OutboundMessageQueue.mqp} and {@code MessagePassingQueue.queue}: to check that nothing is queued. */
  private static final Field MQP;
  private static final Field PENDING;
  private static volatile boolean warned;

  static {
    Field queue = null;
    Constructor<?> direct = null;
    Class<?> internal = null;
    Field mqp = null;
    Field pending = null;
    try {
      queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
      queue.setAccessible(true);
      Class<?> directClass = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue");
      direct = directClass.getDeclaredConstructor(VertxConnection.class);
      direct.setAccessible(true);
      internal = Class.forName(VertxConnection.class.getName() + "$InternalMessageChannel");
      mqp = io.vertx.core.internal.concurrent.OutboundMessageQueue.class.getDeclaredField("mqp");
      mqp.setAccessible(true);
      pending = io.vertx.core.streams.impl.MessagePassingQueue.class.getDeclaredField("queue");
      pending.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("WebSocket connections keep Vert.x's write queue (~4 KiB each): {}", e.toString());
      queue = null;
    }
    QUEUE = queue;
    DIRECT = direct;
    INTERNAL = internal;
    MQP = mqp;
    PENDING = pending;
  }

  private DirectWrites() {
  }

  /**
   * Switches the connection of {@code ws} to direct writes; returns whether it did. Call on the connection's event
   * loop, before anything is written through it (at the start of the session).
   */
  static boolean install(ServerWebSocket ws) {
    if (QUEUE == null) return false;
    try {
      ChannelHandler handler = ((WebSocketInternal) ws).channelHandlerContext().handler();
      if (!(handler instanceof VertxHandler<?> vertxHandler)) return false;
      VertxConnection conn = vertxHandler.getConnection();
      if (!conn.channelHandlerContext().executor().inEventLoop()) return false;
      Object current = QUEUE.get(conn);
      if (!INTERNAL.isInstance(current) || !((java.util.Queue<?>) PENDING.get(MQP.get(current))).isEmpty()) return false;
      QUEUE.set(conn, DIRECT.newInstance(conn));
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (!warned) {
        warned = true;
        LOG.info("WebSocket connections keep Vert.x's write queue (~4 KiB each): {}", e.toString());
      }
      return false;
    }
  }

  /** Whether {@code ws} writes directly (for tests). */
  static boolean installed(ServerWebSocket ws) {
    if (QUEUE == null) return false;
    try {
      ChannelHandler handler = ((WebSocketInternal) ws).channelHandlerContext().handler();
      return handler instanceof VertxHandler<?> h && !INTERNAL.isInstance(QUEUE.get(h.getConnection()));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
