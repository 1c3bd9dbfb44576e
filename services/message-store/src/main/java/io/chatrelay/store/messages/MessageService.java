package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.BusGrant;
import io.chatrelay.shared.bus.BusKey;
import io.chatrelay.shared.bus.MessageDeleted;
import io.chatrelay.shared.bus.MessagePage;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.bus.MessageView;
import io.chatrelay.shared.bus.Replies;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.StoreRequests;
import io.chatrelay.store.db.Database;
import io.chatrelay.store.db.SqlDialect;
import io.chatrelay.store.db.SqlErrors;

import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Tchatator messages on the {@code chatrelay.messages.*} addresses (see {@code docs/event-bus.md}):
 * send, edit, delete, unread, history, mark-read, and through {@link Moderation} block and ban. Every change is
 * committed before the reply, then announced on {@code chatrelay.messages.created/updated/deleted}. The actor of
 * each request is the account the edge authenticated.
 */
public final class MessageService {
  /** Most ids one {@code mark-read} request may carry. */
  public static final int MAX_MARK_READ_IDS = 1000;
  /** What a send's idempotency key may be. */
  static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  /** The unique index that makes a (sender, clientId) pair store one message only (V3). */
  private static final String CLIENT_ID_INDEX = "message_sender_client_id_key";

  private final Database db;
  private final ServiceContext ctx;
  private final StoreRequests requests;
  private final MessageRepository repo;
  private final Moderation moderation;
  private final BusKey key;
  private EventBus bus;

  public MessageService(Database db, ServiceContext ctx, StoreRequests requests) {
    this.db = db;
    this.ctx = ctx;
    this.requests = requests;
    this.repo = new MessageRepository(db.dialect());
    this.moderation = new Moderation(db, ctx, repo);
    this.key = BusKey.of(ctx.vertx());
  }

  /** Registers a consumer per address on {@code bus}, where events are published too. */
  public List<MessageConsumer<?>> register(EventBus bus) {
    this.bus = bus;
    return List.of(
      consumer(Addresses.MESSAGES_SEND, MessageRequest.Send::fromJson, this::send),
      consumer(Addresses.MESSAGES_UPDATE, MessageRequest.Update::fromJson, this::update),
      consumer(Addresses.MESSAGES_DELETE, MessageRequest.Delete::fromJson, this::delete),
      consumer(Addresses.MESSAGES_UNREAD, MessageRequest.Unread::fromJson, this::unread),
      consumer(Addresses.MESSAGES_HISTORY, MessageRequest.History::fromJson, this::history),
      consumer(Addresses.MESSAGES_MARK_READ, MessageRequest.MarkRead::fromJson, this::markRead),
      consumer(Addresses.MESSAGES_BLOCK, MessageRequest.Block::fromJson, moderation::block),
      consumer(Addresses.MESSAGES_UNBLOCK, MessageRequest.Unblock::fromJson, moderation::unblock),
      consumer(Addresses.MESSAGES_BAN, MessageRequest.Ban::fromJson, moderation::ban),
      consumer(Addresses.MESSAGES_UNBAN, MessageRequest.Unban::fromJson, moderation::unban),
      adminConsumer(Addresses.ADMIN_ACCOUNTS_BAN, body -> moderation.ban(
        new MessageRequest.Ban(AccountInfo.SETTINGS_ADMIN, Replies.requireLong(body, "userId")))),
      adminConsumer(Addresses.ADMIN_ACCOUNTS_UNBAN, body -> moderation.unban(
        new MessageRequest.Unban(AccountInfo.SETTINGS_ADMIN, Replies.requireLong(body, "userId")))));
  }

