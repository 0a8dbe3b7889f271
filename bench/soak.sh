#!/usr/bin/env bash
# The soak: registrations and reads (half each) at half the rate the stack
# reaches with them, for BENCH_SOAK_SECONDS (600); prints the errors (goal: 0)
# and each process's resident memory growth over the soak (goal: < 10 %).
#   BENCH_SOAK_SECONDS (600)  BENCH_SECONDS (10: the maximum's measurement)
#   BENCH_CONNECTIONS (16)  BENCH_CASES (3000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/stack.sh
. bench/fill.sh
start_stack
fill_cases "${BENCH_CASES:-3000}"
SOAK_SECONDS="${BENCH_SOAK_SECONDS:-600}"
drive() {  # drive <seconds> <rate> <salt>
  "$BIN/bench/office_day" --port="$HTTP" --clients="$CONNS" --seconds="$1" --mix=soak \
    --rate="$2" --clerk_tokens="$CLERK_TOKENS" --cases="$WORK/cases" --salt="$3"
}
echo "== the maximum: register and read, half each, $CONNS clients, ${SECONDS_RUN}s"
drive "$SECONDS_RUN" 0 1 | tee "$WORK/max"
RATE="$(sed -nE 's/^total: .* ([0-9]+) requests\/s$/\1/p' "$WORK/max")"
RATE=$((RATE / 2))
echo "== warm-up at $RATE requests/s, 10s"
drive 10 "$RATE" 2 >/dev/null
rss_snapshot "$WORK/rss.before"
echo "== the soak: $RATE requests/s (half the maximum) for ${SOAK_SECONDS}s"
drive "$SOAK_SECONDS" "$RATE" 3 | tee "$WORK/soak"
rss_snapshot "$WORK/rss.after"
print_rss "resident before:" "$WORK/rss.before"
print_rss "resident after: " "$WORK/rss.after"
awk 'FNR == NR { before[$1] = $2; next }
     { printf "%s %s %+.1f %%", (FNR == 1 ? "growth (goal < 10 %):" : ","), $1, ($2 - before[$1]) * 100 / before[$1] }
     END { print "" }' "$WORK/rss.before" "$WORK/rss.after"
ERRORS="$(sed -nE 's/^total: [0-9]+ requests, ([0-9]+) errors.*/\1/p' "$WORK/soak")"
echo "soak errors: $ERRORS (goal: 0)"
