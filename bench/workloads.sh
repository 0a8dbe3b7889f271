#!/usr/bin/env bash
# The project's performance goals, measured: each workload through the gateway
# (HTTP -> gateway -> gRPC -> intake -> PostgreSQL) beside pgbench running the
# same statements (bench/*.pgbench.sql, held to the stores' by tests/bench) on
# the same PostgreSQL at the same concurrency, with the ratio; for each, the
# CPU microseconds per request of every process and their resident memory
# after it. Before the load: the idle stack's resident memory and commits per
# second. Then the same register and read against a minimal Node.js service
# (bench/node). Expects the environment of `./dev testdb` and a build.
#   BENCH_SECONDS (10)  BENCH_CONNECTIONS (16)  BENCH_CASES (3000)
#   BENCH_IDLE_SECONDS (10)  BENCH_PRINCIPALS (64)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/stack.sh  # the four processes on a database of their own; HTTP, PG_BIN, PIDS ...
. bench/fill.sh   # fill_cases, next_salt
start_stack
CASES="${BENCH_CASES:-3000}"
IDLE_SECONDS="${BENCH_IDLE_SECONDS:-10}"
SUMMARY="$WORK/summary"
: >"$SUMMARY"

# wrk_run <seconds> <lua> <url> <out>: wrk with this many connections; the
# request count and rate go to <out>.requests and <out>.rps.
wrk_run() {
  wrk -t2 -c"$CONNS" -d"$1s" --latency -s "$2" "$3" >"$4" 2>"$4.err" || { cat "$4" "$4.err" >&2; exit 1; }
  sed -nE 's/^ *([0-9]+) requests in .*/\1/p' "$4" >"$4.requests"
  sed -nE 's/^Requests\/sec: +([0-9.]+)/\1/p' "$4" >"$4.rps"
  awk '/Non-2xx/ { print $NF }' "$4" >"$4.errors"
}
# pgbench_run <seconds> <script> <out> [-D ...]: pgbench as intake, the four
# processes paused meanwhile (stack.sh); its tps goes to <out>.tps.
pgbench_run() {
  local seconds="$1" script="$2" out="$3"
  shift 3
  pause_stack
  "$PG_BIN/pgbench" -n -M prepared -c "$CONNS" -j2 -T"$seconds" -h 127.0.0.1 -p "$PG_PORT" \
    -U intake "$@" -f "$script" "$DB" >"$out" 2>"$out.err" || { resume_stack; cat "$out" "$out.err" >&2; exit 1; }
  # Its outbox rows are not events for the relay to deliver.
  psql_admin -d "$DB" -c "UPDATE intake.outbox SET delivered_at = now()
    WHERE event_id LIKE 'evt\_pgb\_%' AND delivered_at IS NULL"
  ${AFTER_PGBENCH:-true}
  resume_stack
  sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' "$out" >"$out.tps"
}
echo "== the idle stack"
# Past start-up (the relays' first batches, the gauges' first refresh, PostgreSQL's
# delayed statistics of the start-up's sessions): else start-up is what is counted.
sleep "${BENCH_IDLE_SETTLE:-15}"
rss_snapshot "$WORK/rss.idle"
print_rss "idle resident memory:" "$WORK/rss.idle"
IDLE_COMMITS="$(idle_commits_per_second "$IDLE_SECONDS")"
echo "idle commits: $IDLE_COMMITS/s (pg_stat_database.xact_commit over ${IDLE_SECONDS}s)"

