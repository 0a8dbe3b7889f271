-- The lifecycle after registration: what each step decided on the case row,
-- the handling units' opinions, and the history of who did each step when.
ALTER TABLE cases ADD COLUMN answer_opinion_id text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN answered_at timestamptz;
ALTER TABLE cases ADD COLUMN decline_route text NOT NULL DEFAULT 'DECLINE_ROUTE_UNSPECIFIED';
ALTER TABLE cases ADD COLUMN decline_authority text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN rating_comment text NOT NULL DEFAULT '';

CREATE TABLE opinions (
  opinion_id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  unit_id text NOT NULL,
  outcome text NOT NULL,
  facts text NOT NULL,
  basis text NOT NULL,
  decision text NOT NULL,
  submitted_by text NOT NULL,
  submitted_at timestamptz NOT NULL DEFAULT now(),
  approved_by text NOT NULL DEFAULT '',
  approved_at timestamptz
);
CREATE INDEX opinions_case ON opinions (case_id, submitted_at);

CREATE TABLE case_steps (
  id bigserial PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  step text NOT NULL,
  status text NOT NULL,
  actor text NOT NULL,
  actor_roles text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  note text NOT NULL DEFAULT ''
);
CREATE INDEX case_steps_case ON case_steps (case_id, id);

-- Cases registered before this migration get their registration as history.
INSERT INTO case_steps (case_id, step, status, actor, actor_roles, at)
  SELECT case_id, 'REGISTER', 'REGISTERED', received_by, '', created_at FROM cases;

-- GET /v1/cases: newest received first, continued by keyset; a unit's cases.
CREATE INDEX cases_received_keyset ON cases (received_at DESC, case_id DESC);
CREATE INDEX cases_handling_units ON cases USING gin (handling_unit_ids);
