-- Reception plans, and what of their sessions must be stored: the sessions
-- themselves are computed from plan + calendar + substitutions.
CREATE TABLE reception_plans (
  plan_id text PRIMARY KEY,
  unit_id text NOT NULL REFERENCES units (unit_id),
  -- The plan as its API shows it (petition.scheduling.v1.ReceptionPlan in
  -- proto3 JSON, without plan_id, unit_id and created_at); validated before
  -- it is stored, never changed.
  spec jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  request_subject text,
  request_id text,
  request_sha256 text,
  CONSTRAINT reception_plans_request_key UNIQUE (request_subject, request_id),
  CHECK (request_id IS NULL OR request_subject IS NOT NULL)
);
CREATE INDEX reception_plans_unit ON reception_plans (unit_id, plan_id);

-- 代替: an absent official replaced for the session of `plan_id` on
-- `session_date` (the session's id is derived from both).
CREATE TABLE substitutions (
  substitution_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id text NOT NULL REFERENCES reception_plans (plan_id),
  session_date date NOT NULL,
  absent_official_id text NOT NULL REFERENCES officials (official_id),
  substitute_official_id text NOT NULL REFERENCES officials (official_id),
  reason text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (absent_official_id <> substitute_official_id)
);
CREATE INDEX substitutions_session ON substitutions (plan_id, session_date, substitution_id);

-- 回避: the official must not receive the case.
CREATE TABLE recusals (
  recusal_id text PRIMARY KEY,
  official_id text NOT NULL REFERENCES officials (official_id),
  case_id text NOT NULL CHECK (case_id <> ''),
  reason text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT recusals_once UNIQUE (official_id, case_id)
);
CREATE INDEX recusals_case ON recusals (case_id, official_id);
