-- The recheck (复核, A36): the petitioner's RECHECK_WINDOW (a window like
-- REVIEW_WINDOW: EXPIRED, never OVERDUE) and the rechecking body's
-- RECHECK_ANSWER (never the township units'). Both stay out of the units'
-- index of pending deadlines: the triggers of migration 0009 now ask one
-- function which kinds count against the units, so that a later kind that
-- does not redefines that function alone.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_kind_check,
  ADD CONSTRAINT deadlines_kind_check
  CHECK (kind IN ('ACCEPTANCE', 'HANDLING', 'APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER',
                  'RECHECK_WINDOW', 'RECHECK_ANSWER', 'COUNTY'));

-- A hearing of several days (A36: its days are not counted in the recheck's
-- answer time). NULL: one day, held_on.
ALTER TABLE hearings ADD COLUMN ends_on date;

-- The decisions of the bodies above on a review (复查) or recheck (复核). A
-- changed or revoked answer counts against the units that answered it
-- (reviewChanged in the unit statistics; an escalation after it was the
-- units' fault, ANSWER_CHANGED_ON_REVIEW).
CREATE TABLE review_decisions (
  case_id text NOT NULL REFERENCES case_tracks (case_id) ON DELETE CASCADE,
  stage text NOT NULL CHECK (stage IN ('REVIEW', 'RECHECK')),
  outcome text NOT NULL CHECK (outcome IN ('UPHELD', 'CHANGED', 'REVOKED')),
  decided_on date NOT NULL,
  PRIMARY KEY (case_id, stage)
);
CREATE INDEX review_decisions_changed ON review_decisions (decided_on)
  WHERE outcome IN ('CHANGED', 'REVOKED');

-- Whose work a deadline measures (domain/deadline_owner.h, CountsAgainstUnits).
CREATE OR REPLACE FUNCTION deadline_counts_against_units(kind text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT kind NOT IN ('APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER', 'RECHECK_WINDOW', 'RECHECK_ANSWER')
$$;

CREATE OR REPLACE FUNCTION deadline_units_of_new_deadlines() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO deadline_units (unit_id, due_date, case_id, kind)
  SELECT DISTINCT u, n.due_date, n.case_id, n.kind
  FROM new_deadlines n JOIN case_tracks t ON t.case_id = n.case_id, unnest(t.handling_unit_ids) AS u
  WHERE n.state IN ('OPEN', 'DUE_SOON', 'OVERDUE') AND deadline_counts_against_units(n.kind);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION deadline_units_of_deadline() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  IF NEW.due_date = OLD.due_date AND (NEW.state IN ('OPEN', 'DUE_SOON', 'OVERDUE')) =
      (OLD.state IN ('OPEN', 'DUE_SOON', 'OVERDUE')) THEN
    RETURN NULL;  -- the scanner moving a pending state: nothing changes here
  END IF;
  DELETE FROM deadline_units WHERE case_id = OLD.case_id AND kind = OLD.kind;
  IF NEW.state IN ('OPEN', 'DUE_SOON', 'OVERDUE') AND deadline_counts_against_units(NEW.kind) THEN
    INSERT INTO deadline_units (unit_id, due_date, case_id, kind)
    SELECT DISTINCT u, NEW.due_date, NEW.case_id, NEW.kind
    FROM case_tracks t, unnest(t.handling_unit_ids) AS u WHERE t.case_id = NEW.case_id;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION deadline_units_of_case() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  IF NEW.handling_unit_ids IS NOT DISTINCT FROM OLD.handling_unit_ids THEN
    RETURN NULL;
  END IF;
  DELETE FROM deadline_units WHERE case_id = NEW.case_id;
  INSERT INTO deadline_units (unit_id, due_date, case_id, kind)
  SELECT DISTINCT u, d.due_date, d.case_id, d.kind
  FROM deadlines d, unnest(NEW.handling_unit_ids) AS u
  WHERE d.case_id = NEW.case_id AND d.state IN ('OPEN', 'DUE_SOON', 'OVERDUE')
    AND deadline_counts_against_units(d.kind);
  RETURN NULL;
END $$;
