-- What intake runs for GET /v1/cases?pageSize=50 without filters (see
-- services/intake/store/case_store.cc, CaseStore::List): the page plus one row
-- by the keyset order, then the petitioners of those cases, in one transaction.
-- Each statement is the store's, named by the line above it (tests/bench checks);
-- the petitioners' case ids, a parameter in the store, are the page's here.
-- Parameters: -D none={} -D page=51 (pgbench takes no empty -D value: the
-- store's '' parameters are '' literals here).
BEGIN;
-- statement: intake_list_cases
SELECT case_id, query_code, status, source, county_case_id, channel, received_at, received_by,
  reception_session_id, headcount, collective, category, reported_unit_ids, subject, content,
  urgent, complexity, handling_unit_ids, leader_id, repeat_of_case_ids, rating, created_at,
  updated_at, answer_opinion_id, answered_at, decline_route, decline_authority, rating_comment,
  coalesce(to_char(delivered_on, 'YYYY-MM-DD'), '') AS delivered_on, delivery_method,
  delivery_receipt_number, anonymous, instruction, final_case_ids, objection_reason,
  objection_authority, objected_at, objected_by
FROM cases WHERE ('' = '' OR status = '') AND ('' = '' OR '' = ANY(handling_unit_ids))
  AND ('' = '' OR category = '')
  AND (NULLIF('', '') IS NULL OR received_at >= NULLIF('', '')::timestamptz)
  AND (NULLIF('', '') IS NULL OR received_at < NULLIF('', '')::timestamptz)
  AND (cardinality(:none::text[]) = 0 OR case_id IN
    (SELECT case_id FROM petitioners WHERE id_number_hash = ANY(:none::text[])))
  AND ('' = '' OR '' = ANY(handling_unit_ids))
  AND (NULLIF('', '') IS NULL OR (received_at, case_id) < (NULLIF('', '')::timestamptz, ''))
  AND ('' = '' OR NOT '' = ANY(reported_unit_ids))
ORDER BY received_at DESC, case_id DESC LIMIT :page;
-- statement: intake_select_petitioners_of
SELECT case_id, ordinal, sealed, seal_version FROM petitioners
WHERE case_id = ANY(ARRAY(SELECT case_id FROM cases
                          ORDER BY received_at DESC, case_id DESC LIMIT 51)::text[])
ORDER BY case_id, ordinal;
END;
