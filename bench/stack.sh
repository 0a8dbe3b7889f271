# Sourced by the benchmarks that drive the real processes: the four of them on
# a database of their own (petition_bench) in the throwaway cluster of
# `./dev testdb`, started by start_stack. Sets HTTP (the gateway's port), PG_BIN,
# PG_PORT, DB, WORK, PIDS (scheduling supervision intake gateway),
# PETITION_BENCH_TOKEN (a clerk) and mint_token; everything stops on exit.
#   BENCH_SECONDS (10)  BENCH_CONNECTIONS (16)
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
  # One token drives the whole load: no per-principal rate limit here.
  start gateway --http_port=0 --metrics_port=0 --jwt_secret="$SECRET" --log_level=warn \
    --rate_limit_rps=0 \
    --intake_addr="127.0.0.1:$(port intake grpc)" \
    --scheduling_addr="127.0.0.1:$(port scheduling grpc)" \
    --supervision_addr="127.0.0.1:$(port supervision grpc)"
  HTTP="$(port gateway http)"
  export PETITION_BENCH_TOKEN
  PETITION_BENCH_TOKEN="$(mint_token clerk off_bench)"
}
