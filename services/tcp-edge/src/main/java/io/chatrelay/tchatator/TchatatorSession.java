package io.chatrelay.tchatator;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BanInfo;
import io.chatrelay.shared.bus.BlockInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageDeleted;
import io.chatrelay.shared.bus.MessagePage;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.MessageView;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.tchatator.codec.Decoded;
import io.chatrelay.tchatator.codec.Malformed;
import io.chatrelay.tchatator.codec.Parameter;
import io.chatrelay.tchatator.codec.ReplyEncoder;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.chatrelay.tchatator.codec.TchatatorDecoder;
import io.chatrelay.tchatator.codec.TchatatorReply;
import io.chatrelay.tchatator.codec.TchatatorRequest;

import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;

import static io.chatrelay.tchatator.codec.Parameter.API_TOKEN;
import static io.chatrelay.tchatator.codec.Parameter.BEFORE_MESSAGE_ID;
import static io.chatrelay.tchatator.codec.Parameter.CLIENT_ID;
import static io.chatrelay.tchatator.codec.Parameter.CONTENT;
import static io.chatrelay.tchatator.codec.Parameter.FOR_USER_ID;
import static io.chatrelay.tchatator.codec.Parameter.MESSAGE_ID;
import static io.chatrelay.tchatator.codec.Parameter.RECIPIENT_ID;
import static io.chatrelay.tchatator.codec.Parameter.TOKEN;
import static io.chatrelay.tchatator.codec.Parameter.USER_ID;

/**
 * One Tchatator connection: the logged-in account and its API key, the real-time flag, and the requests
 * received but not answered yet. Requests are answered one at a time, in order; while too many wait, or the
 * peer does not read its replies, the socket is paused. A malformed request gets 416/MISFMT and the connection
 * goes on. The session owns the decoder's quiet-time timer ({@code tchatator.request-quiet-ms}): armed when a
 * request may still get optional parameters, re-armed by every read, and when it fires the request ends. A
 * session logged in with a key that is rotated, or as an account that is banned, is ended with 401/UNAUTH.
 * Runs on the edge verticle's event loop.
 */
final class TchatatorSession {
  private static final Logger LOG = LoggerFactory.getLogger(TchatatorSession.class);
  /** The administrator of the settings file: not in the database. */
  static final AccountInfo SETTINGS_ADMIN = new AccountInfo(0, "admin", Role.ADMIN);
  /** Decoded requests waiting beyond this many pause the socket until they are answered. */
  private static final int MAX_WAITING = 32;

  private final EdgeResources edge;
  private final NetSocket socket;
  private final String ip;
  private final TchatatorDecoder decoder;
  private final Deque<Decoded> waiting = new ArrayDeque<>();

  private AccountInfo account;
  private byte[] apiKey;
  private boolean realTime;
  private boolean busy;
  private boolean paused;
  private boolean closing;
  private boolean closeStarted;
  private boolean closed;
  /** Ended by an account change: nothing more is answered. */
  private boolean revoked;
  private Future<Void> lastWrite = Future.succeededFuture();
  private long lastActivityNanos = System.nanoTime();
  private long idleTimer = -1;
  private long quietTimer = -1;

  TchatatorSession(EdgeResources edge, NetSocket socket, String ip) {
    this.edge = edge;
    this.socket = socket;
    this.ip = ip;
    this.decoder = new TchatatorDecoder(() -> edge.settings().get().limits(), waiting::add);
  }

  void start() {
    edge.registry().add(this);
    socket.handler(this::received);
    socket.drainHandler(v -> updateFlow());
    socket.closeHandler(v -> closed());
    socket.exceptionHandler(e -> log("connection error: " + e.getMessage()));
    socket.shutdownHandler(v -> endOfInput("server shutting down"));
    answerAfterHalfClose();
    armIdleTimer();
    log("connected");
  }

