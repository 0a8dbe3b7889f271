// The comparison's Node.js service: Fastify + pg doing the core of what the
// project does for the same two requests, with none of its rules, checks,
// sealing, auditing or processes in between.
//   POST /cases      one transaction of three inserts: the case, its
//                    petitioner, its outbox event (the project's statements)
//   GET  /cases/:id  the case and its petitioners (two selects)
// Runs on intake's tables (as the intake role) with as many connections as
// intake's pool (8). Prints "port=N" once listening.
//   PGHOST PGPORT PGDATABASE PGUSER (pg's usual variables)  BENCH_NODE_POOL (8)
'use strict';
const crypto = require('node:crypto');
const fastify = require('fastify')({ logger: false });
const { Pool } = require('pg');

const pool = new Pool({ max: Number(process.env.BENCH_NODE_POOL || 8) });

const INSERT_CASE =
  'INSERT INTO cases (case_id, query_code, status, source, county_case_id, channel, ' +
  'received_at, received_by, reception_session_id, headcount, collective, category, ' +
  'reported_unit_ids, subject, content, urgent, repeat_of_case_ids, request_subject, ' +
  'request_id, request_sha256, anonymous, final_case_ids) VALUES ($1, $2, $3, $4, ' +
  "NULLIF($5, ''), $6, $7::timestamptz, $8, $9, $10, $11, $12, $13::text[], $14, $15, $16, " +
  "$17::text[], NULLIF($18, ''), NULLIF($19, ''), NULLIF($20, ''), $21, $22::text[]) " +
  'ON CONFLICT (request_subject, request_id) DO NOTHING RETURNING created_at, updated_at';
const INSERT_PETITIONER =
  'INSERT INTO petitioners (case_id, ordinal, sealed, seal_version, id_number_hash, ' +
  'received_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz)';
const INSERT_OUTBOX =
  'INSERT INTO outbox (event_id, case_id, sequence, payload) VALUES ($1, $2, $3, $4)';
const SELECT_CASE = 'SELECT * FROM cases WHERE case_id = $1';
const SELECT_PETITIONERS =
  'SELECT ordinal, sealed, seal_version FROM petitioners WHERE case_id = $1 ORDER BY ordinal';

fastify.post('/cases', async (request, reply) => {
  const body = request.body;
  const p = body.petitioners[0];
  const caseId = 'case_node_' + crypto.randomBytes(8).toString('hex');
  const receivedAt = new Date().toISOString();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const created = await client.query({
      name: 'insert_case', text: INSERT_CASE,
      values: [caseId, crypto.randomBytes(8).toString('hex').toUpperCase(), 'REGISTERED',
        'TOWNSHIP', '', body.channel, receivedAt, 'off_node', '', 1, false,
        body.category, '{}', body.subject, body.content, false, '{}', '', '', '', false, '{}'],
    });
    await client.query({
      name: 'insert_petitioner', text: INSERT_PETITIONER,
      values: [caseId, 0, Buffer.from(JSON.stringify(p)), 1,
        crypto.createHash('sha256').update(p.idNumber).digest('hex'), receivedAt],
    });
    await client.query({
      name: 'insert_outbox', text: INSERT_OUTBOX,
      values: ['evt_node_' + crypto.randomBytes(8).toString('hex'), caseId, 1,
        Buffer.from(JSON.stringify({ caseId, registered: {} }))],
    });
    await client.query('COMMIT');
    return { caseId, createdAt: created.rows[0].created_at };
  } catch (e) {
    await client.query('ROLLBACK');
    reply.code(500);
    return { error: String(e) };
  } finally {
    client.release();
  }
});

fastify.get('/cases/:id', async (request, reply) => {
  const id = request.params.id;
  const c = await pool.query({ name: 'select_case', text: SELECT_CASE, values: [id] });
  if (c.rows.length === 0) {
    reply.code(404);
    return { error: 'no such case' };
  }
  const p = await pool.query({ name: 'select_petitioners', text: SELECT_PETITIONERS, values: [id] });
  return { ...c.rows[0], petitioners: p.rows.map((r) => ({ ordinal: r.ordinal })) };
});

fastify.listen({ host: '127.0.0.1', port: 0 }).then(() => {
  console.log('port=' + fastify.server.address().port);
});
