-- What supervision knows of each case (from intake's events, applied once
-- each by event id, in order per case) and the deadlines it computed.
CREATE TABLE applied_events (
  event_id text PRIMARY KEY,
  case_id text NOT NULL,
  sequence bigint NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE case_tracks (
  case_id text PRIMARY KEY,
  last_sequence bigint NOT NULL,
  received_at timestamptz NOT NULL,
  channel text NOT NULL,
  category text NOT NULL,
  source text NOT NULL,
  urgent boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deadlines (
  case_id text NOT NULL REFERENCES case_tracks (case_id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('ACCEPTANCE', 'HANDLING', 'REVIEW_WINDOW', 'COUNTY')),
  start_date date NOT NULL,
  due_date date NOT NULL,
  provisional boolean NOT NULL DEFAULT false,
  state text NOT NULL DEFAULT 'OPEN',
  met_at timestamptz,
  extended_by_days integer NOT NULL DEFAULT 0,
  PRIMARY KEY (case_id, kind)
);
CREATE INDEX deadlines_open_due ON deadlines (due_date) WHERE met_at IS NULL;
