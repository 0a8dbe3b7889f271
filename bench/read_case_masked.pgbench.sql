-- The transaction intake runs for GET /v1/cases/{caseId} by a reader who may
-- not see the identity (CaseStore::Get, LoadCase in
-- services/intake/store/case_store.cc): the case, its petitioners, steps,
-- opinions, approvals and review decisions. The cases read are copies of
-- those the gateway side reads (case_pgb_1 .. case_pgb_<ncases>). Each
-- statement is the store's, named by the line above it (tests/bench checks).
\set n random(1, :ncases)
BEGIN;
-- statement: intake_select_case
SELECT case_id, query_code, status, source, county_case_id, channel, received_at, received_by,
  reception_session_id, headcount, collective, category, reported_unit_ids, subject, content,
  urgent, complexity, handling_unit_ids, leader_id, repeat_of_case_ids, rating, created_at,
  updated_at, answer_opinion_id, answered_at, decline_route, decline_authority, rating_comment,
  coalesce(to_char(delivered_on, 'YYYY-MM-DD'), '') AS delivered_on, delivery_method,
  delivery_receipt_number, anonymous, instruction, final_case_ids, objection_reason,
  objection_authority, objected_at, objected_by
FROM cases WHERE case_id = 'case_pgb_' || :n;
-- statement: intake_select_petitioners
SELECT ordinal, sealed, seal_version FROM petitioners WHERE case_id = 'case_pgb_' || :n
ORDER BY ordinal;
-- statement: intake_select_steps
SELECT step, status, actor, actor_roles, at, note FROM case_steps WHERE case_id = 'case_pgb_' || :n
ORDER BY id;
-- statement: intake_select_opinions
SELECT opinion_id, unit_id, outcome, facts, basis, decision, submitted_by, submitted_at,
  approved_by, approved_at, submitted_for_approval_by, submitted_for_approval_at,
  required_approvals FROM opinions WHERE case_id = 'case_pgb_' || :n
ORDER BY submitted_at, opinion_id;
-- statement: intake_select_approvals
SELECT a.opinion_id, a.role, a.leader_id, a.approved_at FROM opinion_approvals a
JOIN opinions o USING (opinion_id) WHERE o.case_id = 'case_pgb_' || :n
ORDER BY a.approved_at, a.role;
-- statement: intake_select_review_decisions
SELECT stage, outcome, to_char(decided_on, 'YYYY-MM-DD') AS decided_on, summary, recorded_by,
  recorded_at FROM review_decisions WHERE case_id = 'case_pgb_' || :n
ORDER BY recorded_at, stage;
END;
