-- What intake runs for GET /v1/cases?pageSize=50 without filters (see
-- services/intake/store/case_store.cc, CaseStore::List): the page plus one row
-- by the keyset order, then the petitioners of those cases, in one transaction.
BEGIN;
SELECT case_id, query_code, status, source, county_case_id, channel, received_at, received_by,
  reception_session_id, headcount, collective, category, reported_unit_ids, subject, content,
  urgent, complexity, handling_unit_ids, leader_id, repeat_of_case_ids, rating, created_at,
  updated_at, answer_opinion_id, answered_at, decline_route, decline_authority, rating_comment
FROM intake.cases WHERE ('' = '' OR status = '') AND ('' = '' OR '' = ANY(handling_unit_ids))
  AND ('' = '' OR category = '')
ORDER BY received_at DESC, case_id DESC LIMIT 51;
SELECT case_id, ordinal, sealed, seal_version FROM intake.petitioners
WHERE case_id = ANY(ARRAY(SELECT case_id FROM intake.cases
                          ORDER BY received_at DESC, case_id DESC LIMIT 51))
ORDER BY case_id, ordinal;
END;
