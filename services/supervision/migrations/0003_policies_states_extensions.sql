-- The deadline policy in versions (a deadline keeps the version it was opened
-- under), the states the scanner moves, one extension per case, and the
-- outbox of events supervision publishes to intake.
CREATE TABLE deadline_policies (
  version bigint PRIMARY KEY,
  -- The petition.supervision.v1.DeadlinePolicy message, as protobuf JSON.
  policy text NOT NULL,
  request_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Deadlines opened before policies were stored have no version: the
-- regulation's values.
ALTER TABLE deadlines
  ADD COLUMN policy_version bigint REFERENCES deadline_policies (version),
  ADD COLUMN limit_days integer,
  ADD COLUMN limit_unit text,
  ADD COLUMN urgent boolean NOT NULL DEFAULT false,
  ADD COLUMN state_changed_at timestamptz,
  ADD CONSTRAINT deadlines_state CHECK (state IN ('OPEN', 'DUE_SOON', 'OVERDUE', 'MET', 'MISSED'));

-- The scanner reads only the pending rows whose state may change, by state
-- and due date; met rows leave the index.
DROP INDEX deadlines_open_due;
CREATE INDEX deadlines_pending ON deadlines (state, due_date)
  WHERE state IN ('OPEN', 'DUE_SOON', 'OVERDUE');
-- The overdue list per unit.
CREATE INDEX case_tracks_handling_units ON case_tracks USING gin (handling_unit_ids);

-- Every state change the scanner made (at most one per deadline and state).
CREATE TABLE deadline_transitions (
  id bigserial PRIMARY KEY,
  case_id text NOT NULL,
  kind text NOT NULL,
  from_state text NOT NULL,
  to_state text NOT NULL,
  due_date date NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX deadline_transitions_case ON deadline_transitions (case_id, kind);

CREATE TABLE extensions (
  case_id text PRIMARY KEY REFERENCES case_tracks (case_id) ON DELETE CASCADE,
  days integer NOT NULL,
  reason text NOT NULL,
  old_due_date date NOT NULL,
  new_due_date date NOT NULL,
  granted_by text NOT NULL,
  request_id text,
  granted_at timestamptz NOT NULL
);

-- Transactional outbox of SupervisionEvents for intake (same shape as
-- intake's): written in the transaction of the change it reports.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  case_id text NOT NULL,
  payload bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  parked_at timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL AND parked_at IS NULL;
