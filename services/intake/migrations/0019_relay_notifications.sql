-- The relays sleep on LISTEN instead of polling their tables: a statement that
-- gives a relay work notifies it, and PostgreSQL delivers the notification when
-- (and only if) its transaction commits. Channels are shared by the whole
-- database, so the payload is the schema written in; a relay listens on its
-- lock's connection and takes only its own schema's notifications. Within one
-- transaction equal notifications are sent once.
CREATE FUNCTION notify_relay() RETURNS trigger
  LANGUAGE plpgsql SET search_path FROM CURRENT
  AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;

-- A case event for supervision.
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION notify_relay('petition_outbox');
-- An operator re-queues a parked event (parked_at = NULL).
CREATE TRIGGER outbox_requeued_notify AFTER UPDATE OF parked_at ON outbox
  FOR EACH ROW WHEN (OLD.parked_at IS NOT NULL AND NEW.parked_at IS NULL)
  EXECUTE FUNCTION notify_relay('petition_outbox');

-- A result for the county.
CREATE TRIGGER county_feedback_notify AFTER INSERT ON county_feedback
  FOR EACH STATEMENT EXECUTE FUNCTION notify_relay('petition_county_feedback');
-- A result due now: released by the principal leader's review, or re-queued by
-- an operator. (The relay's own retries are in the future: it wakes for those
-- itself.)
CREATE TRIGGER county_feedback_due_notify
  AFTER UPDATE OF reviewed_at, parked_at, next_attempt_at ON county_feedback
  FOR EACH ROW WHEN (NEW.delivered_at IS NULL AND NEW.parked_at IS NULL
                     AND NEW.next_attempt_at <= now())
  EXECUTE FUNCTION notify_relay('petition_county_feedback');
