package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BanInfo;
import io.chatrelay.shared.bus.BlockInfo;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.store.db.CompiledSql;
import io.chatrelay.store.db.SqlDialect;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of the messages, blocks and bans, written once for H2 and PostgreSQL (except the send, see
 * {@link #sendInOneStatement} and {@link #sendChecks}). Every method runs on the client it is given, so the service
 * decides what shares a transaction. Every statement is compiled once ({@link CompiledSql}) and run prepared.
 */
final class MessageRepository {
  /** Ids per {@code IN (...)} list; shorter lists are padded by repeating an id, so the statement text never varies. */
  static final int IN_CHUNK = 100;
  private static final String ID_LIST = idList(IN_CHUNK);

  /** The PostgreSQL send: one call of V4's {@code chatrelay_send}, one round trip in autocommit mode. */
  static final String SEND_FUNCTION_CALL = "SELECT code, recipient_role, " + StoredMessage.COLUMNS + ", d1, d2, d3"
    + " FROM chatrelay_send($1, $2, $3, $4, $5, $6, $7, $8, $9)";

  /**
   * The send time of the sender's {@code skip}+1-th newest message sent after {@code from}: NULL unless that many
   * are in the window. Walks {@code message_sender_sent_at_idx} backwards and stops there, so it reads at most
   * skip+1 rows whatever the sender's history (the ORDER BY names the index's constant leading column: only then
   * does H2 walk it backwards). PostgreSQL's {@code chatrelay_send} runs the same query.
   */
  static final String RATE_WINDOW = "SELECT sent_at FROM message WHERE sender_id = #{sender} AND sent_at > #{from}"
    + " ORDER BY sender_id DESC, sent_at DESC LIMIT 1 OFFSET #{skip}";

  /**
   * H2's checks of a send, in one statement: the recipient's role, the sender's ban, the block in force that ends
   * last, and both rate-limit windows ({@link #RATE_WINDOW}; a window that is off gets {@code from} = max).
   */
  static final String SEND_CHECKS = "SELECT (SELECT role FROM account WHERE id = #{recipient}) AS recipient_role,"
    + " ban.set_by AS ban_by, ban.banned_at, blk.for_user_id AS block_for, blk.set_by AS block_by, blk.until_at AS block_until,"
    + " (" + RATE_WINDOW.replace("#{from}", "#{minuteFrom}").replace("#{skip}", "#{minuteSkip}") + ") AS minute_full,"
    + " (" + RATE_WINDOW.replace("#{from}", "#{hourFrom}").replace("#{skip}", "#{hourSkip}") + ") AS hour_full"
    + " FROM (SELECT 1 AS one) x"
    + " LEFT JOIN banned_user ban ON ban.user_id = #{sender}"
    + " LEFT JOIN (" + blockInForce("#{sender}", "#{recipient}") + ") blk ON TRUE";

  /** The ban and the block in force ending last of a sender writing to a recipient (the check of an edit). */
  private static final String SEND_BARRIER = "SELECT ban.set_by AS ban_by, ban.banned_at,"
    + " blk.for_user_id AS block_for, blk.set_by AS block_by, blk.until_at AS block_until FROM (SELECT 1 AS one) x"
    + " LEFT JOIN banned_user ban ON ban.user_id = #{sender}"
    + " LEFT JOIN (" + blockInForce("#{sender}", "#{recipient}") + ") blk ON TRUE";

  private final SqlDialect dialect;
  private final CompiledSql.Cache statements;

  MessageRepository(SqlDialect dialect) {
    this.dialect = dialect;
    this.statements = new CompiledSql.Cache(dialect);
  }

  /** With several blocks in force, the one ending last; of two ending together, the block for everyone. */
  private static String blockInForce(String user, String recipient) {
    return "SELECT for_user_id, set_by, until_at FROM blocked_user WHERE user_id = " + user
      + " AND for_user_id IN (0, " + recipient + ") AND until_at > #{now} ORDER BY until_at DESC, for_user_id LIMIT 1";
  }

  // ---- the send ----

  /** What a send asks: {@code checked} is false for administrators (no row lock, ban, block or limit). */
  record SendArgs(long senderId, boolean checked, List<Role> allowedRecipients, long recipientId, String content,
                  String clientId, long now, int perMinute, int perHour) {
  }

  /**
   * What a send found: {@code code} is one of {@code stored, replayed, sender-gone, unknown-recipient,
   * recipient-not-allowed, banned, blocked, rate-limited}; {@code message} for {@code stored} and
   * {@code replayed}; the details as V4's {@code chatrelay_send} documents them.
   */
  record SendOutcome(String code, Role recipientRole, StoredMessage message, Long d1, Long d2, Long d3) {
    static SendOutcome of(String code) {
      return new SendOutcome(code, null, null, null, null, null);
    }
  }

  /** PostgreSQL: the whole send in one statement (V4's {@code chatrelay_send}); run it on the pool, not in a transaction. */
  Future<SendOutcome> sendInOneStatement(SqlClient c, SendArgs a) {
    String[] allowed = a.allowedRecipients().stream().map(Role::wire).toArray(String[]::new);
    Tuple t = Tuple.tuple().addLong(a.senderId()).addBoolean(a.checked()).addArrayOfString(allowed)
      .addLong(a.recipientId()).addString(a.content()).addString(a.clientId()).addLong(a.now())
      .addInteger(a.perMinute()).addInteger(a.perHour());
    return c.preparedQuery(SEND_FUNCTION_CALL).execute(t).map(rows -> {
      Row r = rows.iterator().next();
      String role = r.getString("recipient_role");
      StoredMessage m = r.getLong("id") == null ? null : StoredMessage.from(r);
      return new SendOutcome(r.getString("code"), role == null ? null : Role.fromWire(role), m,
        r.getLong("d1"), r.getLong("d2"), r.getLong("d3"));
    });
  }

  /**
   * H2: the checks of a send after the row lock and the replay lookup, in one statement, decided in the order of
   * {@code chatrelay_send}; {@code stored} (with no message yet) when the send may be inserted.
   */
  Future<SendOutcome> sendChecks(SqlClient c, SendArgs a) {
    if (!a.checked()) {
      return accountRole(c, a.recipientId()).map(role -> role == null ? SendOutcome.of("unknown-recipient")
        : recipientAllowed(a, role) ? SendOutcome.of("stored")
        : new SendOutcome("recipient-not-allowed", role, null, null, null, null));
    }
    Map<String, Object> p = new HashMap<>();
    p.put("sender", a.senderId());
    p.put("recipient", a.recipientId());
    p.put("now", a.now());
    p.put("minuteFrom", a.perMinute() > 0 ? a.now() - 60_000L : Long.MAX_VALUE);
    p.put("minuteSkip", Math.max(0, a.perMinute() - 1));
    p.put("hourFrom", a.perHour() > 0 ? a.now() - 3_600_000L : Long.MAX_VALUE);
    p.put("hourSkip", Math.max(0, a.perHour() - 1));
    return run(c, SEND_CHECKS, p).map(rows -> {
      Row r = rows.iterator().next();
      String roleText = r.getString("recipient_role");
      if (roleText == null) return SendOutcome.of("unknown-recipient");
      Role role = Role.fromWire(roleText);
      if (!recipientAllowed(a, role)) return new SendOutcome("recipient-not-allowed", role, null, null, null, null);
      if (r.getLong("banned_at") != null) {
        return new SendOutcome("banned", role, null, r.getLong("ban_by"), r.getLong("banned_at"), null);
      }
      if (r.getLong("block_until") != null) {
        return new SendOutcome("blocked", role, null, r.getLong("block_for"), r.getLong("block_by"), r.getLong("block_until"));
      }
      Long minute = r.getLong("minute_full");
      Long hour = r.getLong("hour_full");
      if (minute != null || hour != null) return new SendOutcome("rate-limited", role, null, minute, hour, null);
      return new SendOutcome("stored", role, null, null, null, null);
    });
  }

  private static boolean recipientAllowed(SendArgs a, Role recipientRole) {
    return a.recipientId() != a.senderId() && a.allowedRecipients().contains(recipientRole);
  }

  /** The ban of {@code senderId} (d1 set_by, d2 banned_at), or the block in force ending last (d1..d3), or null. */
  Future<SendOutcome> sendBarrier(SqlClient c, long senderId, long recipientId, long now) {
    return run(c, SEND_BARRIER, Map.of("sender", senderId, "recipient", recipientId, "now", now)).map(rows -> {
      Row r = rows.iterator().next();
      if (r.getLong("banned_at") != null) {
        return new SendOutcome("banned", null, null, r.getLong("ban_by"), r.getLong("banned_at"), null);
      }
      if (r.getLong("block_until") != null) {
        return new SendOutcome("blocked", null, null, r.getLong("block_for"), r.getLong("block_by"), r.getLong("block_until"));
      }
      return null;
    });
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

  /**
   * Flags the message deleted if {@code senderId} sent it and it is not deleted yet, in one statement; the row as
   * it is now, or null when nothing was deleted (then {@link #findById} tells why).
   */
  Future<StoredMessage> deleteOwn(SqlClient c, long id, long senderId) {
    String sql = dialect.updateReturning("UPDATE message SET deleted = TRUE"
      + " WHERE id = #{id} AND sender_id = #{sender} AND deleted = FALSE", StoredMessage.COLUMNS);
    return run(c, sql, Map.of("id", id, "sender", senderId)).map(MessageRepository::firstOrNull);
  }

  /** The message, or null. */
  Future<StoredMessage> findById(SqlClient c, long id) {
    return run(c, "SELECT " + StoredMessage.COLUMNS + " FROM message WHERE id = #{id}", Map.of("id", id))
      .map(MessageRepository::firstOrNull);
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

  private Future<RowSet<Row>> run(SqlClient c, String sql, Map<String, Object> params) {
    return statements.get(sql).execute(c, params);
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
