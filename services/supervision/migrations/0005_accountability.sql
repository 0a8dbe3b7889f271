-- Accountability (责任追究): monthly screening reports (矛盾纠纷排查), escalations
-- over the township's head (越级上访), the facts of each case the unit
-- statistics count, recomputed due dates, and AIP-155 request ids.

-- 每月一次信访排查: one report per unit and month, replaced when amended.
CREATE TABLE screening_reports (
  unit_id text NOT NULL,
  month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  zero_report boolean NOT NULL,
  reported_by text NOT NULL,
  reported_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (month, unit_id)
);

CREATE TABLE screening_items (
  unit_id text NOT NULL,
  month text NOT NULL,
  position integer NOT NULL,
  summary text NOT NULL,
  responsible_person text NOT NULL,
  due_date date NOT NULL,
  PRIMARY KEY (month, unit_id, position),
  FOREIGN KEY (month, unit_id) REFERENCES screening_reports (month, unit_id) ON DELETE CASCADE
);

-- The units that owe a report (villages and departments), as scheduling's
-- directory listed them the last time the reports were read: the gauge of
-- missing reports counts from here without calling scheduling.
CREATE TABLE known_units (
  unit_id text PRIMARY KEY,
  kind text NOT NULL,
  seen_at timestamptz NOT NULL
);

