package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BanInfo;
import io.chatrelay.shared.bus.BlockInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.bus.MessageRequest;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.db.Database;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;

/**
 * Blocks and bans: setting and lifting them, and the check every send and edit goes through. Each change runs in
 * a transaction that first locks the target's account row — the lock every send of that user takes too, so a
 * block or ban is in force for every send that commits after it. A ban or unban, once committed, is published on
 * {@code chatrelay.accounts.events} ({@link AccountEvent}): edges end the banned account's sessions, and every
 * store instance forgets its verified passwords.
 */
final class Moderation {
  private static final Logger LOG = LoggerFactory.getLogger(Moderation.class);
  private static final long HOUR_MS = 3_600_000L;

  private final Database db;
  private final ServiceContext ctx;
  private final MessageRepository repo;

  Moderation(Database db, ServiceContext ctx, MessageRepository repo) {
    this.db = db;
    this.ctx = ctx;
    this.repo = repo;
  }

  /**
   * Fails 403 {@code banned} or {@code blocked} (saying until when) if {@code sender} may not write to the
   * recipient now: one statement reads the ban and the block in force that ends last.
   */
  Future<Void> checkMaySend(SqlClient c, AccountInfo sender, long recipientId, long now) {
    if (MessagePolicy.isAdmin(sender)) return Future.succeededFuture();
    return repo.sendBarrier(c, sender.id(), recipientId, now).map(barrier -> {
      if (barrier != null) throw refusal(sender.id(), barrier);
      return null;
    });
  }

  /** The refusal of a {@code banned} or {@code blocked} outcome of {@code senderId}'s send. */
  static BusFailure.BusFailureException refusal(long senderId, MessageRepository.SendOutcome barrier) {
    return barrier.code().equals("banned") ? banned(new BanInfo(senderId, barrier.d1(), barrier.d2()))
      : blocked(new BlockInfo(senderId, barrier.d1(), barrier.d2(), barrier.d3()));
  }

  Future<JsonObject> block(MessageRequest.Block req) {
    AccountInfo actor = req.actor();
    long scope = MessagePolicy.blockScope(actor, req.forUserId());
    return db.pool().withTransaction(c -> lockTarget(c, req.userId())
      .compose(target -> {
        MessagePolicy.checkBlockTarget(actor, req.userId(), target.role(), scope);
        boolean otherRecipient = scope != BlockInfo.EVERYONE && scope != actor.id();
        return otherRecipient ? requireAccount(c, scope) : Future.succeededFuture();
      })
      .compose(v -> {
        long now = ctx.clock().millis();
        long hours = ctx.config().get().getLong("tchatator.block-duration-hours");
        BlockInfo block = new BlockInfo(req.userId(), scope, actor.id(), now + hours * HOUR_MS);
        return repo.putBlock(c, block, now).map(block);
      }))
      .onSuccess(b -> LOG.info("{} (id {}, {}) blocked the messages of user {} to {} until {}", actor.name(),
        actor.id(), actor.role().wire(), b.userId(), scopeText(b.forUserId()), Instant.ofEpochMilli(b.until())))
      .map(BlockInfo::toJson);
  }

  Future<JsonObject> unblock(MessageRequest.Unblock req) {
    AccountInfo actor = req.actor();
    boolean admin = MessagePolicy.isAdmin(actor);
    // an administrator without forUserId lifts every block of the user
    Long scope = admin ? req.forUserId() : Long.valueOf(MessagePolicy.blockScope(actor, req.forUserId()));
    return db.pool().withTransaction(c -> lockTarget(c, req.userId())
      .compose(target -> repo.activeBlocks(c, req.userId(), ctx.clock().millis()))
      .compose(blocks -> {
        List<BlockInfo> lifted = blocks.stream().filter(b -> scope == null || b.forUserId() == scope).toList();
        if (lifted.isEmpty()) {
          throw BusFailure.of(BusFailure.NOT_FOUND, MessageReasons.NOT_BLOCKED, "user " + req.userId()
            + " is not blocked" + (scope == null ? "" : " for " + scopeText(scope))).exception();
        }
        if (!admin && lifted.stream().anyMatch(b -> b.setBy() != actor.id())) {
          throw BusFailure.of(BusFailure.DENIED, MessageReasons.NOT_SETTER,
            "this block was set by an administrator; only an administrator can lift it").exception();
        }
        return repo.deleteBlocks(c, req.userId(), scope).map(lifted);
      }))
      .onSuccess(lifted -> LOG.info("{} (id {}, {}) lifted {} block(s) of user {}", actor.name(), actor.id(),
        actor.role().wire(), lifted.size(), req.userId()))
      .map(lifted -> {
        JsonArray out = new JsonArray();
        lifted.forEach(b -> out.add(b.toJson()));
        return new JsonObject().put("userId", req.userId()).put("lifted", out);
      });
  }

