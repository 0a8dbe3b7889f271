-- The transaction intake runs to register one case (see
-- services/intake/store/case_store.cc): the repeat check on the person's
-- recent cases, then the case, one sealed petitioner, one outbox event and the
-- REGISTER step in one statement, with payloads of the same size.
\set a random(1, 2000000000)
\set b random(1, 2000000000)
BEGIN;
SELECT c.case_id, c.status, c.final_case_ids FROM (SELECT DISTINCT r.case_id
  FROM unnest(ARRAY[md5(:a || 'h')]) h (hash) CROSS JOIN LATERAL (SELECT case_id FROM intake.petitioners
  WHERE id_number_hash = h.hash ORDER BY received_at DESC LIMIT 50) r) p
  CROSS JOIN LATERAL (SELECT case_id, status, received_at, subject, content,
  final_case_ids FROM intake.cases WHERE cases.case_id = p.case_id OFFSET 0) c
  WHERE public.similarity(c.subject || ' ' || c.content, '宅基地纠纷 邻居占用宅基地，请求镇里协调处理。') >= 0.4::float4
  ORDER BY c.received_at, c.case_id LIMIT 20;
WITH c AS (INSERT INTO intake.cases (case_id, query_code, status, source, county_case_id,
  channel, received_at, received_by, reception_session_id, headcount, collective,
  category, reported_unit_ids, subject, content, urgent, repeat_of_case_ids,
  request_subject, request_id, request_sha256, anonymous, final_case_ids)
  VALUES ('case_bench_' || :a || '_' || :b, upper(substr(md5(random()::text), 1, 16)),
  'REGISTERED', 'TOWNSHIP', NULL, 'VISIT', now(), 'off_bench', '', 1, false,
  'RIGHTS_INFRINGEMENT', '{}'::text[], '宅基地纠纷', '邻居占用宅基地，请求镇里协调处理。', false,
  '{}'::text[], NULL, NULL, NULL, false, '{}'::text[]) ON CONFLICT (request_subject, request_id) DO NOTHING
  RETURNING case_id, received_at, created_at, updated_at),
p AS (INSERT INTO intake.petitioners (case_id, ordinal, sealed, seal_version, id_number_hash,
  received_at) SELECT c.case_id, t.n - 1, decode(t.sealed, 'hex'), 2, t.hash,
  c.received_at FROM c, unnest(ARRAY[md5(random()::text) || md5(random()::text) || md5(random()::text)],
  ARRAY[md5(:a || 'h')]) WITH ORDINALITY AS t (sealed, hash, n)),
o AS (INSERT INTO intake.outbox (event_id, case_id, sequence, payload)
  SELECT 'evt_bench_' || md5(random()::text), c.case_id, 1,
  decode(md5(random()::text) || md5(random()::text), 'hex') FROM c),
s AS (INSERT INTO intake.case_steps (case_id, step, status, actor, actor_roles, note, at)
  SELECT c.case_id, 'REGISTER', 'REGISTERED', 'off_bench', 'clerk', '', now() FROM c)
SELECT created_at, updated_at FROM c;
END;
