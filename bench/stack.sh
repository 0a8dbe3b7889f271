# Sourced by the benchmarks that drive the real processes: the four of them on
# a database of their own (petition_bench) in the throwaway cluster of
# `./dev testdb`, started by start_stack. Sets HTTP (the gateway's port), PG_BIN,
# PG_PORT, DB, WORK, PIDS (scheduling supervision intake gateway), NAMES,
# CLERK_TOKENS and SUPERVISOR_TOKENS (files of 64 tokens each, one principal
# apiece), PETITION_BENCH_TOKEN (one clerk) and mint_token, plus the measuring
# functions below; everything stops on exit.
#   BENCH_SECONDS (10)  BENCH_CONNECTIONS (16)  BENCH_PRINCIPALS (64)
#   BENCH_GATEWAY_FLAGS (extra gateway flags, e.g. --public_rate_limit_rps=...)
: "${PETITION_TEST_PG_DSN:?run through ./dev bench}"
SECONDS_RUN="${BENCH_SECONDS:-10}"
CONNS="${BENCH_CONNECTIONS:-16}"
PRINCIPALS="${BENCH_PRINCIPALS:-64}"
BIN="${PETITION_TEST_BIN_DIR:-build}"
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT="$(sed -E 's/.*port=([0-9]+).*/\1/' <<<"$PETITION_TEST_PG_DSN")"
DB=petition_bench
WORK="$(mktemp -d /tmp/petition-bench.XXXXXX)"
PIDS=()
NAMES=(scheduling supervision intake gateway)
cleanup() {
  for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

psql_admin() { PGOPTIONS='-c client_min_messages=warning' "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
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
# mint_token <role> <subject>: a bearer token the gateway accepts.
mint_token() {
  "$BIN/services/gateway/gateway" --jwt_secret="$SECRET" --mint_token --role "$1" --sub "$2"
}

start_stack() {
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $DB"
  psql_admin -d postgres -c "CREATE DATABASE $DB"
  psql_admin -d "$DB" -f deploy/postgres/database.sql
  SECRET="$(od -An -vtx1 -N32 /dev/urandom | tr -d ' \n')"
  KEY="$(od -An -vtx1 -N32 /dev/urandom | tr -d ' \n')"
  # The four processes prove their gRPC calls to each other with it (inherited by each).
  export PETITION_INTERNAL_SECRET
  PETITION_INTERNAL_SECRET="$(od -An -vtx1 -N32 /dev/urandom | tr -d ' \n')"
  start scheduling --grpc_port=0 --metrics_port=0 --pg_dsn="$(dsn scheduling)" --log_level=warn
  start supervision --grpc_port=0 --metrics_port=0 --pg_dsn="$(dsn supervision)" --log_level=warn \
    --scheduling_addr="127.0.0.1:$(port scheduling grpc)"
  start intake --grpc_port=0 --metrics_port=0 --pg_dsn="$(dsn intake)" --log_level=warn \
    --pii_key="$KEY" --supervision_addr="127.0.0.1:$(port supervision grpc)" \
    --scheduling_addr="127.0.0.1:$(port scheduling grpc)"
  # The per-principal rate limit stays at its default (50/s each): the load
  # comes from BENCH_PRINCIPALS officials, as in an office, not from one.
  # shellcheck disable=SC2086  # BENCH_GATEWAY_FLAGS is a list of flags
  start gateway --http_port=0 --metrics_port=0 --jwt_secret="$SECRET" --log_level=warn \
    --intake_addr="127.0.0.1:$(port intake grpc)" \
    --scheduling_addr="127.0.0.1:$(port scheduling grpc)" \
    --supervision_addr="127.0.0.1:$(port supervision grpc)" ${BENCH_GATEWAY_FLAGS:-}
  HTTP="$(port gateway http)"
  CLERK_TOKENS="$WORK/clerk.tokens"
  SUPERVISOR_TOKENS="$WORK/supervisor.tokens"
  for i in $(seq 1 "$PRINCIPALS"); do
    mint_token clerk "off_clerk$i" >>"$CLERK_TOKENS"
    mint_token supervisor "off_supervisor$i" >>"$SUPERVISOR_TOKENS"
  done
  export PETITION_BENCH_TOKEN
  PETITION_BENCH_TOKEN="$(head -1 "$CLERK_TOKENS")"
}

# --- measuring ----------------------------------------------------------------------------------

# The throwaway cluster's postmaster (its children are the backends).
postmaster_pid() {
  head -1 "$(psql_admin -d "$DB" -tAc 'SHOW data_directory')/postmaster.pid"
}
# CPU clock ticks (user+system) of a process; with `all`, also of its reaped
# children (a pgbench or wrk connection's backend that has exited).
ticks_of() {  # ticks_of <pid> [all]
  awk -v all="${2:-}" '{ sub(/^[0-9]+ \(.*\) /, ""); t = $12 + $13; if (all) t += $14 + $15; print t }' \
    "/proc/$1/stat" 2>/dev/null || echo 0
}
# Ticks of the whole PostgreSQL cluster: the postmaster, the backends that
# have exited (accounted to it) and those alive.
pg_ticks() {
  local pm total child
  pm="$(postmaster_pid)"
  total="$(ticks_of "$pm" all)"
  for child in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do
    total=$((total + $(ticks_of "$child")))
  done
  echo "$total"
}
# cpu_snapshot <file>: the ticks of the five, one "name ticks" a line.
cpu_snapshot() {
  local i
  for i in "${!NAMES[@]}"; do echo "${NAMES[$i]} $(ticks_of "${PIDS[$i]}")"; done >"$1"
  echo "postgres $(pg_ticks)" >>"$1"
}
# cpu_per_request <before> <after> <requests>: CPU microseconds each process spent per request.
cpu_per_request() {
  awk -v hz="$(getconf CLK_TCK)" -v n="$3" '
    FNR == NR { before[$1] = $2; next }
    { us = ($2 - before[$1]) * 1e6 / hz / n; total += us; printf " %s %.0f,", $1, us }
    END { printf " total %.0f us/request\n", total }' "$1" "$2"
}
# Resident memory (VmRSS) of each process, in MiB. PostgreSQL's is the sum of
# its processes' proportional set sizes (Pss: shared buffers divided among
# the processes that share them, not counted once per backend).
rss_of() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
pss_of() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
pg_rss() {
  local pm total child
  pm="$(postmaster_pid)"
  total="$(pss_of "$pm")"
  for child in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do
    total=$((total + $(pss_of "$child")))
  done
  echo "$total"
}
rss_snapshot() {  # rss_snapshot <file>: "name KiB" a line
  local i
  for i in "${!NAMES[@]}"; do echo "${NAMES[$i]} $(rss_of "${PIDS[$i]}")"; done >"$1"
  echo "postgres $(pg_rss)" >>"$1"
}
print_rss() {  # print_rss <label> <file>
  awk -v label="$1" '{ printf "%s %s %.1f,", (NR == 1 ? label : ""), $1, $2 / 1024 } END { print " MiB" }' "$2"
}
# The stack alone, with nothing asking: how many transactions it commits a second.
idle_commits_per_second() {  # idle_commits_per_second <seconds>
  local q="SELECT xact_commit FROM pg_stat_database WHERE datname = '$DB'"
  local a b
  a="$(psql_admin -d "$DB" -tAc "$q")"
  sleep "$1"
  b="$(psql_admin -d "$DB" -tAc "$q")"
  # Less this measurement's own first query (its commit is counted too).
  awk -v a="$a" -v b="$b" -v s="$1" 'BEGIN { printf "%.1f", (b - a - 1) / s }'
}
# Pause the four processes (SIGSTOP) while a baseline runs on the same
# PostgreSQL, so that their background work neither takes CPU from it nor
# picks up its rows (e.g. intake's outbox relay); resume them after.
pause_stack() { local pid; for pid in "${PIDS[@]}"; do kill -STOP "$pid"; done; }
resume_stack() { local pid; for pid in "${PIDS[@]}"; do kill -CONT "$pid"; done; }
