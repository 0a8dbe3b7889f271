-- OBJECTION: the township's objection period for a county transfer (异议,
-- A23: 5 working days from the push). It is the township's right, not a
-- duty: like the petitioner's REVIEW_WINDOW it lapses (EXPIRED), is never
-- OVERDUE, and stays out of the units' index of pending deadlines (the
-- functions of migrations 0008/0009, with that kind more), so out of their
-- overdue lists, orders and statistics.
--
-- The kinds RECHECK_WINDOW (a petitioner's window, like REVIEW_WINDOW) and
-- RECHECK_ANSWER (the rechecking body's, like REVIEW_ANSWER) are listed too:
-- they are reserved for the recheck (复核, A36), whose migration comes
-- before this one, and would otherwise be dropped again by the lists below.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_kind_check,
  ADD CONSTRAINT deadlines_kind_check
  CHECK (kind IN ('ACCEPTANCE', 'HANDLING', 'APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER',
                  'RECHECK_WINDOW', 'RECHECK_ANSWER', 'COUNTY', 'OBJECTION'));

CREATE OR REPLACE FUNCTION deadline_units_of_new_deadlines() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO deadline_units (unit_id, due_date, case_id, kind)
  SELECT DISTINCT u, n.due_date, n.case_id, n.kind
  FROM new_deadlines n JOIN case_tracks t ON t.case_id = n.case_id, unnest(t.handling_unit_ids) AS u
  WHERE n.state IN ('OPEN', 'DUE_SOON', 'OVERDUE')
    AND n.kind NOT IN ('APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER', 'RECHECK_WINDOW',
                       'RECHECK_ANSWER', 'OBJECTION');
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
  IF NEW.state IN ('OPEN', 'DUE_SOON', 'OVERDUE')
      AND NEW.kind NOT IN ('APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER', 'RECHECK_WINDOW',
                           'RECHECK_ANSWER', 'OBJECTION') THEN
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
    AND d.kind NOT IN ('APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER', 'RECHECK_WINDOW',
                       'RECHECK_ANSWER', 'OBJECTION');
  RETURN NULL;
END $$;

DELETE FROM deadline_units WHERE kind = 'OBJECTION';
