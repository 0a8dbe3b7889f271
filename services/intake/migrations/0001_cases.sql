-- Cases (信访事项) as registered, their petitioners (identity sealed with
-- AES-256-GCM; a keyed hash for look-ups by identity number), the outbox of
-- events for supervision, and the audit of every read of identity.
CREATE TABLE cases (
  case_id text PRIMARY KEY,
  query_code text NOT NULL UNIQUE,
  status text NOT NULL,
  source text NOT NULL,
  county_case_id text UNIQUE,
  channel text NOT NULL,
  received_at timestamptz NOT NULL,
  received_by text NOT NULL,
  reception_session_id text NOT NULL DEFAULT '',
  headcount integer NOT NULL CHECK (headcount >= 1),
  collective boolean NOT NULL,
  category text NOT NULL,
  reported_unit_ids text[] NOT NULL DEFAULT '{}',
  subject text NOT NULL,
  content text NOT NULL,
  urgent boolean NOT NULL DEFAULT false,
  complexity text NOT NULL DEFAULT 'COMPLEXITY_UNSPECIFIED',
  handling_unit_ids text[] NOT NULL DEFAULT '{}',
  leader_id text NOT NULL DEFAULT '',
  repeat_of_case_ids text[] NOT NULL DEFAULT '{}',
  rating text NOT NULL DEFAULT 'RATING_UNSPECIFIED',
  -- AIP-155 retries: the same request_id with the same body returns this case.
  request_id text UNIQUE,
  request_sha256 text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_status_received ON cases (status, received_at);

CREATE TABLE petitioners (
  case_id text NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  sealed bytea NOT NULL,          -- petition.intake.v1.Petitioner, sealed
  id_number_hash text NOT NULL,   -- keyed hash of the identity number
  PRIMARY KEY (case_id, ordinal)
);
CREATE INDEX petitioners_id_number_hash ON petitioners (id_number_hash);

-- Transactional outbox: written in the same transaction as the change it
-- reports; the relay delivers rows in id order and marks them delivered.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  case_id text NOT NULL,
  sequence bigint NOT NULL,
  payload bytea NOT NULL,         -- petition.v1.CaseEvent
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text NOT NULL DEFAULT '',
  delivered_at timestamptz,
  UNIQUE (case_id, sequence)
);
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;

CREATE TABLE identity_reads (
  id bigserial PRIMARY KEY,
  read_at timestamptz NOT NULL DEFAULT now(),
  case_id text NOT NULL,
  subject text NOT NULL,
  roles text NOT NULL,
  request_id text NOT NULL,
  purpose text NOT NULL
);
CREATE INDEX identity_reads_case ON identity_reads (case_id, read_at);
