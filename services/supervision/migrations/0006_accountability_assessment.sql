-- Accountability as the rule books mean it: the day a case was declined (an
-- escalation of a declined case the higher body sent back is the unit's
-- fault), whether the higher body overturned the decline, and the annual
-- target assessment's targets (年度信访工作目标考核), one row per year.

ALTER TABLE case_tracks ADD COLUMN declined_at timestamptz;
-- Cases declined before this migration: the ACCEPTANCE deadline was met
-- without opening HANDLING, and not by a withdrawal.
UPDATE case_tracks t SET declined_at = a.met_at
FROM deadlines a
WHERE a.case_id = t.case_id AND a.kind = 'ACCEPTANCE' AND a.met_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM deadlines h WHERE h.case_id = t.case_id AND h.kind = 'HANDLING')
  AND t.withdrawn_at IS DISTINCT FROM a.met_at;

ALTER TABLE escalations ADD COLUMN decline_overturned boolean NOT NULL DEFAULT false;

CREATE TABLE assessment_targets (
  year integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  max_over_level integer CHECK (max_over_level >= 0),
  min_on_time_rate double precision CHECK (min_on_time_rate BETWEEN 0 AND 1),
  min_satisfaction_rate double precision CHECK (min_satisfaction_rate BETWEEN 0 AND 1),
  no_unreported_collective boolean NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL
);
