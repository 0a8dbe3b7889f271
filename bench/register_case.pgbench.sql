-- The transaction intake runs to register one case for a person with no
-- earlier case (CaseStore::Register in services/intake/store/case_store.cc):
-- the repeat search, the case, one sealed petitioner, one outbox event and the
-- REGISTER step, with values of the same size (-D sealed_md5s, payload_md5s:
-- the sealed petitioner's and the event's size in 16-byte blocks;
-- -D seal_version). Each statement is the store's, named by the line above it;
-- tests/bench checks the text against the store. (The person's hash is
-- made of :a and :b, not random(): a volatile value would keep the repeat
-- search off the hash index, which the store's parameter does not.)
\set a random(1, 2000000000)
\set b random(1, 2000000000)
BEGIN;
-- statement: intake_find_repeats
SELECT c.case_id, c.status FROM (SELECT DISTINCT case_id FROM petitioners
WHERE id_number_hash = ANY(('{' || md5('h' || :a) || md5('h' || :b) || '}')::text[])) p
CROSS JOIN LATERAL (SELECT case_id, status, received_at, subject, content FROM cases
WHERE cases.case_id = p.case_id OFFSET 0) c
WHERE public.similarity(c.subject || ' ' || c.content, '宅基地纠纷 邻居占用宅基地，请求镇里协调处理。') >= '0.400000'::float4
ORDER BY c.received_at, c.case_id LIMIT 20;
-- statement: intake_insert_case
INSERT INTO cases (case_id, query_code, status, source, county_case_id, channel, received_at,
  received_by, reception_session_id, headcount, collective, category, reported_unit_ids, subject,
  content, urgent, repeat_of_case_ids, request_subject, request_id, request_sha256, anonymous,
  final_case_ids)
VALUES ('case_pgb_' || :a || '_' || :b, upper(substr(md5(random()::text), 1, 16)), 'REGISTERED',
  'TOWNSHIP', NULLIF('', ''), 'VISIT', now()::timestamptz, 'off_clerk1', '', 1, false,
  'RIGHTS_INFRINGEMENT', '{}'::text[], '宅基地纠纷', '邻居占用宅基地，请求镇里协调处理。', false,
  '{}'::text[], NULLIF('', ''), NULLIF('', ''), NULLIF('', ''), false, '{}'::text[])
ON CONFLICT (request_subject, request_id) DO NOTHING RETURNING created_at, updated_at;
-- statement: intake_insert_petitioner
INSERT INTO petitioners (case_id, ordinal, sealed, seal_version, id_number_hash)
VALUES ('case_pgb_' || :a || '_' || :b, 0,
  decode(repeat(md5(random()::text), :sealed_md5s), 'hex'), :seal_version,
  md5('h' || :a) || md5('h' || :b));
-- statement: intake_insert_outbox
INSERT INTO outbox (event_id, case_id, sequence, payload)
VALUES ('evt_pgb_' || :a || '_' || :b, 'case_pgb_' || :a || '_' || :b, 1,
  decode(repeat(md5(random()::text), :payload_md5s), 'hex'));
-- statement: intake_insert_step
INSERT INTO case_steps (case_id, step, status, actor, actor_roles, note, at)
VALUES ('case_pgb_' || :a || '_' || :b, 'REGISTER', 'REGISTERED', 'off_clerk1', 'clerk', '',
  coalesce(nullif(now()::text, '')::timestamptz, now()));
END;
