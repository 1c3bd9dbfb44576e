package io.chatrelay.shared.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The requests of the {@code chatrelay.messages.*} addresses (the message store's Tchatator operations). Every
 * request carries the {@code actor}: the account the edge has authenticated ({@link AccountInfo}; the
 * settings-file administrator is {@code {id:0, name:"admin", role:"admin"}}). Send {@link #toJson()} to
 * {@link #address()}; replies and failures are documented on each record and in
 * {@code docs/event-bus.md}; failure reasons are in {@link MessageReasons}.
 */
public sealed interface MessageRequest {
  AccountInfo actor();

  String address();

  JsonObject toJson();

  /**
   * -> {@code {message: MessageView}} (the sender's view), once the message is committed.
   * {@code clientId} (may be null) is the sender's idempotency key: a second send with the same sender and
   * {@code clientId} stores nothing and answers the message the first one stored.
   */
  record Send(AccountInfo actor, long recipientId, String content, String clientId) implements MessageRequest {
    public Send(AccountInfo actor, long recipientId, String content) {
      this(actor, recipientId, content, null);
    }

    public String address() {
      return Addresses.MESSAGES_SEND;
    }

    public JsonObject toJson() {
      JsonObject j = base(actor).put("recipientId", recipientId).put("content", content);
      return clientId == null ? j : j.put("clientId", clientId);
    }

    public static Send fromJson(JsonObject j) {
      Object clientId = j.getValue("clientId");
      if (clientId != null && !(clientId instanceof String)) throw bad("field 'clientId' must be a string");
      return new Send(actorOf(j), Replies.requireLong(j, "recipientId"), requireText(j, "content"), (String) clientId);
    }
  }

  /** -> {@code {message: MessageView}} (the sender's view, with {@code modifiedAt}). */
  record Update(AccountInfo actor, long messageId, String content) implements MessageRequest {
    public String address() {
      return Addresses.MESSAGES_UPDATE;
    }

    public JsonObject toJson() {
      return base(actor).put("messageId", messageId).put("content", content);
    }

    public static Update fromJson(JsonObject j) {
      return new Update(actorOf(j), Replies.requireLong(j, "messageId"), requireText(j, "content"));
    }
  }

  /** -> {@link MessageDeleted} {@code {id, senderId, recipientId, deletedAt}}. */
  record Delete(AccountInfo actor, long messageId) implements MessageRequest {
    public String address() {
      return Addresses.MESSAGES_DELETE;
    }

    public JsonObject toJson() {
      return base(actor).put("messageId", messageId);
    }

    public static Delete fromJson(JsonObject j) {
      return new Delete(actorOf(j), Replies.requireLong(j, "messageId"));
    }
  }

  /** -> {@link MessagePage}: every unread message to the actor, oldest first; they are then read. */
  record Unread(AccountInfo actor) implements MessageRequest {
    public String address() {
      return Addresses.MESSAGES_UNREAD;
    }

    public JsonObject toJson() {
      return base(actor);
    }

    public static Unread fromJson(JsonObject j) {
      return new Unread(actorOf(j));
    }
  }

  /**
   * -> {@link MessagePage}: at most {@code limit} (capped by {@code tchatator.history-block-size}) sent and read
   * messages of the actor, newest first, all older than message {@code beforeId} when given.
   */
  record History(AccountInfo actor, Long beforeId, Integer limit) implements MessageRequest {
    public String address() {
      return Addresses.MESSAGES_HISTORY;
    }

    public JsonObject toJson() {
      return base(actor).put("beforeId", beforeId).put("limit", limit);
    }

    public static History fromJson(JsonObject j) {
      Long limit = optionalLong(j, "limit");
      return new History(actorOf(j), optionalLong(j, "beforeId"), limit == null ? null : Math.toIntExact(limit));
    }
  }

  /** -> {@code {marked: n}}: marks these messages to the actor read (after a real-time delivery). */
  record MarkRead(AccountInfo actor, List<Long> ids) implements MessageRequest {
    public MarkRead {
      ids = List.copyOf(ids);
    }

    public String address() {
      return Addresses.MESSAGES_MARK_READ;
    }

    public JsonObject toJson() {
      return base(actor).put("ids", new JsonArray(new ArrayList<>(ids)));
    }

    public static MarkRead fromJson(JsonObject j) {
      Object raw = j.getValue("ids");
      if (!(raw instanceof JsonArray array)) throw bad("missing array field 'ids'");
      List<Long> ids = new ArrayList<>(array.size());
      for (Object v : array) {
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) throw bad("'ids' must hold integers");
        ids.add(n.longValue());
      }
      return new MarkRead(actorOf(j), ids);
    }
  }

  /**
   * -> {@link BlockInfo}. A professional blocks a member's messages to himself ({@code forUserId} absent or his
   * own id); an administrator blocks all of a user's messages ({@code forUserId} absent or 0) or those to one user.
   */
  record Block(AccountInfo actor, long userId, Long forUserId) implements MessageRequest {
    public String address() {
      return Addresses.MESSAGES_BLOCK;
    }

    public JsonObject toJson() {
      return base(actor).put("userId", userId).put("forUserId", forUserId);
    }

    public static Block fromJson(JsonObject j) {
      return new Block(actorOf(j), Replies.requireLong(j, "userId"), optionalLong(j, "forUserId"));
    }
  }

  /**
   * -> {@code {userId, lifted: [BlockInfo...]}}. A professional lifts his own block; an administrator lifts the
   * block for {@code forUserId}, or every block of the user when it is absent.
   */
  record Unblock(AccountInfo actor, long userId, Long forUserId) implements MessageRequest {
    public String address() {
      return Addresses.MESSAGES_UNBLOCK;
    }

    public JsonObject toJson() {
      return base(actor).put("userId", userId).put("forUserId", forUserId);
    }

    public static Unblock fromJson(JsonObject j) {
      return new Unblock(actorOf(j), Replies.requireLong(j, "userId"), optionalLong(j, "forUserId"));
    }
  }

  /** -> {@link BanInfo} (the existing ban if the user already was banned). Administrators only. */
  record Ban(AccountInfo actor, long userId) implements MessageRequest {
    public String address() {
      return Addresses.MESSAGES_BAN;
    }

    public JsonObject toJson() {
      return base(actor).put("userId", userId);
    }

    public static Ban fromJson(JsonObject j) {
      return new Ban(actorOf(j), Replies.requireLong(j, "userId"));
    }
  }

  /** -> {@link BanInfo} of the ban lifted. Administrators only. */
  record Unban(AccountInfo actor, long userId) implements MessageRequest {
    public String address() {
      return Addresses.MESSAGES_UNBAN;
    }

    public JsonObject toJson() {
      return base(actor).put("userId", userId);
    }

    public static Unban fromJson(JsonObject j) {
      return new Unban(actorOf(j), Replies.requireLong(j, "userId"));
    }
  }

  private static JsonObject base(AccountInfo actor) {
    return new JsonObject().put("actor", actor.toJson());
  }

  private static AccountInfo actorOf(JsonObject j) {
    if (!(j.getValue("actor") instanceof JsonObject actor)) throw bad("missing object field 'actor'");
    return AccountInfo.fromJson(actor);
  }

  /** A string field that must be present but may be empty (the store answers {@code empty-content} itself). */
  private static String requireText(JsonObject j, String field) {
    if (!(j.getValue(field) instanceof String s)) throw bad("missing string field '" + field + "'");
    return s;
  }

  private static Long optionalLong(JsonObject j, String field) {
    return j.getValue(field) == null ? null : Replies.requireLong(j, field);
  }

  private static BusFailure.BusFailureException bad(String text) {
    return BusFailure.of(BusFailure.BAD_REQUEST, MessageReasons.BAD_REQUEST, text).exception();
  }
}