-- 越级上访: a petitioner of a case went to the county, city, province or
-- Beijing.
CREATE TABLE escalations (
  escalation_id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES case_tracks (case_id) ON DELETE CASCADE,
  unit_id text NOT NULL,
  level text NOT NULL CHECK (level IN ('COUNTY', 'CITY', 'PROVINCE', 'NATIONAL')),
  headcount integer NOT NULL CHECK (headcount >= 1),
  reported_in_advance boolean NOT NULL,
  occurred_on date NOT NULL,
  note text NOT NULL DEFAULT '',
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX escalations_unit_day ON escalations (unit_id, occurred_on);
CREATE INDEX escalations_day ON escalations (occurred_on);
CREATE INDEX escalations_case ON escalations (case_id);

-- Hearings (听证会) and leadership meetings (书记办公会议、党政会议) held on a
-- case: complex matters go to one before the decision [S1] [S3].
CREATE TABLE hearings (
  hearing_id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES case_tracks (case_id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('HEARING', 'LEADERSHIP_MEETING')),
  held_on date NOT NULL,
  note text NOT NULL DEFAULT '',
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX hearings_case ON hearings (case_id, held_on);

-- What the statistics count of each case, from intake's events. Cases
-- applied before this migration have none of it (not repeat, not
-- collective, never concluded or rated as far as the statistics know).
ALTER TABLE case_tracks
  ADD COLUMN repeat boolean NOT NULL DEFAULT false,
  ADD COLUMN collective boolean NOT NULL DEFAULT false,
  ADD COLUMN headcount integer NOT NULL DEFAULT 0,
  ADD COLUMN concluded_at timestamptz,
  ADD COLUMN rating text,
  ADD COLUMN rated_at timestamptz,
  ADD COLUMN withdrawn_at timestamptz,
  ADD COLUMN complexity text,
  ADD COLUMN answered_at timestamptz;
CREATE INDEX case_tracks_received ON case_tracks (received_at);
CREATE INDEX case_tracks_concluded ON case_tracks (concluded_at) WHERE concluded_at IS NOT NULL;
CREATE INDEX case_tracks_rated ON case_tracks (rated_at) WHERE rated_at IS NOT NULL;
CREATE INDEX case_tracks_answered ON case_tracks (answered_at) WHERE answered_at IS NOT NULL;
CREATE INDEX deadlines_handling_due ON deadlines (due_date) WHERE kind = 'HANDLING';

-- The overdue list in due-date order straight from an index: pending rows
-- only, whatever their stored state (a pending row past its due date reads
-- OVERDUE before the scanner's next pass).
CREATE INDEX deadlines_pending_due ON deadlines (due_date, case_id, kind)
  WHERE state IN ('OPEN', 'DUE_SOON', 'OVERDUE');

-- A unit's overdue list straight from an index: one row per pending deadline
-- and handling unit of its case, kept by the triggers below whatever changes
-- the deadline (opened, due date moved, met) or the case's units.
CREATE TABLE deadline_units (
  unit_id text NOT NULL,
  due_date date NOT NULL,
  case_id text NOT NULL,
  kind text NOT NULL,
  PRIMARY KEY (unit_id, due_date, case_id, kind),
  FOREIGN KEY (case_id, kind) REFERENCES deadlines (case_id, kind) ON DELETE CASCADE
);
CREATE INDEX deadline_units_deadline ON deadline_units (case_id, kind);

-- Opened deadlines, a statement at a time (a batch of registrations is one
-- insert).
CREATE FUNCTION deadline_units_of_new_deadlines() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO deadline_units (unit_id, due_date, case_id, kind)
  SELECT DISTINCT u, n.due_date, n.case_id, n.kind
  FROM new_deadlines n JOIN case_tracks t ON t.case_id = n.case_id, unnest(t.handling_unit_ids) AS u
  WHERE n.state IN ('OPEN', 'DUE_SOON', 'OVERDUE');
  RETURN NULL;
END $$;
CREATE TRIGGER deadlines_units_insert AFTER INSERT ON deadlines
  REFERENCING NEW TABLE AS new_deadlines
  FOR EACH STATEMENT EXECUTE FUNCTION deadline_units_of_new_deadlines();

CREATE FUNCTION deadline_units_of_deadline() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  IF NEW.due_date = OLD.due_date AND (NEW.state IN ('OPEN', 'DUE_SOON', 'OVERDUE')) =
      (OLD.state IN ('OPEN', 'DUE_SOON', 'OVERDUE')) THEN
    RETURN NULL;  -- the scanner moving a pending state: nothing changes here
  END IF;
  DELETE FROM deadline_units WHERE case_id = OLD.case_id AND kind = OLD.kind;
  IF NEW.state IN ('OPEN', 'DUE_SOON', 'OVERDUE') THEN
    INSERT INTO deadline_units (unit_id, due_date, case_id, kind)
    SELECT DISTINCT u, NEW.due_date, NEW.case_id, NEW.kind
    FROM case_tracks t, unnest(t.handling_unit_ids) AS u WHERE t.case_id = NEW.case_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER deadlines_units_update AFTER UPDATE OF due_date, state ON deadlines
  FOR EACH ROW EXECUTE FUNCTION deadline_units_of_deadline();

CREATE FUNCTION deadline_units_of_case() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  IF NEW.handling_unit_ids IS NOT DISTINCT FROM OLD.handling_unit_ids THEN
    RETURN NULL;
  END IF;
  DELETE FROM deadline_units WHERE case_id = NEW.case_id;
  INSERT INTO deadline_units (unit_id, due_date, case_id, kind)
  SELECT DISTINCT u, d.due_date, d.case_id, d.kind
  FROM deadlines d, unnest(NEW.handling_unit_ids) AS u
  WHERE d.case_id = NEW.case_id AND d.state IN ('OPEN', 'DUE_SOON', 'OVERDUE');
  RETURN NULL;
END $$;
CREATE TRIGGER case_tracks_units AFTER UPDATE OF handling_unit_ids ON case_tracks
  FOR EACH ROW EXECUTE FUNCTION deadline_units_of_case();

INSERT INTO deadline_units (unit_id, due_date, case_id, kind)
SELECT DISTINCT u, d.due_date, d.case_id, d.kind
FROM deadlines d JOIN case_tracks t ON t.case_id = d.case_id, unnest(t.handling_unit_ids) AS u
WHERE d.state IN ('OPEN', 'DUE_SOON', 'OVERDUE');

-- The calendar version (scheduling's updated_at of the year, in
-- microseconds) the pending deadlines were last recomputed against.
CREATE TABLE calendar_versions_seen (
  year integer PRIMARY KEY,
  version bigint NOT NULL,
  seen_at timestamptz NOT NULL
);

-- Every due date a calendar change moved.
CREATE TABLE due_date_changes (
  id bigserial PRIMARY KEY,
  case_id text NOT NULL REFERENCES case_tracks (case_id) ON DELETE CASCADE,
  kind text NOT NULL,
  old_due_date date NOT NULL,
  new_due_date date NOT NULL,
  old_provisional boolean NOT NULL,
  new_provisional boolean NOT NULL,
  calendar_year integer NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX due_date_changes_case ON due_date_changes (case_id, kind, id);

-- AIP-155: the first result of a request id, per caller and method; the
-- fingerprint tells the same request from another one with the same id.
CREATE TABLE request_ids (
  subject text NOT NULL,
  method text NOT NULL,
  request_id text NOT NULL,
  request_sha256 text NOT NULL,
  resource text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject, method, request_id)
);
