-- An event supervision refuses for good (not merely while it is down) is
-- parked: kept, with its error, out of the relay's way, until an operator
-- re-queues it (UPDATE outbox SET parked_at = NULL WHERE id = ...).
ALTER TABLE outbox ADD COLUMN parked_at timestamptz;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_parked ON outbox (id) WHERE parked_at IS NOT NULL AND delivered_at IS NULL;