  /**
   * A peer that half-closes after its last request ({@code nc -N}, a script's {@code shutdown(SHUT_WR)}) still
   * gets its answers: the channel stays open at end of input, and closes once every request received is answered.
   * (Vert.x has no public switch for Netty's half-closure, hence the internal socket.)
   */
  private void answerAfterHalfClose() {
    if (!(socket instanceof NetSocketInternal internal)) return;
    internal.channelHandlerContext().channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    internal.eventHandler(event -> {
      if (event instanceof ChannelInputShutdownEvent) endOfInput("end of input");
    });
  }

  private void received(Buffer bytes) {
    if (closing) return;
    lastActivityNanos = System.nanoTime();
    decoder.feed(bytes.getBytes());
    decoder.readEnded();
    armQuietTimer();
    answerWaiting();
  }

  /** (Re)starts the quiet-time timer if the decoder waits for it; every read restarts the count. */
  private void armQuietTimer() {
    cancelQuietTimer();
    if (!decoder.awaitsQuietTime()) return;
    quietTimer = edge.vertx().setTimer(edge.settings().get().requestQuietMs(), id -> {
      quietTimer = -1;
      if (closing || closed) return;
      decoder.quietTimeElapsed();
      answerWaiting();
    });
  }

  private void cancelQuietTimer() {
    if (quietTimer < 0) return;
    edge.vertx().cancelTimer(quietTimer);
    quietTimer = -1;
  }

  /**
   * Nothing more will be read: a request waiting for the quiet time ends now (it can get nothing more), then
   * every request received is answered and the connection closes.
   */
  private void endOfInput(String why) {
    if (closing || closed) return;
    cancelQuietTimer();
    decoder.quietTimeElapsed();
    answerWaiting();
    closeWhenAnswered(why);
  }

  /** Answers the waiting requests in order, one at a time. */
  private void answerWaiting() {
    while (!busy && !waiting.isEmpty() && !closed) {
      Future<TchatatorReply> reply = answer(waiting.poll());
      if (reply.isComplete()) {
        replied(reply);
      } else {
        busy = true;
        reply.onComplete(done -> {
          busy = false;
          replied(done);
          answerWaiting();
        });
      }
    }
    closeIfAnswered();
    updateFlow();
  }

  private void replied(AsyncResult<TchatatorReply> done) {
    TchatatorReply reply = done.succeeded() ? done.result() : TchatatorReplies.refused(failure(done.cause()));
    lastActivityNanos = System.nanoTime();
    if (reply == null || closed || revoked) return;
    log("answered " + summary(reply));
    lastWrite = socket.write(ReplyEncoder.encode(reply));
  }

  private Future<TchatatorReply> answer(Decoded decoded) {
    if (decoded instanceof Malformed m) {
      log("received a malformed request: " + m.reason() + " (" + m.detail() + ")");
      return Future.succeededFuture(TchatatorReplies.malformed(m));
    }
    TchatatorRequest request = (TchatatorRequest) decoded;
    log("received " + request);
    // every refusal names the command it answers
    return handle(request)
      .recover(e -> Future.succeededFuture(TchatatorReplies.refused(failure(e))))
      .map(reply -> reply == null || reply.status().code() < 300 ? reply : reply.with("command", request.command().name()));
  }

  private Future<TchatatorReply> handle(TchatatorRequest request) {
    switch (request.command()) {
      case LOGIN:
        return login(request.text(API_TOKEN));
      case DISCONNECTED:
        // the C client closes without reading: no reply, and nothing after it is answered
        waiting.clear();
        closeWhenAnswered("DISCONNECTED");
        return Future.succeededFuture(null);
      default:
        if (account == null) return Future.succeededFuture(TchatatorReplies.refused(ReplyStatus.DENIED, TchatatorReplies.NOT_LOGGED_IN));
        if (!sameKey(request.text(TOKEN), apiKey)) {
          return Future.succeededFuture(TchatatorReplies.refused(ReplyStatus.UNAUTH, TchatatorReplies.TOKEN_MISMATCH));
        }
        return perform(request, account);
    }
  }

