# shellcheck shell=bash
# Sourced by the tests that run ./dev on a stack of their own (a state
# directory under /tmp, free ports, the binaries of the tests' build): ROOT,
# DEV, PETITION_TEST_BIN_DIR (as ./dev test sets it, else the build tree given
# as $1), fail, new_tmp and the ports. A port is picked free and bound later
# by ./dev, so another program can take it in between: ./dev up is retried
# on new ports when that happened (up_on_free_ports).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
# shellcheck disable=SC2034  # the scripts that source this use it
DEV="$ROOT/dev"
PETITION_TEST_BIN_DIR="${PETITION_TEST_BIN_DIR:-${1:-}}"
[[ -n "$PETITION_TEST_BIN_DIR" ]] || { echo "usage: $0 <build tree> (or set PETITION_TEST_BIN_DIR)" >&2; exit 2; }
export PETITION_DEV_BIN_DIR="$PETITION_TEST_BIN_DIR"
export PETITION_DEV_READY_TIMEOUT=60
# The stack's own database, never one the environment names.
unset PETITION_INTAKE_PG_DSN PETITION_SCHEDULING_PG_DSN PETITION_SUPERVISION_PG_DSN PETITION_PG_DSN

fail() { echo "FAIL: $*" >&2; exit 1; }

# new_tmp <name>: a fresh directory /tmp/<name>.XXXXXX in TMP, readable by
# `postgres` (PostgreSQL runs as that user when we are root: it must reach its
# data).
new_tmp() {
  TMP="$(mktemp -d "/tmp/$1.XXXXXX")"
  chmod 755 "$TMP"
}

# Free ports below the ephemeral range, never one this test gave out before
# (picked in the shell itself: a $(...) would forget what it took).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
declare -A taken=()
pick_port() {  # pick_port <variable>: exports it with a free port
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    if [[ -z "${taken[$p]:-}" ]] && port_free "$p"; then
      taken[$p]=1
      export "$1=$p"
      return
    fi
  done
}
SERVICE_PORTS=(PETITION_GATEWAY_HTTP_PORT PETITION_GATEWAY_METRICS_PORT
  PETITION_INTAKE_GRPC_PORT PETITION_INTAKE_METRICS_PORT PETITION_SCHEDULING_GRPC_PORT
  PETITION_SCHEDULING_METRICS_PORT PETITION_SUPERVISION_GRPC_PORT PETITION_SUPERVISION_METRICS_PORT)
pick_service_ports() {
  local v
  for v in "${SERVICE_PORTS[@]}"; do pick_port "$v"; done
}

# up_on_free_ports <dev> <output file>: <dev> up -d; when a port was taken
# meanwhile, again on new service ports, up to three times. Its output is in
# the file; non-zero when it did not start.
up_on_free_ports() {
  local attempt
  for attempt in 1 2 3; do
    "$1" up -d >"$2" 2>&1 && return 0
    grep -q "already in use" "$2" || return 1
    echo "(a port was taken meanwhile; ./dev up -d again on new ports, attempt $attempt)"
    pick_service_ports
  done
  return 1
}
