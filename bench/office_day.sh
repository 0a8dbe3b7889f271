#!/usr/bin/env bash
# A day at a township office: 16 clients mixing registrations, accepts, reads,
# lists, public look-ups by query code and deadline lists in the shares of
# bench/office_day.cc, on a database grown first; p50 and p99 of each route.
# The public look-up's per-address rate limit is lifted for this run alone:
# petitioners look up from their own addresses, the benchmark from one.
# (The officials' per-principal limit stays at its default.)
#   BENCH_SECONDS (10)  BENCH_CONNECTIONS (16)  BENCH_CASES (3000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH_GATEWAY_FLAGS="--public_rate_limit_rps=1000000 --public_rate_limit_burst=1000000"
. bench/stack.sh
. bench/fill.sh
start_stack
seed_directory
fill_cases "${BENCH_CASES:-3000}"
echo "== a day at the office: $CONNS clients, ${SECONDS_RUN}s"
"$BIN/bench/office_day" --port="$HTTP" --clients="$CONNS" --seconds="$SECONDS_RUN" --mix=day \
  --clerk_tokens="$CLERK_TOKENS" --cases="$WORK/cases" --query_codes="$WORK/query_codes" \
  --salt=1
