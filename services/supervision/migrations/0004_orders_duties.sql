-- Supervision orders (督办) with every level they reached, and the
-- receiving leader's six duties (六包) per case.
CREATE TABLE supervision_orders (
  order_id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES case_tracks (case_id) ON DELETE CASCADE,
  unit_id text NOT NULL,
  level text NOT NULL CHECK (level IN ('REMINDER', 'ORDER', 'LISTED', 'SUMMONS')),
  due_date date NOT NULL,
  note text NOT NULL DEFAULT '',
  state text NOT NULL DEFAULT 'OPEN' CHECK (state IN ('OPEN', 'RESPONDED', 'CLOSED')),
  deadline_kind text,
  automatic boolean NOT NULL DEFAULT false,
  response text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  responded_at timestamptz,
  closed_at timestamptz,
  request_id text UNIQUE
);
-- One automatic order per overdue deadline.
CREATE UNIQUE INDEX supervision_orders_automatic ON supervision_orders (case_id, deadline_kind)
  WHERE automatic;
-- The escalation scan reads only open orders by due date.
CREATE INDEX supervision_orders_open_due ON supervision_orders (due_date) WHERE state = 'OPEN';
CREATE INDEX supervision_orders_case ON supervision_orders (case_id);

CREATE TABLE order_steps (
  id bigserial PRIMARY KEY,
  order_id text NOT NULL REFERENCES supervision_orders (order_id) ON DELETE CASCADE,
  level text NOT NULL,
  at timestamptz NOT NULL,
  reason text NOT NULL
);
CREATE INDEX order_steps_order ON order_steps (order_id, id);

ALTER TABLE case_tracks ADD COLUMN leader_id text NOT NULL DEFAULT '';

CREATE TABLE responsibilities (
  case_id text NOT NULL REFERENCES case_tracks (case_id) ON DELETE CASCADE,
  duty text NOT NULL,
  done boolean NOT NULL,
  note text NOT NULL DEFAULT '',
  marked_by text NOT NULL,
  marked_at timestamptz NOT NULL,
  PRIMARY KEY (case_id, duty)
);
