-- The transaction intake runs to register one more case of a person who has
-- registered many before (the repeat-detection worst case: their most recent
-- cases, kRepeatWindow of them, are compared with the new text). The person is the one the
-- gateway side registers (-D hash=<their id_number_hash>, hashes={hash}),
-- so both sides grow the same history. Otherwise as register_case.pgbench.sql.
\set a random(1, 2000000000)
\set b random(1, 2000000000)
BEGIN;
-- statement: intake_find_repeats
SELECT c.case_id, c.status, c.final_case_ids FROM (SELECT DISTINCT r.case_id
FROM unnest(:hashes::text[]) h (hash) CROSS JOIN LATERAL (SELECT case_id FROM petitioners
WHERE id_number_hash = h.hash ORDER BY received_at DESC LIMIT 50) r) p
CROSS JOIN LATERAL (SELECT case_id, status, received_at, subject, content,
final_case_ids FROM cases WHERE cases.case_id = p.case_id OFFSET 0) c
WHERE public.similarity(c.subject || ' ' || c.content, '宅基地纠纷 邻居占用宅基地，请求镇里协调处理。') >= '0.400000'::float4
ORDER BY c.received_at, c.case_id LIMIT 20;
-- statement: intake_insert_case
WITH c AS (INSERT INTO cases (case_id, query_code, status, source, county_case_id,
channel, received_at, received_by, reception_session_id, headcount, collective,
category, reported_unit_ids, subject, content, urgent, repeat_of_case_ids,
request_subject, request_id, request_sha256, anonymous, final_case_ids) VALUES ('case_pgb_' || :a || '_' || :b, upper(substr(md5(random()::text), 1, 16)),
'REGISTERED', 'TOWNSHIP', NULLIF('', ''), 'VISIT', now()::timestamptz, 'off_clerk1', '', 1, false, 'RIGHTS_INFRINGEMENT', '{}'::text[], '宅基地纠纷',
'邻居占用宅基地，请求镇里协调处理。', false, :repeats::text[], NULLIF('', ''), NULLIF('', ''), NULLIF('', ''), false,
'{}'::text[]) ON CONFLICT (request_subject, request_id) DO NOTHING
RETURNING case_id, received_at, created_at, updated_at),
p AS (INSERT INTO petitioners (case_id, ordinal, sealed, seal_version, id_number_hash,
received_at) SELECT c.case_id, t.n - 1, decode(t.sealed, 'hex'), :seal_version, t.hash,
c.received_at FROM c, unnest(('{' || repeat(md5(random()::text), :sealed_md5s) || '}')::text[], :hashes::text[]) WITH ORDINALITY
AS t (sealed, hash, n)),
o AS (INSERT INTO outbox (event_id, case_id, sequence, payload)
SELECT 'evt_pgb_' || :a || '_' || :b, c.case_id, 1, decode(repeat(md5(random()::text), :payload_md5s), 'hex') FROM c),
s AS (INSERT INTO case_steps (case_id, step, status, actor, actor_roles, note, at)
SELECT c.case_id, 'REGISTER', 'REGISTERED', 'off_clerk1', 'clerk', '', coalesce(nullif(now()::text, '')::timestamptz, now())
FROM c)
SELECT created_at, updated_at FROM c;
END;