  /**
   * A consumer whose handler is timed into {@code chatrelay_db_latency_seconds{operation=<last part of the
   * address>}} and whose rate-limit refusals are counted into {@code chatrelay_rate_limit_refusals_total}.
   */
  private <R extends MessageRequest> MessageConsumer<JsonObject> consumer(String address, Function<JsonObject, R> parse,
                                                  Function<R, Future<JsonObject>> handler) {
    Timer timer = ctx.meters().dbLatency(address.substring(address.lastIndexOf('.') + 1));
    return bus.consumer(address, requests.handleMessage((msg, body) -> {
      long started = System.nanoTime();
      R request = parse.apply(body);
      // The actor must be vouched for by the edge that authenticated it (an actor grant signed with the bus key).
      BusGrant.requireActor(key, msg, request.actor());
      return handler.apply(request)
        .onComplete(ar -> timer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
        .onFailure(this::countRateLimitRefusal);
    }));
  }

  /**
   * A {@code chatrelay.admin.*} consumer: the request must carry an admin grant; the administrator is the
   * settings-file one ({@link AccountInfo#SETTINGS_ADMIN}).
   */
  private MessageConsumer<JsonObject> adminConsumer(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return bus.consumer(address, requests.handleMessage((msg, body) -> {
      BusGrant.require(key, msg, BusGrant.ADMIN);
      return handler.apply(body);
    }));
  }

  private void countRateLimitRefusal(Throwable t) {
    BusFailure f = BusFailure.from(t);
    if (f.code() == BusFailure.RATE_LIMITED) {
      ctx.meters().rateLimitRefusals(ChatrelayMeters.PROTOCOL_TCHATATOR,
        "max-messages-per-" + f.details().getString("window", "minute")).increment();
    }
  }

  /** A stored message and whether an earlier send with the same idempotency key stored it. */
  private record Sent(StoredMessage message, boolean replayed) {
  }

  /**
   * Stores the message, or, when the sender already stored one with this {@code clientId}, answers that one
   * ({@code replayed: true}) and stores nothing: the key wins over the content and recipient of the retry. The
   * lookup runs under the sender's row lock (so sends of one user, on any instance, see each other's keys); the
   * unique index decides for senders without a row lock (administrators): the loser answers the winner's message.
   * <p>
   * On PostgreSQL the lock, the lookup, the checks and the insert are ONE statement and one round trip (V4's
   * {@code chatrelay_send}, in autocommit mode); on H2 they are four statements in one transaction (lock, lookup,
   * every check in one, insert). Both answer a {@link MessageRepository.SendOutcome}, mapped here to the replies.
   */
  Future<JsonObject> send(MessageRequest.Send req) {
    AccountInfo sender = req.actor();
    ChatrelayConfig cfg = ctx.config().get();
    String clientId = req.clientId();
    checkClientId(clientId);
    checkContent(req.content(), cfg);
    boolean checked = !MessagePolicy.isAdmin(sender);
    MessageRepository.SendArgs args = new MessageRepository.SendArgs(sender.id(), checked,
      MessagePolicy.allowedRecipientRoles(sender), req.recipientId(), req.content(), clientId, ctx.clock().millis(),
      checked ? RateLimits.limit(cfg, RateLimits.MINUTE) : 0, checked ? RateLimits.limit(cfg, RateLimits.HOUR) : 0);
    Future<Sent> sent = (db.dialect() == SqlDialect.POSTGRES ? repo.sendInOneStatement(db.pool(), args)
      : db.pool().withTransaction(c -> sendInTransaction(c, args)))
      .map(outcome -> sentOrRefused(outcome, req, cfg));
    if (clientId != null) {
      sent = sent.recover(err -> !SqlErrors.isUniqueViolation(err, CLIENT_ID_INDEX) ? Future.failedFuture(err)
        : repo.findByClientId(db.pool(), sender.id(), clientId).compose(winner -> winner == null
          ? Future.failedFuture(err) : Future.succeededFuture(new Sent(winner, true))));
    }
    return sent.map(outcome -> {
      long now = ctx.clock().millis();
      StoredMessage stored = outcome.message();
      if (outcome.replayed()) return messageReply(stored, sender, now).put("replayed", true);
      bus.publish(Addresses.MESSAGES_CREATED, stored.viewFor(stored.recipientId(), now).toJson());
      return messageReply(stored, sender, now);
    });
  }

  /** H2's send: the sender's row lock, the replay lookup, the checks in one statement, the insert. */
  private Future<MessageRepository.SendOutcome> sendInTransaction(SqlClient c, MessageRepository.SendArgs a) {
    Future<Boolean> locked = a.checked() ? repo.lockAccount(c, a.senderId()).map(role -> role != null)
      : Future.succeededFuture(true);
    return locked.compose(present -> {
      if (!present) return Future.succeededFuture(MessageRepository.SendOutcome.of("sender-gone"));
      Future<StoredMessage> earlier = a.clientId() == null ? Future.succeededFuture()
        : repo.findByClientId(c, a.senderId(), a.clientId());
      return earlier.compose(found -> found != null
        ? Future.succeededFuture(new MessageRepository.SendOutcome("replayed", null, found, null, null, null))
        : repo.sendChecks(c, a).compose(checks -> !checks.code().equals("stored") ? Future.succeededFuture(checks)
          : repo.insertMessage(c, a.senderId(), a.recipientId(), a.content(), a.clientId(), a.now())
            .map(id -> new MessageRepository.SendOutcome("stored", checks.recipientRole(),
              new StoredMessage(id, a.senderId(), a.recipientId(), a.content(), a.now(), null, false, false),
              null, null, null))));
    });
  }

  /** The stored or replayed message of a send's outcome; any other outcome as the refusal it is. */
  private static Sent sentOrRefused(MessageRepository.SendOutcome o, MessageRequest.Send req, ChatrelayConfig cfg) {
    AccountInfo sender = req.actor();
    switch (o.code()) {
      case "stored":
        return new Sent(o.message(), false);
      case "replayed":
        return new Sent(o.message(), true);
      case "sender-gone":
        throw MessagePolicy.notPermitted("account " + sender.id() + " no longer exists");
      case "unknown-recipient":
        throw BusFailure.of(BusFailure.NOT_FOUND, MessageReasons.UNKNOWN_RECIPIENT,
          "no user with id " + req.recipientId()).exception();
      case "recipient-not-allowed":
        MessagePolicy.checkRecipient(sender, req.recipientId(), o.recipientRole());
        throw new IllegalStateException("the database refused recipient " + req.recipientId() + " ("
          + o.recipientRole() + ") of " + sender + ", which the policy allows");
      case "banned":
      case "blocked":
        throw Moderation.refusal(sender.id(), o);
      case "rate-limited":
        throw RateLimits.refusal(cfg, o.d1(), o.d2()).exception();
      default:
        throw new IllegalStateException("unknown send outcome " + o.code());
    }
  }

  Future<JsonObject> update(MessageRequest.Update req) {
    AccountInfo sender = req.actor();
    checkContent(req.content(), ctx.config().get());
    return db.pool().withTransaction(c -> ownMessage(c, req.messageId(), sender)
        .compose(stored -> {
          long now = ctx.clock().millis();
          return moderation.checkMaySend(c, sender, stored.recipientId(), now)
            .compose(v -> repo.updateContent(c, stored.id(), req.content(), now))
            .map(v -> stored.edited(req.content(), now));
        }))
      .map(edited -> {
        long now = ctx.clock().millis();
        bus.publish(Addresses.MESSAGES_UPDATED, edited.viewFor(edited.recipientId(), now).toJson());
        return messageReply(edited, sender, now);
      });
  }

  /** One statement (it flags the message if the actor sent it); only a refusal reads the message to say why. */
  Future<JsonObject> delete(MessageRequest.Delete req) {
    long id = req.messageId();
    return repo.deleteOwn(db.pool(), id, req.actor().id())
      .compose(deleted -> deleted != null ? Future.succeededFuture(deleted)
        : repo.findById(db.pool(), id).map(found -> {
          checkOwn(found, id, req.actor());
          // it was there and his, and is gone now: deleted meanwhile
          throw unknownMessage(id);
        }))
      .map(stored -> {
        MessageDeleted deleted = new MessageDeleted(stored.id(), stored.senderId(), stored.recipientId(), ctx.clock().millis());
        bus.publish(Addresses.MESSAGES_DELETED, deleted.toJson());
        return deleted.toJson();
      });
  }

  /**
   * Delivers every unread message and marks them read in the same statement. The recipient's account row is
   * locked first, so two deliveries to one user (two sessions, two edges) run one after the other and never
   * hand out the same message twice. Asking with nothing unread is a plain read (no lock, no commit to wait for).
   */
  Future<JsonObject> unread(MessageRequest.Unread req) {
    long me = req.actor().id();
    // PostgreSQL: the UPDATE alone is enough (one statement, one round trip): a second one waits for the first's
    // row locks, then re-checks "read = FALSE" on the rows it marked and skips them
    Future<List<StoredMessage>> delivered = db.dialect() == SqlDialect.POSTGRES ? repo.deliverUnread(db.pool(), me)
      : repo.hasUnread(db.pool(), me)
        .compose(any -> !any ? Future.succeededFuture(List.<StoredMessage>of())
          : db.pool().withTransaction(c -> repo.lockAccount(c, me).compose(role -> repo.deliverUnread(c, me))));
    return delivered
      .map(messages -> {
        long now = ctx.clock().millis();
        List<MessageView> views = messages.stream().map(m -> m.viewFor(me, now)).toList();
        return new MessagePage(views, false).toJson();
      });
  }

  Future<JsonObject> history(MessageRequest.History req) {
    int blockSize = Math.max(1, ctx.config().get().getInt("tchatator.history-block-size"));
    if (req.limit() != null && req.limit() < 1) throw badRequest("limit must be at least 1");
    if (req.beforeId() != null && req.beforeId() < 1) throw badRequest("beforeId must be a message id");
    int count = req.limit() == null ? blockSize : Math.min(req.limit(), blockSize);
    long before = req.beforeId() == null ? Long.MAX_VALUE : req.beforeId();
    long me = req.actor().id();
    // one more than asked: whether it exists says whether an older block exists
    return repo.history(db.pool(), me, before, count + 1).map(messages -> {
      long now = ctx.clock().millis();
      List<MessageView> views = messages.stream().limit(count).map(m -> m.viewFor(me, now)).toList();
      return new MessagePage(views, messages.size() > count).toJson();
    });
  }

  Future<JsonObject> markRead(MessageRequest.MarkRead req) {
    if (req.ids().size() > MAX_MARK_READ_IDS) throw badRequest("at most " + MAX_MARK_READ_IDS + " ids per request");
    // up to IN_CHUNK ids: one statement, no transaction around it
    Future<Integer> marked = req.ids().isEmpty() ? Future.succeededFuture(0)
      : req.ids().size() <= MessageRepository.IN_CHUNK ? repo.markRead(db.pool(), req.actor().id(), req.ids())
      : db.pool().withTransaction(c -> repo.markRead(c, req.actor().id(), req.ids()));
    return marked.map(n -> new JsonObject().put("marked", n));
  }

  /** The message, locked, if {@code actor} sent it and it is not deleted; else 404 or 403. */
  private Future<StoredMessage> ownMessage(SqlClient c, long messageId, AccountInfo actor) {
    return repo.findForUpdate(c, messageId).map(stored -> checkOwn(stored, messageId, actor));
  }

  /** {@code stored} if {@code actor} sent it and it is not deleted; else 404 or 403. */
  private static StoredMessage checkOwn(StoredMessage stored, long messageId, AccountInfo actor) {
    if (stored == null || stored.deleted()) throw unknownMessage(messageId);
    if (stored.senderId() != actor.id()) {
      throw BusFailure.of(BusFailure.DENIED, MessageReasons.NOT_SENDER, "only the sender of a message can change it")
        .exception();
    }
    return stored;
  }

  private static BusFailure.BusFailureException unknownMessage(long messageId) {
    return BusFailure.of(BusFailure.NOT_FOUND, MessageReasons.UNKNOWN_MESSAGE, "no message with id " + messageId)
      .exception();
  }

  private static JsonObject messageReply(StoredMessage stored, AccountInfo viewer, long now) {
    return new JsonObject().put("message", stored.viewFor(viewer.id(), now).toJson());
  }

  /** Absent, or 1 to 64 of {@code A-Z a-z 0-9 . _ : -}; else 400 {@code bad-client-id}. */
  static void checkClientId(String clientId) {
    if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, MessageReasons.BAD_CLIENT_ID,
        "a client id is 1 to 64 letters, digits, '.', '_', ':' or '-'").exception();
    }
  }

  /** Not empty, and at most {@code tchatator.max-message-length} characters (Unicode code points). */
  static void checkContent(String content, ChatrelayConfig cfg) {
    if (content.isBlank()) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, MessageReasons.EMPTY_CONTENT, "the message is empty").exception();
    }
    int max = cfg.getInt("tchatator.max-message-length");
    int length = content.codePointCount(0, content.length());
    if (length > max) {
      throw BusFailure.of(BusFailure.TOO_LONG, MessageReasons.CONTENT_TOO_LONG,
          "the message has " + length + " characters; at most " + max + " are allowed")
        .with("length", length).with("maxLength", max).exception();
    }
  }

  private static BusFailure.BusFailureException badRequest(String text) {
    return BusFailure.of(BusFailure.BAD_REQUEST, MessageReasons.BAD_REQUEST, text).exception();
  }
}