fill_cases "$CASES"
# What a registration stores, so that pgbench stores as much (in 16-byte blocks).
read -r SEALED_MD5S PAYLOAD_MD5S SEAL_VERSION < <(psql_admin -d "$DB" -tA -F' ' -c "
  SELECT (SELECT ceil(avg(octet_length(sealed)) / 16)::int FROM intake.petitioners),
         (SELECT ceil(avg(octet_length(payload)) / 16)::int FROM intake.outbox),
         (SELECT max(seal_version) FROM intake.petitioners)")
SIZES=(-D "sealed_md5s=$SEALED_MD5S" -D "payload_md5s=$PAYLOAD_MD5S" -D "seal_version=$SEAL_VERSION")
# The cases the reads read (the gateway's), and copies of them for pgbench
# (case_pgb_1 ..): the same rows, under ids a pgbench script can name.
psql_admin -d "$DB" <<'SQL'
CREATE TEMP TABLE pgb AS
  SELECT case_id, 'case_pgb_' || row_number() OVER (ORDER BY case_id) AS copy FROM intake.cases;
DO $$
DECLARE cols text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ') INTO cols FROM information_schema.columns
   WHERE table_schema = 'intake' AND table_name = 'cases'
     AND column_name NOT IN ('case_id', 'query_code', 'request_subject', 'request_id', 'request_sha256');
  EXECUTE format('INSERT INTO intake.cases (case_id, query_code, %s)
                  SELECT pgb.copy, upper(md5(pgb.copy)), %s FROM intake.cases JOIN pgb USING (case_id)',
                 cols, cols);
END $$;
INSERT INTO intake.petitioners (case_id, ordinal, sealed, seal_version, id_number_hash,
    received_at)
  SELECT pgb.copy, ordinal, sealed, seal_version, md5(pgb.copy), received_at
  FROM intake.petitioners JOIN pgb USING (case_id);
INSERT INTO intake.case_steps (case_id, step, status, actor, actor_roles, note, at)
  SELECT pgb.copy, step, status, actor, actor_roles, note, at
  FROM intake.case_steps JOIN pgb USING (case_id);
ANALYZE;
SQL
NCASES="$(wc -l <"$WORK/cases")"

# workload <name> <what the gateway side does> <pgbench script> <wrk lua> <url> [pgbench -D ...]
workload() {
  local name="$1" what="$2" script="$3" lua="$4" url="$5"
  shift 5
  echo "== $name: $what"
  # Warm-up of both sides (prepared statements, caches, connections).
  pgbench_run 2 "$script" "$WORK/$name.pgbench" "$@"
  wrk_run 2 "$lua" "$url" "$WORK/$name.wrk"
  pgbench_run "$SECONDS_RUN" "$script" "$WORK/$name.pgbench" "$@"
  [[ "$lua" == *register* ]] && next_salt
  cpu_snapshot "$WORK/cpu.before"
  wrk_run "$SECONDS_RUN" "$lua" "$url" "$WORK/$name.wrk"
  cpu_snapshot "$WORK/cpu.after"
  rss_snapshot "$WORK/rss.$name"
  local rps tps requests errors
  rps="$(cat "$WORK/$name.wrk.rps")"; tps="$(cat "$WORK/$name.pgbench.tps")"
  requests="$(cat "$WORK/$name.wrk.requests")"; errors="$(cat "$WORK/$name.wrk.errors")"
  grep -E "Latency|99%" "$WORK/$name.wrk" | sed 's/^/  /'
  awk -v g="$rps" -v p="$tps" -v e="${errors:-0}" -v n="$name" 'BEGIN {
    printf "%s: gateway %.0f req/s, pgbench %.0f tps, ratio %.2f, non-2xx %d\n", n, g, p, g / p, e }' \
    | tee -a "$SUMMARY"
  printf "  cpu per request:" | tee -a "$SUMMARY"
  cpu_per_request "$WORK/cpu.before" "$WORK/cpu.after" "$requests" | tee -a "$SUMMARY"
  printf "  " | tee -a "$SUMMARY"
  print_rss "resident after:" "$WORK/rss.$name" | tee -a "$SUMMARY"
}

export PETITION_BENCH_CASES="$WORK/cases"
export PETITION_BENCH_TOKENS="$CLERK_TOKENS"
next_salt
workload register "POST /v1/cases, 64 clerks, a new petitioner each" \
  bench/register_case.pgbench.sql bench/register_case.lua "http://127.0.0.1:$HTTP/v1/cases" "${SIZES[@]}"

export PETITION_BENCH_TOKENS="$SUPERVISOR_TOKENS"
workload read_masked "GET /v1/cases/{id}, 64 supervisors (identity masked), $NCASES cases" \
  bench/read_case_masked.pgbench.sql bench/read_case.lua "http://127.0.0.1:$HTTP" -D "ncases=$NCASES"

export PETITION_BENCH_TOKENS="$CLERK_TOKENS"
workload read_shown "GET /v1/cases/{id}, 64 clerks (identity shown, each read audited)" \
  bench/read_case_shown.pgbench.sql bench/read_case.lua "http://127.0.0.1:$HTTP" -D "ncases=$NCASES"

# The frequent petitioner: one person registering again and again. Their
# history starts with what the warm-up registers; pgbench's cases of theirs
# are removed after its run, so that both sides start from the same history.
FREQUENT_ID=11010519491231002X
export PETITION_BENCH_RESIDENT_ID="$FREQUENT_ID"
wrk_run 2 bench/register_case.lua "http://127.0.0.1:$HTTP/v1/cases" "$WORK/frequent.seed"
HASH="$(psql_admin -d "$DB" -tAc "SELECT id_number_hash FROM intake.petitioners p JOIN intake.cases c USING (case_id)
  ORDER BY c.created_at DESC LIMIT 1")"