  private Future<TchatatorReply> login(String key) {
    logout();
    String adminKey = edge.settings().get().adminApiKey();
    Future<AccountInfo> who = !adminKey.isEmpty() && sameKey(key, adminKey.getBytes(StandardCharsets.UTF_8))
      ? Future.succeededFuture(SETTINGS_ADMIN)
      : edge.store().authenticate(key);
    return who.map(found -> {
      account = found;
      apiKey = key.getBytes(StandardCharsets.UTF_8);
      edge.registry().loggedIn(found.id(), this);
      log("logged in as " + identity() + " (" + found.role().wire() + ")");
      return TchatatorReplies.loggedIn(found);
    }).recover(e -> {
      BusFailure f = failure(e);
      return Future.succeededFuture(f.code() == BusFailure.UNAUTHENTICATED
        ? TchatatorReplies.refused(ReplyStatus.DENIED, TchatatorReplies.BAD_CREDENTIALS)
        : TchatatorReplies.refused(f));
    });
  }

  /** The store operation a logged-in request stands for, and its reply. */
  private Future<TchatatorReply> perform(TchatatorRequest r, AccountInfo actor) {
    StoreClient store = edge.store();
    switch (r.command()) {
      case SEND_MSG:
        return store.request(new MessageRequest.Send(actor, r.id(RECIPIENT_ID), r.text(CONTENT), r.optionalText(CLIENT_ID)))
          .map(j -> {
            boolean replayed = j.getBoolean("replayed", false);
            if (!replayed) edge.relayed().increment();
            return TchatatorReplies.sent(MessageView.fromJson(j.getJsonObject("message")), replayed);
          });
      case UPDT_MSG:
        return store.request(new MessageRequest.Update(actor, r.id(MESSAGE_ID), r.text(CONTENT)))
          .map(j -> TchatatorReplies.updated(MessageView.fromJson(j.getJsonObject("message"))));
      case DEL_MSG:
        return store.request(new MessageRequest.Delete(actor, r.id(MESSAGE_ID)))
          .map(j -> TchatatorReplies.deleted(MessageDeleted.fromJson(j)));
      case BLOCK_USER:
        return store.request(new MessageRequest.Block(actor, r.id(USER_ID), optional(r, FOR_USER_ID)))
          .map(j -> TchatatorReplies.blocked(BlockInfo.fromJson(j)));
      case UNBLOCK_USER:
        return store.request(new MessageRequest.Unblock(actor, r.id(USER_ID), optional(r, FOR_USER_ID)))
          .map(j -> TchatatorReplies.unblocked(r.id(USER_ID), j.getJsonArray("lifted").size()));
      case BAN_USER:
        return store.request(new MessageRequest.Ban(actor, r.id(USER_ID))).map(j -> TchatatorReplies.banned(BanInfo.fromJson(j)));
      case UNBAN_USER:
        return store.request(new MessageRequest.Unban(actor, r.id(USER_ID))).map(j -> TchatatorReplies.unbanned(BanInfo.fromJson(j)));
      case GET_UNREAD:
        return store.request(new MessageRequest.Unread(actor)).map(j -> TchatatorReplies.unread(MessagePage.fromJson(j)));
      case GET_HISTORY:
        return store.request(new MessageRequest.History(actor, optional(r, BEFORE_MESSAGE_ID), null))
          .map(j -> TchatatorReplies.history(MessagePage.fromJson(j)));
      case SUBSCRIBE:
        subscribe(true);
        return Future.succeededFuture(TchatatorReplies.realTime(true));
      case UNSUBSCRIBE:
        subscribe(false);
        return Future.succeededFuture(TchatatorReplies.realTime(false));
      default:
        throw new IllegalStateException("not a store operation: " + r.command());
    }
  }

  private static Long optional(TchatatorRequest r, Parameter p) {
    OptionalLong v = r.optionalId(p);
    return v.isPresent() ? v.getAsLong() : null;
  }

  /**
   * A service's refusal; anything else is our fault and logged with its stack trace. A database outage is not
   * (whatever code carried it): the store logs it once per outage, and the client gets 503.
   */
  private BusFailure failure(Throwable t) {
    BusFailure f = BusFailure.from(t);
    if (f.code() == BusFailure.INTERNAL && !MessageReasons.STORE_UNAVAILABLE.equals(f.reason())) {
      LOG.error("request of {} from {} failed", identity(), ip, t);
    }
    return f;
  }

