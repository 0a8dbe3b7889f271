-- REVIEW_ANSWER: the reviewing body's written answer to a review request
-- (复查, A35: the body one level up answers within 30 days). It is that
-- body's deadline, never the township units': like APPROVAL it stays out of
-- the units' index of pending deadlines (the functions of migration 0008,
-- with that one kind more), so out of their overdue lists and statistics.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_kind_check,
  ADD CONSTRAINT deadlines_kind_check
  CHECK (kind IN ('ACCEPTANCE', 'HANDLING', 'APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER',
                  'COUNTY'));

CREATE OR REPLACE FUNCTION deadline_units_of_new_deadlines() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO deadline_units (unit_id, due_date, case_id, kind)
  SELECT DISTINCT u, n.due_date, n.case_id, n.kind
  FROM new_deadlines n JOIN case_tracks t ON t.case_id = n.case_id, unnest(t.handling_unit_ids) AS u
  WHERE n.state IN ('OPEN', 'DUE_SOON', 'OVERDUE') AND n.kind NOT IN ('APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER');
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
  IF NEW.state IN ('OPEN', 'DUE_SOON', 'OVERDUE') AND NEW.kind NOT IN ('APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER') THEN
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
    AND d.kind NOT IN ('APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER');
  RETURN NULL;
END $$;
