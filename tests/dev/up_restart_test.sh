#!/usr/bin/env bash
# `./dev up -d` after one process died starts that one only: the others keep their pids (no
# refused connections while they restart) and everything is ready afterwards. Runs a whole
# local stack of its own: a state directory under /tmp (PETITION_DEV_DIR) and free ports, so it
# never touches a developer's .dev/ or the fixed ports; the binaries are the tests' build
# (PETITION_TEST_BIN_DIR, as ./dev test sets it, else the build tree given as $1). On the same
# stack, `./dev rotate-keys` rolls the PII key under a registered case. Wired as the ctest
# dev.up_restart.
set -euo pipefail

# shellcheck source=tests/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_tmp petition-dev-test
export PETITION_DEV_DIR="$TMP/dev"

cleanup() {
  local rc=$?
  "$DEV" down >/dev/null 2>&1 || true
  # Whatever ./dev down did not recognise (a failing run): the processes of this stack name
  # its temporary directory on their command line.
  local c pid
  for c in /proc/[0-9]*/cmdline; do
    pid="${c#/proc/}" pid="${pid%/cmdline}"
    [[ "$pid" != "$$" ]] && tr '\0' ' ' <"$c" 2>/dev/null | grep -qF "$TMP/" && kill -KILL "$pid" 2>/dev/null
  done
  if [[ $rc -ne 0 ]]; then
    for f in "$PETITION_DEV_DIR"/logs/*.log; do
      [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }
    done
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# Nine distinct free ports below the ephemeral range; ./dev up retried on new ones if one
# was taken before it bound it.
pick_port PETITION_DEV_PG_PORT
pick_service_ports

PROCS=(scheduling supervision intake gateway)

# Prints "<process> <pid>" for each running process, from ./dev status.
pids() { "$DEV" status | awk '$2 == "running" && $3 == "pid" {print $1, $4}'; }
pid_of() { awk -v p="$1" '$1 == p {print $2}' <<<"$2"; }

echo "== first start"
up_on_free_ports "$DEV" "$TMP/up1.out" || { cat "$TMP/up1.out" >&2; fail "./dev up -d did not start"; }
before="$(pids)"
for p in "${PROCS[@]}"; do [[ -n "$(pid_of "$p" "$before")" ]] || fail "$p not running after up: $before"; done
curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$PETITION_GATEWAY_HTTP_PORT/readyz" || fail "not ready"

echo "== up again with everything running changes nothing"
"$DEV" up -d >"$TMP/up2.out" 2>&1 || { cat "$TMP/up2.out" >&2; fail "second ./dev up -d failed"; }
grep -q "already running" "$TMP/up2.out" || { cat "$TMP/up2.out" >&2; fail "did not say already running"; }
[[ "$(pids)" == "$before" ]] || fail "pids changed: $before -> $(pids)"

echo "== SIGKILL intake, then up again"
victim="$(pid_of intake "$before")"
kill -KILL "$victim"
for ((i = 0; i < 500; i++)); do  # until the kernel has removed it (polling, bounded: 5 s)
  [[ -d "/proc/$victim" ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$victim/status" 2>/dev/null || break
  sleep 0.01
done
status="$("$DEV" status)"
grep -q "^intake *stopped" <<<"$status" || fail "./dev status does not see intake stopped: $status"
# This start goes through a slow exec chain: ./dev launches `env ... setsid <binary>`, and here
# `env` is a wrapper that takes a moment before it execs the real one. A liveness check that
# reads the process's argv or exe before the chain reaches the binary calls it dead.
mkdir -p "$TMP/slow"
printf '#!/bin/sh\nsleep 0.5\nexec %s "$@"\n' "$(command -v env)" >"$TMP/slow/env"
chmod +x "$TMP/slow/env"
PATH="$TMP/slow:$PATH" "$DEV" up -d >"$TMP/up3.out" 2>&1 ||
  { cat "$TMP/up3.out" >&2; fail "./dev up -d after the kill failed"; }
grep -q "starting intake$" "$TMP/up3.out" || { cat "$TMP/up3.out" >&2; fail "did not start intake alone"; }
after="$(pids)"
for p in scheduling supervision gateway; do
  [[ "$(pid_of "$p" "$after")" == "$(pid_of "$p" "$before")" ]] ||
    fail "$p was restarted ($(pid_of "$p" "$before") -> $(pid_of "$p" "$after"))"
done
new="$(pid_of intake "$after")"
[[ -n "$new" && "$new" != "$victim" ]] || fail "intake not running again: $after"
curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$PETITION_GATEWAY_HTTP_PORT/readyz" || fail "not ready after the restart"
for p in "$PETITION_INTAKE_METRICS_PORT" "$PETITION_SCHEDULING_METRICS_PORT" \
  "$PETITION_SUPERVISION_METRICS_PORT" "$PETITION_GATEWAY_METRICS_PORT"; do
  curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$p/metrics" || fail "metrics on $p do not answer"
done
# The restarted process appended to its log: the first run's lines are still there.
[[ "$(grep -c '"msg":"serving"' "$PETITION_DEV_DIR/logs/intake.log")" -ge 2 ]] ||
  fail "intake.log does not hold both runs"

echo "== rotate-keys: a new current PII key, every petitioner re-sealed, the old key dropped"
token="$("$DEV" token clerk --sub off_clerk1 2>/dev/null)"
api="http://127.0.0.1:$PETITION_GATEWAY_HTTP_PORT/v1"
registered="$(curl -fsS --max-time 10 -X POST "$api/cases" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d \
  '{"channel":"VISIT","category":"OTHER","subject":"s","content":"c",
    "petitioners":[{"name":"张三","idNumber":"11010519491231002X"}]}')" || fail "register failed"
case_id="$(grep -o '"caseId":"[^"]*"' <<<"$registered" | cut -d'"' -f4)"
[[ -n "$case_id" ]] || fail "no caseId in $registered"
"$DEV" rotate-keys >"$TMP/rotate.out" 2>&1 || { cat "$TMP/rotate.out" >&2; fail "./dev rotate-keys failed"; }
grep -q '{"resealed":1,"batches":1,"rows":1,"remaining":0}' "$TMP/rotate.out" ||
  { cat "$TMP/rotate.out" >&2; fail "no rotation report"; }
grep -qx 'PETITION_INTAKE_PII_KEYS=2:[0-9a-f]\{64\}' "$PETITION_DEV_DIR/secrets.env" ||
  fail "the keyring is not the new key alone"
grep -qx 'PETITION_INTAKE_PII_KEY_ID=2' "$PETITION_DEV_DIR/secrets.env" || fail "key 2 is not current"
[[ -n "$(pid_of intake "$(pids)")" ]] || fail "intake not running after rotate-keys"
read_back="$(curl -fsS --max-time 10 "$api/cases/$case_id" -H "Authorization: Bearer $token")" ||
  fail "the case does not read after the rotation"
grep -q '"name":"张三"' <<<"$read_back" || fail "the petitioner does not open: $read_back"

echo "== down"
"$DEV" down >/dev/null
[[ -z "$(pids)" ]] || fail "still running after down: $(pids)"
for v in PETITION_GATEWAY_HTTP_PORT PETITION_DEV_PG_PORT; do
  port_free "${!v}" || fail "port ${!v} still taken after down"
done
echo "PASS"
