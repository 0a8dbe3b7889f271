-- County transfers (上级转送/交办): the county's id of each pushed case is the
-- key that makes a push idempotent (claimed with INSERT ... ON CONFLICT DO
-- NOTHING before the case is written, so concurrent identical pushes create
-- one case). The foreign key is checked at commit: the claim comes first, the
-- case it names in the same transaction.
CREATE TABLE county_transfers (
  county_case_id text PRIMARY KEY,
  case_id text NOT NULL UNIQUE
    REFERENCES cases (case_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  kind text NOT NULL CHECK (kind IN ('TRANSFER', 'ASSIGNMENT')),
  due_date date,
  -- SHA-256 of the last push applied: the same push again changes nothing.
  push_sha256 text NOT NULL,
  pushes integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Results fed back to the county (反馈): written in the transaction of the
-- step that decided them (decline, answer, conclusion, withdrawal), POSTed by
-- the feedback relay, signed, until the county answers 2xx. A 4xx other than
-- 408/429 parks the row for an operator (UPDATE county_feedback SET parked_at =
-- NULL, next_attempt_at = now() WHERE delivery_id = '...' re-queues it).
CREATE TABLE county_feedback (
  id bigserial PRIMARY KEY,
  delivery_id text NOT NULL UNIQUE,
  case_id text NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  county_case_id text NOT NULL,
  status text NOT NULL,
  body text NOT NULL,              -- the JSON POSTed, byte for byte what is signed
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text NOT NULL DEFAULT '',
  delivered_at timestamptz,
  parked_at timestamptz
);
CREATE INDEX county_feedback_due ON county_feedback (next_attempt_at, id)
  WHERE delivered_at IS NULL AND parked_at IS NULL;
CREATE INDEX county_feedback_parked ON county_feedback (id)
  WHERE parked_at IS NOT NULL AND delivered_at IS NULL;
CREATE INDEX county_feedback_case ON county_feedback (case_id, id);

-- Every attempt: when, what the county answered (0: no answer), or the error.
CREATE TABLE county_feedback_attempts (
  id bigserial PRIMARY KEY,
  feedback_id bigint NOT NULL REFERENCES county_feedback (id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  http_status integer NOT NULL,
  error text NOT NULL DEFAULT '',
  duration_ms bigint NOT NULL
);
CREATE INDEX county_feedback_attempts_feedback ON county_feedback_attempts (feedback_id, id);