  /**
   * Bans the user, or keeps the ban in force; either way publishes {@link AccountEvent#BANNED}, so that an
   * administrator banning again ends sessions that slipped past the first event.
   */
  Future<JsonObject> ban(MessageRequest.Ban req) {
    AccountInfo actor = req.actor();
    MessagePolicy.checkMayBan(actor);
    return db.pool().withTransaction(c -> lockTarget(c, req.userId())
      .compose(target -> {
        MessagePolicy.checkBanTarget(actor, req.userId(), target.role());
        return repo.ban(c, req.userId()).compose(existing -> {
          if (existing != null) return Future.succeededFuture(new Moderated(target, existing));
          BanInfo ban = new BanInfo(req.userId(), actor.id(), ctx.clock().millis());
          return repo.insertBan(c, ban).map(new Moderated(target, ban));
        });
      }))
      .onSuccess(done -> {
        LOG.info("{} (id {}) banned user {}: banned since {} by {}", actor.name(), actor.id(),
          req.userId(), Instant.ofEpochMilli(done.ban().bannedAt()), done.ban().setBy());
        announce(AccountEvent.BANNED, done.target());
      })
      .map(done -> done.ban().toJson());
  }

  Future<JsonObject> unban(MessageRequest.Unban req) {
    AccountInfo actor = req.actor();
    MessagePolicy.checkMayBan(actor);
    return db.pool().withTransaction(c -> lockTarget(c, req.userId())
      .compose(target -> repo.ban(c, req.userId()).compose(ban -> {
        if (ban == null) {
          throw BusFailure.of(BusFailure.NOT_FOUND, MessageReasons.NOT_BANNED, "user " + req.userId() + " is not banned")
            .exception();
        }
        return repo.deleteBan(c, req.userId()).map(new Moderated(target, ban));
      })))
      .onSuccess(done -> {
        LOG.info("{} (id {}) lifted the ban of user {}", actor.name(), actor.id(), req.userId());
        announce(AccountEvent.UNBANNED, done.target());
      })
      .map(done -> done.ban().toJson());
  }

  /** A ban set or lifted, and whose. */
  private record Moderated(AccountInfo target, BanInfo ban) {
  }

  private void announce(String event, AccountInfo target) {
    ctx.vertx().eventBus().publish(Addresses.ACCOUNTS_EVENTS,
      new AccountEvent(event, target.id(), target.name(), ctx.clock().millis()).toJson());
  }

  /** Locks the target's account row (see the class comment); the account, or 404 {@code unknown-user}. */
  private Future<AccountInfo> lockTarget(SqlClient c, long userId) {
    return repo.lockAccountInfo(c, userId).map(target -> {
      if (target == null) throw unknownUser(userId);
      return target;
    });
  }

  private Future<Void> requireAccount(SqlClient c, long userId) {
    return repo.accountRole(c, userId).map(role -> {
      if (role == null) throw unknownUser(userId);
      return null;
    });
  }

  private static BusFailure.BusFailureException unknownUser(long userId) {
    return BusFailure.of(BusFailure.NOT_FOUND, MessageReasons.UNKNOWN_USER, "no user with id " + userId).exception();
  }

  private static BusFailure.BusFailureException banned(BanInfo ban) {
    String since = Instant.ofEpochMilli(ban.bannedAt()).toString();
    return BusFailure.of(BusFailure.DENIED, MessageReasons.BANNED,
        "you are banned (since " + since + ") and cannot send messages")
      .with("bannedAt", ban.bannedAt()).with("bannedAtText", since).with("setBy", ban.setBy()).exception();
  }

  private static BusFailure.BusFailureException blocked(BlockInfo block) {
    String until = Instant.ofEpochMilli(block.until()).toString();
    boolean everyone = block.forUserId() == BlockInfo.EVERYONE;
    String text = everyone
      ? "an administrator has blocked your messages until " + until
      : "you are blocked from writing to user " + block.forUserId() + " until " + until;
    return BusFailure.of(BusFailure.DENIED, MessageReasons.BLOCKED, text)
      .with("until", block.until()).with("untilText", until)
      .with("scope", everyone ? "everyone" : "recipient").with("setBy", block.setBy()).exception();
  }

  private static String scopeText(long forUserId) {
    return forUserId == BlockInfo.EVERYONE ? "everyone" : "user " + forUserId;
  }
}
