#!/usr/bin/env bash
# Listing cases a page at a time: GET /v1/cases?pageSize=50 through the gateway
# (HTTP -> gateway -> gRPC -> intake: the page's rows and its petitioners, each
# opened and masked) against pgbench running the same two queries straight on
# the same PostgreSQL, at the same concurrency, over the same cases (registered
# through the gateway first), by 64 supervisors in rotation. Prints both rates
# and their ratio. Expects the
# environment of `./dev testdb` and a build in build/.
#   BENCH_SECONDS (10)  BENCH_CONNECTIONS (16)  BENCH_CASES (3000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/stack.sh  # the four processes on a database of their own; HTTP, PG_BIN, PIDS ...
. bench/fill.sh
start_stack
fill_cases "${BENCH_CASES:-3000}"

export PETITION_BENCH_TOKENS="$SUPERVISOR_TOKENS"
URL="http://127.0.0.1:$HTTP/v1/cases?pageSize=50"
# The answer is a full page, or the comparison means nothing.
PAGE="$(curl -sf -H "Authorization: Bearer $(head -1 "$SUPERVISOR_TOKENS")" "$URL")"
SHOWN="$(grep -o '"caseId"' <<<"$PAGE" | wc -l)"
[[ "$SHOWN" == 50 ]] || { echo "expected a page of 50 cases, got $SHOWN" >&2; exit 1; }

echo "== warm-up"
wrk -t2 -c"$CONNS" -d2s -s bench/list_cases.lua "$URL" >/dev/null
"$PG_BIN/pgbench" -n -M prepared -c "$CONNS" -j2 -T2 -h 127.0.0.1 -p "$PG_PORT" \
  -U intake -D none={} -D page=51 -f bench/list_cases.pgbench.sql "$DB" >/dev/null

echo "== baseline: pgbench, the same queries, $CONNS connections, ${SECONDS_RUN}s (the four processes paused)"
pause_stack
"$PG_BIN/pgbench" -n -M prepared -c "$CONNS" -j2 -T"$SECONDS_RUN" -h 127.0.0.1 -p "$PG_PORT" \
  -U intake -D none={} -D page=51 -f bench/list_cases.pgbench.sql "$DB" | tee "$WORK/pgbench.out" | grep -E "tps|latency"
resume_stack
echo "== GET /v1/cases?pageSize=50 through the gateway, $CONNS connections, ${SECONDS_RUN}s"
wrk -t2 -c"$CONNS" -d"${SECONDS_RUN}s" --latency -s bench/list_cases.lua "$URL" \
  | tee "$WORK/wrk.out" | grep -E "Requests/sec|Latency|99%|Non-2xx"

PG_TPS="$(sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' "$WORK/pgbench.out")"
GW_RPS="$(sed -nE 's/^Requests\/sec: +([0-9.]+)/\1/p' "$WORK/wrk.out")"
awk -v g="$GW_RPS" -v p="$PG_TPS" 'BEGIN {
  printf "list_cases (50 a page): gateway %.0f pages/s, pgbench %.0f tps, ratio %.2f\n", g, p, g / p }'
