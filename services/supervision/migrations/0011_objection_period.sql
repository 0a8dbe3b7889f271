-- OBJECTION: the township's objection period for a county transfer (异议,
-- A23: 5 working days from the push). It is the township's right, not a
-- duty: like the petitioner's REVIEW_WINDOW it lapses (EXPIRED), is never
-- OVERDUE, and stays out of the units' index of pending deadlines, so out of
-- their overdue lists, orders and statistics (the triggers ask
-- deadline_counts_against_units(), migration 0010).
ALTER TABLE deadlines DROP CONSTRAINT deadlines_kind_check,
  ADD CONSTRAINT deadlines_kind_check
  CHECK (kind IN ('ACCEPTANCE', 'HANDLING', 'APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER',
                  'RECHECK_WINDOW', 'RECHECK_ANSWER', 'COUNTY', 'OBJECTION'));

-- Whose work a deadline measures (domain/deadline_owner.h, CountsAgainstUnits).
CREATE OR REPLACE FUNCTION deadline_counts_against_units(kind text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT kind NOT IN ('APPROVAL', 'REVIEW_WINDOW', 'REVIEW_ANSWER', 'RECHECK_WINDOW',
                      'RECHECK_ANSWER', 'OBJECTION')
$$;

DELETE FROM deadline_units WHERE kind = 'OBJECTION';