  private void subscribe(boolean on) {
    if (on == realTime) return;
    realTime = on;
    if (on) edge.registry().subscribe(account.id(), this);
    else edge.registry().unsubscribe(account.id(), this);
  }

  private void logout() {
    subscribe(false);
    if (account != null) edge.registry().loggedOut(account.id(), this);
    account = null;
    apiKey = null;
  }

  /**
   * Ends this session because its login no longer holds ({@code event} ends sessions authenticated by API key):
   * {@code 401/UNAUTH reason:<event>}, written at once (between replies, like a push), then the connection
   * closes. Requests received and not answered yet are dropped.
   */
  void revoke(AccountEvent event) {
    if (closed || revoked || account == null) return;
    revoked = true;
    closing = true;
    closeStarted = true;
    waiting.clear();
    log("login ended: account " + event.event());
    logout();
    TchatatorReply reply = TchatatorReplies.revoked(event.event());
    log("answered " + summary(reply));
    socket.write(ReplyEncoder.encode(reply)).onComplete(v -> socket.close());
    updateFlow();
  }

  /** Pushes a new message to this connection (it is in real-time mode); succeeds once the bytes are written. */
  Future<Void> push(MessageView message) {
    if (closed || !realTime) return Future.failedFuture("connection not in real-time mode");
    TchatatorReply reply = TchatatorReplies.push(message);
    log("pushed " + summary(reply) + " message " + message.id() + " from user " + message.senderId());
    return socket.write(ReplyEncoder.encode(reply));
  }

  AccountInfo account() {
    return account;
  }

  /** Stops reading; answers what was already received, then closes. */
  void closeWhenAnswered(String why) {
    if (closing || closed) return;
    closing = true;
    log("closing: " + why);
    closeIfAnswered();
  }

  private void closeIfAnswered() {
    if (closing && !busy && waiting.isEmpty() && !closeStarted) {
      closeStarted = true;
      lastWrite.onComplete(v -> socket.close());
    }
  }

  private void closed() {
    closed = true;
    edge.vertx().cancelTimer(idleTimer);
    cancelQuietTimer();
    edge.registry().remove(this, ip, account == null ? null : account.id(), realTime);
    log("closed");
  }

  /** Re-reads the idle timeout (called when the settings change). */
  void settingsChanged() {
    edge.vertx().cancelTimer(idleTimer);
    armIdleTimer();
  }

  private void armIdleTimer() {
    if (closed) return;
    long timeout = edge.settings().get().idleTimeout().toNanos();
    // a connection in real-time mode waits for pushes on purpose; TCP keep-alive finds it if it dies
    long idle = busy || realTime ? 0 : System.nanoTime() - lastActivityNanos;
    if (idle >= timeout) {
      closeWhenAnswered("idle for " + edge.settings().get().idleTimeout().toSeconds() + " s");
      return;
    }
    long waitMs = (timeout - idle) / 1_000_000 + 1;
    idleTimer = edge.vertx().setTimer(waitMs, id -> armIdleTimer());
  }

  private void updateFlow() {
    if (closed) return;
    boolean shouldPause = closing || waiting.size() >= MAX_WAITING || socket.writeQueueFull();
    if (shouldPause != paused) {
      paused = shouldPause;
      if (paused) socket.pause();
      else socket.resume();
    }
  }

  private void log(String text) {
    edge.log().log(identity(), ip, text);
  }

  private String identity() {
    return account == null ? "" : account.name() + "#" + account.id();
  }

  /** Constant-time comparison, so a key cannot be guessed byte by byte from response times. */
  private static boolean sameKey(String given, byte[] expected) {
    return expected != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected);
  }

  private static String summary(TchatatorReply reply) {
    StringBuilder out = new StringBuilder(reply.status().line());
    for (TchatatorReply.Field f : reply.fields()) {
      if (!f.key().equals("message") && !f.key().equals("detail")) out.append(' ').append(f.key()).append(':').append(f.value());
    }
    if (reply.messages() != null) out.append(" count:").append(reply.messages().size());
    return out.toString();
  }
}
