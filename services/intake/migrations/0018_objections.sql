-- 异议 (A23): a township that finds a county transfer outside its remit
-- objects within the objection period (supervision's OBJECTION deadline),
-- naming why and the authority it holds competent. The objection stays on
-- the case (status OBJECTED) and goes to the county as a feedback result.
ALTER TABLE cases
  ADD COLUMN objection_reason text NOT NULL DEFAULT '',
  ADD COLUMN objection_authority text NOT NULL DEFAULT '',
  ADD COLUMN objected_at timestamptz,
  ADD COLUMN objected_by text NOT NULL DEFAULT '';
