-- The sender's idempotency key of a send (MessageRequest.Send.clientId; Tchatator `client-id:`), NULL without one.
-- 1..64 of A-Z a-z 0-9 . _ : - (checked by the store).
ALTER TABLE message ADD COLUMN client_id VARCHAR(64);
-- A key is used once per sender: of two sends with one key (a retry after a lost answer, even on two store
-- instances at once) only one inserts; the other finds the first message. NULLs are distinct in a unique index on
-- both databases, so sends without a key are not constrained (H2 has no partial indexes).
CREATE UNIQUE INDEX message_sender_client_id_key ON message (sender_id, client_id);
