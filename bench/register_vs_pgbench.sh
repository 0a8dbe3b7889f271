#!/usr/bin/env bash
# Registering a case through the gateway (HTTP -> gateway -> gRPC -> intake ->
# one PostgreSQL transaction) against pgbench running the same transaction
# straight on the same PostgreSQL, at the same concurrency. Prints both
# throughputs and their ratio (goal: >= 0.7). Expects the environment of
# `./dev testdb` (a throwaway cluster) and a build in build/.
#   BENCH_SECONDS (10)  BENCH_CONNECTIONS (16)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${PETITION_TEST_PG_DSN:?run through ./dev bench}"
SECONDS_RUN="${BENCH_SECONDS:-10}"
CONNS="${BENCH_CONNECTIONS:-16}"
BIN="${PETITION_TEST_BIN_DIR:-build}"
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT="$(sed -E 's/.*port=([0-9]+).*/\1/' <<<"$PETITION_TEST_PG_DSN")"
DB=petition_bench
WORK="$(mktemp -d /tmp/petition-bench.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

psql_admin() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
psql_admin -d postgres -c "CREATE DATABASE $DB"
psql_admin -d "$DB" -f deploy/postgres/database.sql

dsn() { echo "host=127.0.0.1 port=$PG_PORT dbname=$DB user=$1"; }
start() {  # start <name> <args...>
  local name="$1"; shift
  "$BIN/services/$name/$name" --port_file="$WORK/$name.ports" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 1 600); do
    [[ -f "$WORK/$name.ports" ]] && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$WORK/$name.log"; exit 1; }
    sleep 0.05
  done
  echo "$name did not start" >&2; exit 1
}
port() { sed -n "s/^$2=//p" "$WORK/$1.ports"; }

SECRET="$(od -An -vtx1 -N32 /dev/urandom | tr -d ' \n')"
KEY="$(od -An -vtx1 -N32 /dev/urandom | tr -d ' \n')"
# The four processes prove their gRPC calls to each other with it (inherited by each).
export PETITION_INTERNAL_SECRET
PETITION_INTERNAL_SECRET="$(od -An -vtx1 -N32 /dev/urandom | tr -d ' \n')"
start scheduling --grpc_port=0 --metrics_port=0 --pg_dsn="$(dsn scheduling)" --log_level=warn
start supervision --grpc_port=0 --metrics_port=0 --pg_dsn="$(dsn supervision)" --log_level=warn \
  --scheduling_addr="127.0.0.1:$(port scheduling grpc)"
start intake --grpc_port=0 --metrics_port=0 --pg_dsn="$(dsn intake)" --log_level=warn \
  --pii_key="$KEY" --supervision_addr="127.0.0.1:$(port supervision grpc)"
start gateway --http_port=0 --metrics_port=0 --jwt_secret="$SECRET" --log_level=warn \
  --intake_addr="127.0.0.1:$(port intake grpc)" \
  --scheduling_addr="127.0.0.1:$(port scheduling grpc)" \
  --supervision_addr="127.0.0.1:$(port supervision grpc)"
HTTP="$(port gateway http)"
export PETITION_BENCH_TOKEN
PETITION_BENCH_TOKEN="$("$BIN/services/gateway/gateway" --jwt_secret="$SECRET" --mint_token \
  --role clerk --sub off_bench)"

echo "== warm-up"
wrk -t2 -c"$CONNS" -d2s -s bench/register_case.lua "http://127.0.0.1:$HTTP/v1/cases" >/dev/null
PGPASSWORD='' "$PG_BIN/pgbench" -n -M prepared -c "$CONNS" -j2 -T2 -h 127.0.0.1 -p "$PG_PORT" \
  -U intake -f bench/register_case.pgbench.sql "$DB" >/dev/null 2>&1

echo "== baseline: pgbench, the same transaction, $CONNS connections, ${SECONDS_RUN}s"
"$PG_BIN/pgbench" -n -M prepared -c "$CONNS" -j2 -T"$SECONDS_RUN" -h 127.0.0.1 -p "$PG_PORT" \
  -U intake -f bench/register_case.pgbench.sql "$DB" | tee "$WORK/pgbench.out" | grep -E "tps|latency"
# CPU seconds (user+system) a process has used: where the time goes.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
pg_cpu() { ps -u postgres -o times= | awk '{ s += $1 } END { printf "%.2f", s }'; }
declare -A CPU_BEFORE
NAMES=(scheduling supervision intake gateway)
for i in "${!NAMES[@]}"; do CPU_BEFORE[${NAMES[$i]}]="$(cpu_of "${PIDS[$i]}")"; done
PG_BEFORE="$(pg_cpu)"
if [[ -n "${BENCH_PERF:-}" ]]; then  # BENCH_PERF=dir: a system-wide perf profile of the run
  mkdir -p "$BENCH_PERF"
  perf record -F 499 -g -a -o "$BENCH_PERF/all.data" -- sleep "$SECONDS_RUN" >/dev/null 2>&1 &
fi
echo "== POST /v1/cases through the gateway, $CONNS connections, ${SECONDS_RUN}s"
wrk -t2 -c"$CONNS" -d"${SECONDS_RUN}s" --latency -s bench/register_case.lua \
  "http://127.0.0.1:$HTTP/v1/cases" | tee "$WORK/wrk.out" | grep -E "Requests/sec|Latency|99%|Non-2xx"

printf "cpu seconds during the run:"
for i in "${!NAMES[@]}"; do
  printf " %s %.1f," "${NAMES[$i]}" "$(awk -v a="$(cpu_of "${PIDS[$i]}")" -v b="${CPU_BEFORE[${NAMES[$i]}]}" 'BEGIN{print a-b}')"
done
awk -v a="$(pg_cpu)" -v b="$PG_BEFORE" 'BEGIN { printf " postgres %.1f\n", a - b }'

PG_TPS="$(sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' "$WORK/pgbench.out")"
GW_RPS="$(sed -nE 's/^Requests\/sec: +([0-9.]+)/\1/p' "$WORK/wrk.out")"
awk -v g="$GW_RPS" -v p="$PG_TPS" 'BEGIN {
  printf "register_case: gateway %.0f req/s, pgbench %.0f tps, ratio %.2f (goal >= 0.70)\n", g, p, g / p }'
