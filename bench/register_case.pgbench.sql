-- The transaction intake runs to register one case (see
-- services/intake/store/case_store.cc): the case, one sealed petitioner and
-- one outbox event, with payloads of the same size.
\set a random(1, 2000000000)
\set b random(1, 2000000000)
BEGIN;
INSERT INTO intake.cases (case_id, query_code, status, source, county_case_id, channel,
  received_at, received_by, reception_session_id, headcount, collective, category,
  reported_unit_ids, subject, content, urgent, repeat_of_case_ids, request_subject, request_id,
  request_sha256)
VALUES ('case_bench_' || :a || '_' || :b, upper(substr(md5(random()::text), 1, 16)),
  'REGISTERED', 'TOWNSHIP', NULL, 'VISIT', now(), 'off_bench', '', 1, false,
  'RIGHTS_INFRINGEMENT', '{}'::text[], '宅基地纠纷', '邻居占用宅基地，请求镇里协调处理。', false,
  '{}'::text[], NULL, NULL, NULL)
ON CONFLICT (request_subject, request_id) DO NOTHING RETURNING created_at, updated_at;
INSERT INTO intake.petitioners (case_id, ordinal, sealed, seal_version, id_number_hash)
VALUES ('case_bench_' || :a || '_' || :b, 0, decode(md5(random()::text) || md5(random()::text) || md5(random()::text), 'hex'), 2,
  md5(random()::text) || md5(random()::text));
INSERT INTO intake.outbox (event_id, case_id, sequence, payload, delivered_at)
VALUES ('evt_bench_' || md5(random()::text), 'case_bench_' || :a || '_' || :b, 1,
  decode(md5(random()::text) || md5(random()::text), 'hex'), now());
END;
