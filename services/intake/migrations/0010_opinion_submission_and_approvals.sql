-- Deciding with the right people: the handling unit submits its opinion
-- (:submit, which meets HANDLING), then the leaders the policy requires
-- approve it, each in his role (RECEIVING_LEADER, LEADER_IN_CHARGE).
ALTER TABLE opinions
  ADD COLUMN submitted_for_approval_by text NOT NULL DEFAULT '',
  ADD COLUMN submitted_for_approval_at timestamptz,
  ADD COLUMN required_approvals text[] NOT NULL DEFAULT '{}';

CREATE TABLE opinion_approvals (
  opinion_id text NOT NULL REFERENCES opinions (opinion_id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('RECEIVING_LEADER', 'LEADER_IN_CHARGE')),
  leader_id text NOT NULL,
  approved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (opinion_id, role)
);

-- Opinions written before this step existed count as submitted when they
-- were written (supervision was sent their OpinionSubmitted then). One
-- already approved under the one-approval rule needs no more; one not yet
-- approved needs what S1 requires, both.
UPDATE opinions SET submitted_for_approval_by = submitted_by,
  submitted_for_approval_at = submitted_at,
  required_approvals = CASE WHEN approved_by <> '' THEN '{}'::text[]
                            ELSE '{RECEIVING_LEADER,LEADER_IN_CHARGE}'::text[] END;
