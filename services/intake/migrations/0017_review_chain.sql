-- The review chain after the answer (复查 A35, 复核 A36): the decisions of the
-- bodies above, one per stage and case (a push of the same decision again is
-- answered from here; another decision for the stage is refused).
CREATE TABLE review_decisions (
  case_id text NOT NULL REFERENCES cases (case_id),
  stage text NOT NULL CHECK (stage IN ('REVIEW', 'RECHECK')),
  outcome text NOT NULL CHECK (outcome IN ('UPHELD', 'CHANGED', 'REVOKED')),
  decided_on date NOT NULL,
  summary text NOT NULL DEFAULT '',
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (case_id, stage)
);

-- A registration that repeats a FINAL matter (A36 不再受理): the FINAL cases
-- the repeat detector matched.
ALTER TABLE cases ADD COLUMN final_case_ids text[] NOT NULL DEFAULT '{}';

-- The notice of a decline under A36: the matter was settled for good.
INSERT INTO document_templates (template_id, kind, title, body) VALUES
('NOT_ACCEPTED_AGAIN_NOTICE', 'NOT_ACCEPTED_AGAIN_NOTICE', '信访事项不再受理告知书',
 E'{{petitioner}}：\n　　您（们）于{{received_date}}反映的“{{subject}}”问题，与您此前反映并已办结的信访事项（编号{{final_cases}}）属同一事实和理由。该事项{{final_words}}，依照《信访工作条例》第三十六条的规定，本机关不再受理。{{reason}}\n\n{{office}}\n{{date}}');
