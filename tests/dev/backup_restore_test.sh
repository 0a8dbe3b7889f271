#!/usr/bin/env bash
# `./dev backup` and `./dev restore`: a case registered on one local stack is read, with its
# petitioner's identity opened, from a stack on a fresh cluster restored from the backup.
#
# The first stack (its own state directory under /tmp, free ports, the binaries of
# PETITION_TEST_BIN_DIR) seals a petitioner and a material under PII key 1, rotates to key 2
# (./dev rotate-keys re-seals the petitioner; the material keeps key 1, which stays in the
# keyring), and seals another petitioner under key 2; the backup is taken while the stack runs.
# A second state directory (a new initdb) then refuses a tampered archive and a wrong passphrase
# before it exists at all, takes the archive, refuses a second restore over it (and takes it
# with --force), and its stack serves both cases with names and id numbers and the material as
# registered. Wired as the ctest ops.backup_restore.
set -euo pipefail

# shellcheck source=tests/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_tmp petition-backup-test
export PETITION_BACKUP_KDF_ITER=100000  # the default's cost is not what this test is about
unset PETITION_BACKUP_PASSPHRASE_FILE
DEV1="$TMP/dev1"  # the stack that is backed up
DEV2="$TMP/dev2"  # the fresh one it is restored into

cleanup() {
  local rc=$?
  PETITION_DEV_DIR="$DEV1" "$DEV" down >/dev/null 2>&1 || true
  PETITION_DEV_DIR="$DEV2" "$DEV" down >/dev/null 2>&1 || true
  # Whatever ./dev down did not recognise (a failing run): the processes of these stacks name
  # the temporary directory on their command line.
  local c pid
  for c in /proc/[0-9]*/cmdline; do
    pid="${c#/proc/}" pid="${pid%/cmdline}"
    [[ "$pid" != "$$" ]] && tr '\0' ' ' <"$c" 2>/dev/null | grep -qF "$TMP/" && kill -KILL "$pid" 2>/dev/null
  done
  if [[ $rc -ne 0 ]]; then
    for f in "$DEV1"/logs/*.log "$DEV2"/logs/*.log; do
      [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }
    done
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

use_stack() {  # use_stack <state dir>: its directory and nine new free ports
  export PETITION_DEV_DIR="$1"
  pick_port PETITION_DEV_PG_PORT
  pick_service_ports
}

# ./dev up -d, on new ports if one was taken meanwhile (other tests run beside this one).
up() {  # up <label>
  up_on_free_ports "$DEV" "$TMP/up-$1.out" || { cat "$TMP/up-$1.out" >&2; fail "./dev up -d ($1) failed"; }
  API="http://127.0.0.1:$PETITION_GATEWAY_HTTP_PORT/v1"
}

register() {  # register <name> <id number> <phone>: prints the case id
  local body
  body="$(jq -nc --arg n "$1" --arg i "$2" --arg p "$3" \
    '{channel: "VISIT", category: "OTHER", subject: "backup", content: "restored or not",
      petitioners: [{name: $n, idNumber: $i, phone: $p}]}')"
  local reply
  reply="$(curl -fsS --max-time 10 -X POST "$API/cases" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "$body")" ||
    fail "register failed"
  jq -er .caseId <<<"$reply" || fail "no caseId in $reply"
}

expect_identity() {  # expect_identity <case id> <name> <id number> <phone>
  local reply
  reply="$(curl -fsS --max-time 10 "$API/cases/$1" -H "Authorization: Bearer $TOKEN")" ||
    fail "case $1 does not read"
  jq -e --arg n "$2" --arg i "$3" --arg p "$4" \
    '(.identityMasked // false) == false and .petitioners[0].name == $n and
     .petitioners[0].idNumber == $i and .petitioners[0].phone == $p' >/dev/null <<<"$reply" ||
    fail "case $1 does not show its petitioner as registered: $reply"
}

echo "== a stack with rows under two keys: a material under key 1, petitioners under key 2"
use_stack "$DEV1"
up first
TOKEN="$("$DEV" token clerk --sub off_clerk1 2>/dev/null)"
case1="$(register 张三 11010519491231002X 13800138000)"
MATERIAL="$TMP/material.pdf"
printf '%s\n' '%PDF-1.4' '1 0 obj << /Type /Catalog >> endobj' 'trailer << /Root 1 0 R >>' '%%EOF' >"$MATERIAL"
uploaded="$(curl -fsS --max-time 10 -X POST "$API/cases/$case1/materials" -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/pdf" -H "X-File-Name: %E6%9D%90%E6%96%99.pdf" --data-binary "@$MATERIAL")" ||
  fail "the material upload failed"
material1="$(jq -er .materialId <<<"$uploaded")" || fail "no materialId in $uploaded"
# Key 2 becomes current and re-seals the petitioners; the material stays under key 1, which
# therefore stays in the keyring.
"$DEV" rotate-keys >"$TMP/rotate.out" 2>&1 || { cat "$TMP/rotate.out" >&2; fail "./dev rotate-keys failed"; }
ring="$(sed -n 's/^PETITION_INTAKE_PII_KEYS=//p' "$DEV1/secrets.env")"
[[ "$ring" =~ ^1:[0-9a-f]{64},2:[0-9a-f]{64}$ ]] ||
  { cat "$TMP/rotate.out" >&2; fail "key 1 left the keyring while a material needs it: $ring"; }
case2="$(register 李四 110105194912310038 13900139000)"
key_ids() {  # key_ids <table>: the ids of the keys its sealed values name
  "$DEV" psql -tAc "SELECT string_agg(DISTINCT convert_from(substring(sealed FROM 3 FOR get_byte(sealed, 1)), 'UTF8'), ',') FROM intake.$1"
}
[[ "$(key_ids petitioners)" == 2 && "$(key_ids materials)" == 1 ]] ||
  fail "petitioners under $(key_ids petitioners), materials under $(key_ids materials); want 2 and 1"

echo "== backup while the stack runs"
PASS="$TMP/passphrase"
(umask 077; openssl rand -base64 24 >"$PASS")
ARCHIVE="$TMP/petition.backup"
"$DEV" backup --passphrase-file "$PASS" "$ARCHIVE" >"$TMP/backup.out" 2>&1 ||
  { cat "$TMP/backup.out" >&2; fail "./dev backup failed"; }
cat "$TMP/backup.out"
[[ "$(stat -c %a "$ARCHIVE")" == 600 ]] || fail "the archive's mode is $(stat -c %a "$ARCHIVE"), not 600"
[[ "$(head -n1 "$ARCHIVE")" == "petition-backup 1 aes-256-cbc pbkdf2 sha256 100000" ]] ||
  fail "the archive is not encrypted: $(head -n1 "$ARCHIVE")"
grep -q 'referenced by rows: 1, 2' "$TMP/backup.out" || fail "the backup does not name both keys"
for s in "${ring:2:64}" "${ring: -64}" PGDMP; do
  ! grep -qaF "$s" "$ARCHIVE" || fail "the archive shows '$s' in clear"
done
expect_identity "$case1" 张三 11010519491231002X 13800138000  # still serving
"$DEV" backup --passphrase-file "$PASS" "$ARCHIVE" >/dev/null 2>&1 && fail "a backup overwrote a file"
"$DEV" backup --no-encrypt "$TMP/plain.backup" >"$TMP/plain.out" 2>&1 ||
  { cat "$TMP/plain.out" >&2; fail "./dev backup --no-encrypt failed"; }
[[ "$(head -n1 "$TMP/plain.backup")" == "petition-backup 1 plain" && "$(stat -c %a "$TMP/plain.backup")" == 600 ]] ||
  fail "the clear archive is not as documented"
grep -q "warning:.*in clear" "$TMP/plain.out" || fail "--no-encrypt did not warn"
"$DEV" restore --check "$TMP/plain.backup" >/dev/null 2>&1 || fail "the clear archive does not check"
# The first stack stops in the background (its PostgreSQL's last checkpoint takes a while); the
# second has other ports and another directory.
"$DEV" down >"$TMP/down1.out" 2>&1 &
down1=$!

echo "== a tampered archive and a wrong passphrase are refused, --check touches nothing"
use_stack "$DEV2"
size="$(stat -c %s "$ARCHIVE")"
cp "$ARCHIVE" "$TMP/tampered.backup"
byte="$(od -An -tu1 -j $((size / 2)) -N1 "$ARCHIVE" | tr -d ' ')"
printf '%b' "\\$(printf '%03o' $(((byte + 1) % 256)))" |
  dd of="$TMP/tampered.backup" bs=1 seek=$((size / 2)) conv=notrunc status=none
cmp -s "$ARCHIVE" "$TMP/tampered.backup" && fail "the copy was not changed"
if "$DEV" restore --passphrase-file "$PASS" "$TMP/tampered.backup" >"$TMP/tampered.out" 2>&1; then
  cat "$TMP/tampered.out" >&2; fail "a tampered archive was restored"
fi
grep -q "damaged or was altered" "$TMP/tampered.out" || { cat "$TMP/tampered.out" >&2; fail "no reason given"; }
(umask 077; echo "not the passphrase at all" >"$TMP/wrong")
if "$DEV" restore --passphrase-file "$TMP/wrong" "$ARCHIVE" >"$TMP/wrong.out" 2>&1; then
  cat "$TMP/wrong.out" >&2; fail "an archive opened with a wrong passphrase"
fi
"$DEV" restore --check --passphrase-file "$PASS" "$ARCHIVE" >"$TMP/check.out" 2>&1 ||
  { cat "$TMP/check.out" >&2; fail "restore --check refused the archive"; }
sed -n '/^{/,$p' "$TMP/check.out" | jq -e '.pii.referenced_key_ids == ["1", "2"] and
  .pii.key_ids == ["1", "2"] and .pii.current_key_id == "2" and .migrations.intake[-1] > 0 and
  (.members["db.dump"].sha256 | length) == 64' >/dev/null ||
  { cat "$TMP/check.out" >&2; fail "the manifest is not as expected"; }
[[ ! -e "$DEV2" ]] || fail "a refused or checking restore created $DEV2: $(ls -A "$DEV2")"

echo "== restore into a fresh cluster, then the cases read with their identity"
"$DEV" restore --passphrase-file "$PASS" "$ARCHIVE" >"$TMP/restore.out" 2>&1 ||
  { cat "$TMP/restore.out" >&2; fail "./dev restore failed"; }
cat "$TMP/restore.out"
grep -q "creating the local PostgreSQL cluster" "$TMP/restore.out" || fail "not a fresh cluster"
grep -qx "PETITION_INTAKE_PII_KEYS=$ring" "$DEV2/secrets.env" || fail "the keyring is not restored"
[[ "$(stat -c %a "$DEV2/secrets.env")" == 600 ]] || fail "secrets.env is not mode 600"
# Restored once, the database holds data: another restore is refused without --force, and
# replaces it with.
"$DEV" restore --passphrase-file "$PASS" "$ARCHIVE" >"$TMP/again.out" 2>&1 &&
  { cat "$TMP/again.out" >&2; fail "restore overwrote a database with data"; }
grep -q "already holds data" "$TMP/again.out" || { cat "$TMP/again.out" >&2; fail "refused for another reason"; }
"$DEV" restore --force --passphrase-file "$PASS" "$ARCHIVE" >"$TMP/force.out" 2>&1 ||
  { cat "$TMP/force.out" >&2; fail "restore --force failed"; }
grep -q "restored: 2 cases" "$TMP/force.out" || { cat "$TMP/force.out" >&2; fail "--force did not restore"; }
wait "$down1" || { cat "$TMP/down1.out" >&2; fail "./dev down of the first stack failed"; }
up restored
TOKEN="$("$DEV" token clerk --sub off_clerk1 2>/dev/null)"  # the fresh stack's own JWT secret
expect_identity "$case1" 张三 11010519491231002X 13800138000
expect_identity "$case2" 李四 110105194912310038 13900139000
curl -fsS --max-time 10 -o "$TMP/material.copy" "$API/cases/$case1/materials/$material1" \
  -H "Authorization: Bearer $TOKEN" || fail "the material does not read"
cmp -s "$MATERIAL" "$TMP/material.copy" || fail "the material read back differs"
echo "PASS"
