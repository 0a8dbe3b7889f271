-- The principal leader's review of a county case's report (S2 §6): a result
-- recorded while the policy asks for it (countyFeedbackReview) waits until
-- the township's principal leader has reviewed it; the relay does not send it
-- before. Rows written before this column existed did not wait.
ALTER TABLE county_feedback ADD COLUMN review_required boolean NOT NULL DEFAULT false;
ALTER TABLE county_feedback ADD COLUMN reviewed_at timestamptz;
ALTER TABLE county_feedback ADD COLUMN reviewed_by text;
ALTER TABLE county_feedback ADD COLUMN review_note text;
CREATE INDEX county_feedback_awaiting_review ON county_feedback (case_id, id)
  WHERE review_required AND reviewed_at IS NULL;
