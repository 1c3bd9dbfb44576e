package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BanInfo;
import io.chatrelay.shared.bus.BlockInfo;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.store.db.SqlDialect;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of the messages, blocks and bans, written once for H2 and PostgreSQL. Every method runs on the client
 * it is given, so the service decides what shares a transaction.
 */
final class MessageRepository {
  /** Ids per {@code IN (...)} list; shorter lists are padded by repeating an id, so the statement text never varies. */
  static final int IN_CHUNK = 100;
  private static final String ID_LIST = idList(IN_CHUNK);

  private final SqlDialect dialect;

  MessageRepository(SqlDialect dialect) {
    this.dialect = dialect;
  }

  // ---- accounts (read only: the accounts service owns the table) ----

  /** The account's role, locking its row until the transaction ends (serializes that user's sends); null if none. */
  Future<Role> lockAccount(SqlClient c, long id) {
    return role(c, "SELECT role FROM account WHERE id = #{id} FOR UPDATE", id);
  }

  /** The account (name and role), locking its row until the transaction ends; null if there is none. */
  Future<AccountInfo> lockAccountInfo(SqlClient c, long id) {
    return run(c, "SELECT name, role FROM account WHERE id = #{id} FOR UPDATE", Map.of("id", id)).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) return null;
      Row r = it.next();
      return new AccountInfo(id, r.getString("name"), Role.fromWire(r.getString("role")));
    });
  }

  /** The account's role, or null if there is no such account. */
  Future<Role> accountRole(SqlClient c, long id) {
    return role(c, "SELECT role FROM account WHERE id = #{id}", id);
  }

  private Future<Role> role(SqlClient c, String sql, long id) {
    return run(c, sql, Map.of("id", id)).map(rows -> {
      var it = rows.iterator();
      return it.hasNext() ? Role.fromWire(it.next().getString("role")) : null;
    });
  }

  // ---- messages ----

  /** Inserts a message; {@code clientId} (the sender's idempotency key) may be null. */
  Future<Long> insertMessage(SqlClient c, long senderId, long recipientId, String content, String clientId, long now) {
    String sql = dialect.insertReturning("INSERT INTO message (sender_id, recipient_id, content, sent_at, deleted, read,"
      + " client_id) VALUES (#{sender}, #{recipient}, #{content}, #{now}, FALSE, FALSE, #{clientId})", "id");
    Map<String, Object> params = new HashMap<>();     // Map.of refuses the null clientId
    params.put("sender", senderId);
    params.put("recipient", recipientId);
    params.put("content", content);
    params.put("now", now);
    params.put("clientId", clientId);
    return run(c, sql, params).map(rows -> rows.iterator().next().getLong("id"));
  }

  /** The message {@code senderId} stored with idempotency key {@code clientId}, as it is now; null if none. */
  Future<StoredMessage> findByClientId(SqlClient c, long senderId, String clientId) {
    return run(c, "SELECT " + StoredMessage.COLUMNS + " FROM message WHERE sender_id = #{sender} AND client_id = #{clientId}",
      Map.of("sender", senderId, "clientId", clientId)).map(MessageRepository::firstOrNull);
  }

  /** The message, its row locked until the transaction ends; null if there is none. */
  Future<StoredMessage> findForUpdate(SqlClient c, long id) {
    return run(c, "SELECT " + StoredMessage.COLUMNS + " FROM message WHERE id = #{id} FOR UPDATE", Map.of("id", id))
      .map(MessageRepository::firstOrNull);
  }

  Future<Void> updateContent(SqlClient c, long id, String content, long now) {
    return run(c, "UPDATE message SET content = #{content}, modified_at = #{now} WHERE id = #{id}",
      Map.of("id", id, "content", content, "now", now)).mapEmpty();
  }

  Future<Void> markDeleted(SqlClient c, long id) {
    return run(c, "UPDATE message SET deleted = TRUE WHERE id = #{id}", Map.of("id", id)).mapEmpty();
  }

  /** Whether {@code recipientId} has an unread, non-deleted message (a plain read: no lock, no write). */
  Future<Boolean> hasUnread(SqlClient c, long recipientId) {
    return run(c, "SELECT id FROM message WHERE recipient_id = #{me} AND read = FALSE AND deleted = FALSE LIMIT 1",
      Map.of("me", recipientId)).map(rows -> rows.size() > 0);
  }

  /**
   * Marks every unread, non-deleted message to {@code recipientId} read and returns them, oldest first. One
   * statement: exactly the rows it marks are the rows it returns, so a message arriving meanwhile stays unread.
   */
  Future<List<StoredMessage>> deliverUnread(SqlClient c, long recipientId) {
    String sql = dialect.updateReturning("UPDATE message SET read = TRUE"
      + " WHERE recipient_id = #{me} AND read = FALSE AND deleted = FALSE", StoredMessage.COLUMNS);
    return run(c, sql, Map.of("me", recipientId)).map(rows -> {
      List<StoredMessage> out = messages(rows);
      out.sort(Comparator.comparingLong(StoredMessage::id));
      return out;
    });
  }

  /**
   * Marks read those of {@code ids} that are non-deleted messages to {@code recipientId}; how many they are.
   * (No {@code read = FALSE} condition: with it H2 walks the recipient's index instead of the primary key.)
   */
  Future<Integer> markRead(SqlClient c, long recipientId, List<Long> ids) {
    Future<Integer> total = Future.succeededFuture(0);
    for (int from = 0; from < ids.size(); from += IN_CHUNK) {
      Map<String, Object> params = idParams(ids.subList(from, Math.min(ids.size(), from + IN_CHUNK)));
      params.put("me", recipientId);
      total = total.compose(sum -> run(c, "UPDATE message SET read = TRUE"
        + " WHERE id IN (" + ID_LIST + ") AND recipient_id = #{me} AND deleted = FALSE", params)
        .map(rows -> sum + rows.rowCount()));
    }
    return total;
  }

  /**
   * At most {@code count} non-deleted messages of {@code userId} with an id below {@code beforeId}, newest first:
   * those he sent and those he received and has read. Each half walks its own index backwards from
   * {@code beforeId}; the union keeps the newest {@code count}. (The ORDER BYs name the index's leading columns,
   * constant here, because only then does H2 read the index backwards instead of sorting every match.)
   */
  Future<List<StoredMessage>> history(SqlClient c, long userId, long beforeId, int count) {
    String sql = "SELECT " + StoredMessage.COLUMNS + " FROM ("
      + "SELECT " + StoredMessage.COLUMNS + " FROM message WHERE sender_id = #{me} AND id < #{before}"
      + " AND deleted = FALSE ORDER BY sender_id DESC, id DESC LIMIT #{count}) sent"
      + " UNION ALL SELECT " + StoredMessage.COLUMNS + " FROM ("
      + "SELECT " + StoredMessage.COLUMNS + " FROM message WHERE recipient_id = #{me} AND read = TRUE"
      + " AND id < #{before} AND deleted = FALSE ORDER BY recipient_id DESC, read DESC, id DESC LIMIT #{count}) received"
      + " ORDER BY id DESC LIMIT #{count}";
    return run(c, sql, Map.of("me", userId, "before", beforeId, "count", count)).map(MessageRepository::messages);
  }

  /** How many messages a sender sent after {@code recentFrom} and after {@code from} (the earlier instant). */
  record SentCounts(long sinceRecent, long sinceFrom) {
  }

  Future<SentCounts> sentSince(SqlClient c, long senderId, long recentFrom, long from) {
    return run(c, "SELECT COUNT(CASE WHEN sent_at > #{recent} THEN 1 END) AS recent, COUNT(*) AS total"
      + " FROM message WHERE sender_id = #{sender} AND sent_at > #{from}",
      Map.of("sender", senderId, "recent", recentFrom, "from", from))
      .map(rows -> {
        Row r = rows.iterator().next();
        return new SentCounts(r.getLong("recent"), r.getLong("total"));
      });
  }

  /** The send time of {@code senderId}'s ({@code skip}+1)-th oldest message sent after {@code from}. */
  Future<Long> sentAtFrom(SqlClient c, long senderId, long from, long skip) {
    return run(c, "SELECT sent_at FROM message WHERE sender_id = #{sender} AND sent_at > #{from}"
      + " ORDER BY sent_at LIMIT 1 OFFSET #{skip}", Map.of("sender", senderId, "from", from, "skip", skip))
      .map(rows -> rows.iterator().next().getLong("sent_at"));
  }

  // ---- blocks and bans ----

  /** Blocks of {@code userId} still in force at {@code now}. */
  Future<List<BlockInfo>> activeBlocks(SqlClient c, long userId, long now) {
    return run(c, "SELECT user_id, for_user_id, set_by, until_at FROM blocked_user"
      + " WHERE user_id = #{user} AND until_at > #{now} ORDER BY for_user_id", Map.of("user", userId, "now", now))
      .map(rows -> {
        List<BlockInfo> out = new ArrayList<>();
        for (Row r : rows) {
          out.add(new BlockInfo(r.getLong("user_id"), r.getLong("for_user_id"), r.getLong("set_by"), r.getLong("until_at")));
        }
        return out;
      });
  }

  /** Sets (or replaces) the block; the caller holds the lock of the blocked user's account row. */
  Future<Void> putBlock(SqlClient c, BlockInfo block, long now) {
    Map<String, Object> params = Map.of("user", block.userId(), "for", block.forUserId(), "by", block.setBy(),
      "now", now, "until", block.until());
    return run(c, "UPDATE blocked_user SET set_by = #{by}, set_at = #{now}, until_at = #{until}"
      + " WHERE user_id = #{user} AND for_user_id = #{for}", params)
      .compose(updated -> updated.rowCount() > 0 ? Future.<Void>succeededFuture()
        : run(c, "INSERT INTO blocked_user (user_id, for_user_id, set_by, set_at, until_at)"
          + " VALUES (#{user}, #{for}, #{by}, #{now}, #{until})", params).mapEmpty());
  }

  /** Removes the blocks (in force or expired) of {@code userId} for {@code forUserId}, or all when it is null. */
  Future<Void> deleteBlocks(SqlClient c, long userId, Long forUserId) {
    return forUserId == null
      ? run(c, "DELETE FROM blocked_user WHERE user_id = #{user}", Map.of("user", userId)).mapEmpty()
      : run(c, "DELETE FROM blocked_user WHERE user_id = #{user} AND for_user_id = #{for}",
        Map.of("user", userId, "for", forUserId)).mapEmpty();
  }

  /** The user's ban, or null. */
  Future<BanInfo> ban(SqlClient c, long userId) {
    return run(c, "SELECT user_id, set_by, banned_at FROM banned_user WHERE user_id = #{user}", Map.of("user", userId))
      .map(rows -> {
        var it = rows.iterator();
        if (!it.hasNext()) return null;
        Row r = it.next();
        return new BanInfo(r.getLong("user_id"), r.getLong("set_by"), r.getLong("banned_at"));
      });
  }

  Future<Void> insertBan(SqlClient c, BanInfo ban) {
    return run(c, "INSERT INTO banned_user (user_id, set_by, banned_at) VALUES (#{user}, #{by}, #{at})",
      Map.of("user", ban.userId(), "by", ban.setBy(), "at", ban.bannedAt())).mapEmpty();
  }

  Future<Void> deleteBan(SqlClient c, long userId) {
    return run(c, "DELETE FROM banned_user WHERE user_id = #{user}", Map.of("user", userId)).mapEmpty();
  }

  // ---- helpers ----

  private static Future<RowSet<Row>> run(SqlClient c, String sql, Map<String, Object> params) {
    return SqlTemplate.forQuery(c, sql).execute(params);
  }

  private static StoredMessage firstOrNull(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? StoredMessage.from(it.next()) : null;
  }

  private static List<StoredMessage> messages(RowSet<Row> rows) {
    List<StoredMessage> out = new ArrayList<>(rows.size());
    for (Row r : rows) out.add(StoredMessage.from(r));
    return out;
  }

  private static String idList(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ", ").append("#{id").append(i).append('}');
    return sb.toString();
  }

  /** {@code id0..id<IN_CHUNK-1>} for a non-empty chunk, the last id repeated to fill it. */
  private static Map<String, Object> idParams(List<Long> chunk) {
    Map<String, Object> params = new HashMap<>();
    for (int i = 0; i < IN_CHUNK; i++) params.put("id" + i, chunk.get(Math.min(i, chunk.size() - 1)));
    return params;
  }
}
