-- The outbox relay sleeps on LISTEN instead of polling the table: a statement
-- that writes an event notifies it, and PostgreSQL delivers the notification
-- when (and only if) its transaction commits. Channels are shared by the whole
-- database (intake's relay listens on the same one), so the payload is the
-- schema written in, and a relay takes only its own schema's notifications.
CREATE FUNCTION notify_relay() RETURNS trigger
  LANGUAGE plpgsql SET search_path FROM CURRENT
  AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;

-- A supervision event for intake.
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION notify_relay('petition_outbox');
-- An operator re-queues a parked event (parked_at = NULL).
CREATE TRIGGER outbox_requeued_notify AFTER UPDATE OF parked_at ON outbox
  FOR EACH ROW WHEN (OLD.parked_at IS NOT NULL AND NEW.parked_at IS NULL)
  EXECUTE FUNCTION notify_relay('petition_outbox');