REPEATS="$(psql_admin -d "$DB" -tAc "SELECT repeat_of_case_ids FROM intake.cases ORDER BY created_at DESC LIMIT 1")"
echo "the frequent petitioner has $(psql_admin -d "$DB" -tAc "SELECT count(*) FROM intake.petitioners WHERE id_number_hash = '$HASH'") cases"
forget_pgbench_cases() {
  psql_admin -d "$DB" -c "
    CREATE TEMP TABLE gone AS SELECT case_id FROM intake.petitioners
      WHERE id_number_hash = '$HASH' AND case_id LIKE 'case\_pgb\_%';
    DELETE FROM intake.case_steps WHERE case_id IN (SELECT case_id FROM gone);
    DELETE FROM intake.petitioners WHERE case_id IN (SELECT case_id FROM gone);
    DELETE FROM intake.outbox WHERE case_id IN (SELECT case_id FROM gone);
    DELETE FROM intake.cases WHERE case_id IN (SELECT case_id FROM gone);"
}
AFTER_PGBENCH=forget_pgbench_cases
workload frequent "POST /v1/cases, always the same petitioner (repeat detection's worst case)" \
  bench/frequent_petitioner.pgbench.sql bench/register_case.lua "http://127.0.0.1:$HTTP/v1/cases" \
  "${SIZES[@]}" -D "hash=$HASH" -D "hashes={$HASH}" -D "repeats=$REPEATS"
unset AFTER_PGBENCH
unset PETITION_BENCH_RESIDENT_ID
echo "the frequent petitioner has $(psql_admin -d "$DB" -tAc "SELECT count(*) FROM intake.petitioners WHERE id_number_hash = '$HASH'") cases"

# The minimal Node.js service, same database, same load.
if command -v node >/dev/null && [[ -f node_modules/fastify/package.json && -f node_modules/pg/package.json ]]; then
  echo "== Node.js (Fastify + pg, bench/node): the same register and read"
  PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGDATABASE="$DB" PGUSER=intake \
    node bench/node/server.js >"$WORK/node.out" 2>&1 &
  NODE_PID=$!
  PIDS+=("$NODE_PID")  # stopped on exit with the others
  for _ in $(seq 1 200); do grep -q '^port=' "$WORK/node.out" && break; sleep 0.05; done
  NODE_PORT="$(sed -n 's/^port=//p' "$WORK/node.out")"
  [[ -n "$NODE_PORT" ]] || { cat "$WORK/node.out"; exit 1; }
  node_run() {  # node_run <name> <lua> <url>: the four processes paused meanwhile
    pause_stack; kill -CONT "$NODE_PID"
    wrk_run 2 "$2" "$3" "$WORK/$1.warm"
    local before after
    before="$(ticks_of "$NODE_PID")"
    wrk_run "$SECONDS_RUN" "$2" "$3" "$WORK/$1"
    after="$(ticks_of "$NODE_PID")"
    psql_admin -d "$DB" -c "UPDATE intake.outbox SET delivered_at = now()
      WHERE event_id LIKE 'evt\_node\_%' AND delivered_at IS NULL"
    resume_stack
    echo "$(( (after - before) * 1000000 / $(getconf CLK_TCK) / $(cat "$WORK/$1.requests") ))" >"$WORK/$1.cpu"
  }
  next_salt
  PETITION_BENCH_TOKENS="$CLERK_TOKENS" PETITION_BENCH_PATH=/cases node_run node_register bench/register_case.lua \
    "http://127.0.0.1:$NODE_PORT/cases"
  PETITION_BENCH_PATH=/cases/ node_run node_read bench/read_case.lua "http://127.0.0.1:$NODE_PORT"
  for pair in "register node_register" "read_masked node_read"; do
    set -- $pair
    awk -v g="$(cat "$WORK/$1.wrk.rps")" -v n="$(cat "$WORK/$2.rps")" -v e="$(cat "$WORK/$2.errors")" \
      -v c="$(cat "$WORK/$2.cpu")" -v w="$1" 'BEGIN {
      printf "node %s: node %.0f req/s (node cpu %d us/request, non-2xx %d), the project %.0f req/s, ratio %.2f\n",
        w, n, c, e, g, g / n }' | tee -a "$SUMMARY"
  done
else
  echo "== Node.js comparison skipped: no node, or node_modules/ lacks fastify or pg (./dev bench installs them)" | tee -a "$SUMMARY"
fi

echo "== summary ($CONNS connections, ${SECONDS_RUN}s each; cpu in microseconds per request)"
print_rss "idle resident memory:" "$WORK/rss.idle"
echo "idle commits: $IDLE_COMMITS/s"
cat "$SUMMARY"
