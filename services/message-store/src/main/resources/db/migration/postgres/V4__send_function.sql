-- A Tchatator send in ONE statement and one round trip (issue 8 item 1): called in autocommit mode, it locks the
-- sender's account row (serializing that user's sends on every store instance until the statement's implicit
-- transaction commits), answers a replay of the idempotency key, checks the recipient, the ban, the blocks and
-- both rate-limit windows, inserts, and returns the row with a result code the store maps to its replies
-- (MessageRepository.send, MessageService.send). Each statement of a (volatile) PL/pgSQL function takes a new
-- snapshot, so the checks after the row lock see every send committed by whoever held the lock before.
--
-- code: 'stored', 'replayed' (the message of this key), 'sender-gone' (no account row to lock),
-- 'unknown-recipient', 'recipient-not-allowed' (recipient_role says which), 'banned' (d1 set_by, d2 banned_at),
-- 'blocked' (d1 for_user_id, d2 set_by, d3 until_at), 'rate-limited' (d1 / d2: the send time of the
-- per_minute-th / per_hour-th newest message in the minute / hour window, NULL when that window is not full).
--
-- p_checked is FALSE for administrators: no row lock, no ban, block or limit (the settings-file administrator,
-- id 0, has no row). p_allowed: the recipient roles the sender may write to. A limit of 0 or less is off.
-- The rate-limit reads walk message_sender_sent_at_idx backwards and stop at the limit-th row: their cost does
-- not depend on how many messages the sender has sent.
CREATE OR REPLACE FUNCTION chatrelay_send(p_sender BIGINT, p_checked BOOLEAN, p_allowed TEXT[], p_recipient BIGINT,
    p_content VARCHAR, p_client_id VARCHAR, p_now BIGINT, p_per_minute INT, p_per_hour INT,
    OUT code TEXT, OUT recipient_role TEXT, OUT id BIGINT, OUT sender_id BIGINT, OUT recipient_id BIGINT,
    OUT content VARCHAR, OUT sent_at BIGINT, OUT modified_at BIGINT, OUT deleted BOOLEAN, OUT read BOOLEAN,
    OUT d1 BIGINT, OUT d2 BIGINT, OUT d3 BIGINT)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  IF p_checked THEN
    PERFORM 1 FROM account a WHERE a.id = p_sender FOR UPDATE;
    IF NOT FOUND THEN
      code := 'sender-gone';
      RETURN;
    END IF;
  END IF;
  IF p_client_id IS NOT NULL THEN
    SELECT m.id, m.sender_id, m.recipient_id, m.content, m.sent_at, m.modified_at, m.deleted, m.read
      INTO id, sender_id, recipient_id, content, sent_at, modified_at, deleted, read
      FROM message m WHERE m.sender_id = p_sender AND m.client_id = p_client_id;
    IF FOUND THEN
      code := 'replayed';
      RETURN;
    END IF;
  END IF;
  SELECT a.role INTO recipient_role FROM account a WHERE a.id = p_recipient;
  IF NOT FOUND THEN
    code := 'unknown-recipient';
    RETURN;
  END IF;
  IF p_recipient = p_sender OR NOT (recipient_role = ANY (p_allowed)) THEN
    code := 'recipient-not-allowed';
    RETURN;
  END IF;
  IF p_checked THEN
    SELECT b.set_by, b.banned_at INTO d1, d2 FROM banned_user b WHERE b.user_id = p_sender;
    IF FOUND THEN
      code := 'banned';
      RETURN;
    END IF;
    -- with several blocks in force, the one ending last (an equal end: the block for everyone)
    SELECT b.for_user_id, b.set_by, b.until_at INTO d1, d2, d3 FROM blocked_user b
      WHERE b.user_id = p_sender AND b.for_user_id IN (0, p_recipient) AND b.until_at > p_now
      ORDER BY b.until_at DESC, b.for_user_id LIMIT 1;
    IF FOUND THEN
      code := 'blocked';
      RETURN;
    END IF;
    IF p_per_minute > 0 THEN
      SELECT m.sent_at INTO d1 FROM message m WHERE m.sender_id = p_sender AND m.sent_at > p_now - 60000
        ORDER BY m.sender_id DESC, m.sent_at DESC LIMIT 1 OFFSET p_per_minute - 1;
    END IF;
    IF p_per_hour > 0 THEN
      SELECT m.sent_at INTO d2 FROM message m WHERE m.sender_id = p_sender AND m.sent_at > p_now - 3600000
        ORDER BY m.sender_id DESC, m.sent_at DESC LIMIT 1 OFFSET p_per_hour - 1;
    END IF;
    IF d1 IS NOT NULL OR d2 IS NOT NULL THEN
      code := 'rate-limited';
      RETURN;
    END IF;
  END IF;
  IF p_client_id IS NULL THEN
    INSERT INTO message AS m (sender_id, recipient_id, content, sent_at, deleted, read, client_id)
      VALUES (p_sender, p_recipient, p_content, p_now, FALSE, FALSE, NULL) RETURNING m.id INTO id;
  ELSE
    -- senders without a row lock (administrators) racing with one key: the loser waits for the winner's commit
    -- and answers its message
    INSERT INTO message AS m (sender_id, recipient_id, content, sent_at, deleted, read, client_id)
      VALUES (p_sender, p_recipient, p_content, p_now, FALSE, FALSE, p_client_id)
      ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING m.id INTO id;
    IF id IS NULL THEN
      SELECT m.id, m.sender_id, m.recipient_id, m.content, m.sent_at, m.modified_at, m.deleted, m.read
        INTO id, sender_id, recipient_id, content, sent_at, modified_at, deleted, read
        FROM message m WHERE m.sender_id = p_sender AND m.client_id = p_client_id;
      code := 'replayed';
      RETURN;
    END IF;
  END IF;
  code := 'stored';
  sender_id := p_sender;
  recipient_id := p_recipient;
  content := p_content;
  sent_at := p_now;
  deleted := FALSE;
  read := FALSE;
END;
$$;
