-- A petitioner's window (REVIEW_WINDOW: the 30 days to ask for a review, A35)
-- that runs out unused is EXPIRED: the right lapsed. It is nobody's work
-- undone, so it is never OVERDUE and never in a unit's list of pending
-- deadlines (the functions of migration 0007, with that one condition more).
ALTER TABLE deadlines DROP CONSTRAINT deadlines_state,
  ADD CONSTRAINT deadlines_state
  CHECK (state IN ('OPEN', 'DUE_SOON', 'OVERDUE', 'MET', 'MISSED', 'EXPIRED'));

-- Windows that the scanner already moved to OVERDUE lapsed instead.
UPDATE deadlines SET state = 'EXPIRED'
WHERE kind = 'REVIEW_WINDOW' AND met_at IS NULL AND state = 'OVERDUE';

CREATE OR REPLACE FUNCTION deadline_units_of_new_deadlines() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO deadline_units (unit_id, due_date, case_id, kind)
  SELECT DISTINCT u, n.due_date, n.case_id, n.kind
  FROM new_deadlines n JOIN case_tracks t ON t.case_id = n.case_id, unnest(t.handling_unit_ids) AS u
  WHERE n.state IN ('OPEN', 'DUE_SOON', 'OVERDUE') AND n.kind NOT IN ('APPROVAL', 'REVIEW_WINDOW');
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
  IF NEW.state IN ('OPEN', 'DUE_SOON', 'OVERDUE') AND NEW.kind NOT IN ('APPROVAL', 'REVIEW_WINDOW') THEN
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
    AND d.kind NOT IN ('APPROVAL', 'REVIEW_WINDOW');
  RETURN NULL;
END $$;

DELETE FROM deadline_units WHERE kind = 'REVIEW_WINDOW';
