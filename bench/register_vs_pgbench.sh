#!/usr/bin/env bash
# Registering a case through the gateway (HTTP -> gateway -> gRPC -> intake ->
# one PostgreSQL transaction) against pgbench running the same transaction
# straight on the same PostgreSQL, at the same concurrency. Prints both
# throughputs and their ratio (goal: >= 0.7). Expects the environment of
# `./dev testdb` (a throwaway cluster) and a build in build/.
#   BENCH_SECONDS (10)  BENCH_CONNECTIONS (16)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/stack.sh  # the four processes on a database of their own; HTTP, PG_BIN, PIDS ...
start_stack

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
