#!/usr/bin/env bash
# Builds the images and runs the system from them with podman, as a deployment would:
#   1. the base images debian:12 and debian:12-slim (deploy/testing/base-images.sh, cached);
#   2. the image of deploy/Dockerfile with the binaries of <build dir> (BINARIES=prebuilt: the
#      host is Debian 12 too, so its ./dev build is reused rather than compiled again), and the
#      test-only PostgreSQL stand-in of deploy/testing/postgres/;
#   3. the image's promises: under 175 MB, non-root, a health check, no compiler;
#   4. PostgreSQL and the four services started from the images with the environment,
#      commands and init scripts docker-compose.yml gives them, then a case registered through
#      the containerised gateway, its deadlines read back and its acceptance notice printed;
#   5. everything it started removed, whatever happened.
# The containers share the host's network (the only networking podman has on these machines),
# so the compose service names become 127.0.0.1 and every port is a free one chosen here,
# passed through the same PETITION_* variables; nothing else of compose's environment changes.
#   deploy/testing/containers.sh <build dir>        (./dev containers; the ctest containers)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
BUILD="$(cd "${1:?usage: containers.sh <build dir>}" && pwd -P)"
cd "$ROOT"
# One run at a time on this machine (the image tags and deploy/.prebuilt are shared).
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/petition"
mkdir -p "$CACHE"
exec 9>"$CACHE/containers.lock"
flock 9
RUNTIME=(--runtime runc --ulimit nofile=4096:20000 --ulimit nproc=4096:8192)
# Without systemd podman cannot schedule health checks; the test runs them itself.
RUN_OPTS=(--health-interval=disable)
TAG="petition:containers-test"
PG_TAG="petition-test-postgres:15"
PREFIX="petition-ct-$$"
say() { printf '==> %s\n' "$*"; }
# podman without systemd logs an error for every health-check timer it cannot create; the test
# runs the health checks itself (podman healthcheck run), so those lines are dropped.
podman_quiet() { podman "$@" 2> >(sed '/unable to get systemd connection/d' >&2); }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

started=()
cleanup() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    for c in "${started[@]}"; do
      echo "--- log of $c (last 30 lines)" >&2
      podman logs --tail 30 "$c" >&2 2>&1 || true
    done
  fi
  # Stopped in reverse order; a removal that races with the container's own exit is retried.
  local i c
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    c="${started[$i]}"
    for _ in 1 2 3; do
      podman rm -f -t 5 "$c" >/dev/null 2>&1 || true  # (its output is the timer noise)
      podman container exists "$c" || break
      sleep 1
    done
    podman container exists "$c" && echo "warning: could not remove container $c" >&2
  done
  rm -rf "${ENV_DIR:-}"
  exit $rc
}
trap cleanup EXIT

# --- images --------------------------------------------------------------------------------------
bash deploy/testing/base-images.sh "$CACHE"
say "collecting the binaries of $BUILD"
rm -rf deploy/.prebuilt
bash deploy/collect-binaries.sh "$BUILD" deploy/.prebuilt
build_image() {  # build_image <tag> <dockerfile> <context> [args...]
  local tag="$1" file="$2" context="$3"; shift 3
  say "podman build $tag ($file)"
  podman build "${RUNTIME[@]}" --network=host --format docker --quiet -f "$file" -t "$tag" "$@" \
    "$context" >/dev/null
}
build_image "$TAG" deploy/Dockerfile . --ignorefile deploy/Dockerfile.dockerignore \
  --build-arg BINARIES=prebuilt
build_image "$PG_TAG" deploy/testing/postgres/Dockerfile deploy/testing/postgres

size="$(podman image inspect --format '{{.Size}}' "$TAG")"
# 150 MB until the printable documents brought a CJK font (26 MB) and pango/cairo (README, "The image").
say "image size: $((size / 1000000)) MB (goal: at most 175 MB)"
((size <= 175000000)) || fail "the image is $((size / 1000000)) MB, over 175 MB"
user="$(podman image inspect --format '{{.Config.User}}' "$TAG")"
[[ "$user" == 10001:10001 ]] || fail "the image runs as '$user', not the unprivileged 10001"
podman image inspect --format '{{json .Config.Healthcheck}}' "$TAG" | grep -q petition-healthcheck ||
  fail "the image has no HEALTHCHECK"
if podman_quiet run --rm "${RUNTIME[@]}" "${RUN_OPTS[@]}" --network=none --entrypoint sh "$TAG" -c \
  'command -v gcc || command -v c++ || command -v cmake || command -v apt-get >/dev/null && dpkg -l "*-dev" 2>/dev/null | grep -q "^ii"'; then
  fail "the image holds a compiler or development packages"
fi

# --- the system, from compose's settings ------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
declare -A taken=()
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    [[ -z "${taken[$p]:-}" ]] && port_free "$p" && { taken[$p]=1; echo "$p"; return; }
  done
}
PG=$(free_port)
declare -A GRPC=([intake]=$(free_port) [scheduling]=$(free_port) [supervision]=$(free_port))
declare -A METRICS=([intake]=$(free_port) [scheduling]=$(free_port) [supervision]=$(free_port) [gateway]=$(free_port))
HTTP=$(free_port)
# The secrets compose reads from .env.
SECRETS=(POSTGRES_PASSWORD INTAKE_DB_PASSWORD SCHEDULING_DB_PASSWORD SUPERVISION_DB_PASSWORD
  PETITION_PII_KEY PETITION_JWT_SECRET PETITION_INTERNAL_SECRET)
export "${SECRETS[@]}"
for v in "${SECRETS[@]}"; do
  printf -v "$v" '%s' "$(od -An -vtx1 -N32 /dev/urandom | tr -d ' \n')"
done
ENV_DIR="$(mktemp -d)"

# env_file <service>: compose's environment, host names and ports moved as said above.
env_file() {
  local s="$1" f="$ENV_DIR/$1.env"
  node tests/containers/compose.mjs docker-compose.yml "$s" env | sed -E \
    -e "s/host=postgres port=5432/host=127.0.0.1 port=$PG/" \
    -e "s/=intake:50051$/=127.0.0.1:${GRPC[intake]}/" \
    -e "s/=scheduling:50052$/=127.0.0.1:${GRPC[scheduling]}/" \
    -e "s/=supervision:50053$/=127.0.0.1:${GRPC[supervision]}/" >"$f"
  case "$s" in
    intake | scheduling | supervision)
      printf '%s\n' "PETITION_${s^^}_GRPC_PORT=${GRPC[$s]}" "PETITION_${s^^}_METRICS_PORT=${METRICS[$s]}" >>"$f" ;;
    gateway)
      printf '%s\n' "PETITION_GATEWAY_HTTP_PORT=$HTTP" "PETITION_GATEWAY_METRICS_PORT=${METRICS[gateway]}" >>"$f" ;;
  esac
  if grep -E '=(postgres|intake|scheduling|supervision):[0-9]+$|host=postgres' "$f"; then
    fail "docker-compose.yml: a service address the test does not know how to move (above)"
  fi
  echo "$f"
}

say "starting PostgreSQL (the test stand-in) on 127.0.0.1:$PG"
volumes=()
while read -r v; do [[ -n "$v" ]] && volumes+=(-v "$v"); done < <(node tests/containers/compose.mjs docker-compose.yml postgres volumes)
podman_quiet run -d "${RUNTIME[@]}" "${RUN_OPTS[@]}" --network=host --name "$PREFIX-postgres" --env-file "$(env_file postgres)" \
  "${volumes[@]}" "$PG_TAG" postgres -p "$PG" >/dev/null
started+=("$PREFIX-postgres")
for _ in $(seq 1 120); do
  podman exec "$PREFIX-postgres" pg_isready -q -h 127.0.0.1 -p "$PG" -d petition 2>/dev/null && break
  sleep 0.5
done
podman exec "$PREFIX-postgres" pg_isready -q -h 127.0.0.1 -p "$PG" -d petition || fail "PostgreSQL did not start"

for s in scheduling supervision intake gateway; do
  mapfile -t command < <(node tests/containers/compose.mjs docker-compose.yml "$s" command)
  say "starting $s: ${command[*]}"
  podman_quiet run -d "${RUNTIME[@]}" "${RUN_OPTS[@]}" --network=host --name "$PREFIX-$s" --env-file "$(env_file "$s")" \
    "$TAG" "${command[@]}" >/dev/null
  started+=("$PREFIX-$s")
done

say "waiting for the gateway's /readyz"
ready=0
for _ in $(seq 1 240); do
  if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP/readyz" 2>/dev/null; then ready=1; break; fi
  for c in "${started[@]}"; do
    [[ "$(podman inspect --format '{{.State.Running}}' "$c")" == true ]] || fail "$c exited"
  done
  sleep 0.5
done
[[ $ready -eq 1 ]] || fail "the gateway never became ready"
for s in scheduling supervision intake gateway; do
  podman_quiet healthcheck run "$PREFIX-$s" >/dev/null || fail "the health check of $s fails"
done

token="$(podman_quiet run --rm "${RUNTIME[@]}" "${RUN_OPTS[@]}" --network=none -e PETITION_GATEWAY_JWT_SECRET="$PETITION_JWT_SECRET" \
  "$TAG" gateway --mint_token --role clerk --sub off_clerk1)"
say "registering a case through the containerised gateway"
created="$(curl -sS --max-time 10 -X POST "http://127.0.0.1:$HTTP/v1/cases" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{
  "requestId": "containers-1", "channel": "VISIT", "category": "RIGHTS_INFRINGEMENT",
  "subject": "宅基地纠纷", "content": "邻居占用宅基地，请求镇里协调处理。",
  "petitioners": [{"name": "张三", "idNumber": "11010519491231002X", "phone": "13800138000"}]}')"
case_id="$(sed -nE 's/.*"caseId": *"([^"]+)".*/\1/p' <<<"$created")"
[[ -n "$case_id" ]] || fail "registration: $created"
deadlines=""
for _ in $(seq 1 100); do
  deadlines="$(curl -sS --max-time 5 "http://127.0.0.1:$HTTP/v1/cases/$case_id/deadlines" -H "Authorization: Bearer $token")"
  grep -q '"dueDate"' <<<"$deadlines" && break
  sleep 0.2
done
grep -q '"dueDate"' <<<"$deadlines" || fail "no deadlines for $case_id: $deadlines"
say "case $case_id: $(grep -oE '"kind": *"[A-Z_]+"[^}]*"dueDate": *"[0-9-]+"' <<<"$deadlines" | head -1)"
# Swagger UI's files are in the image (PETITION_GATEWAY_DOCS_DIR), so /docs works offline.
for path in /docs /docs/swagger-ui-bundle.js /openapi.json; do
  curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$HTTP$path" ||
    fail "the containerised gateway does not serve $path"
done
# The image's font: the acceptance notice printed by the containerised intake reads back in Chinese.
say "printing the case's acceptance notice"
admin="$(podman_quiet run --rm "${RUNTIME[@]}" "${RUN_OPTS[@]}" --network=none -e PETITION_GATEWAY_JWT_SECRET="$PETITION_JWT_SECRET" \
  "$TAG" gateway --mint_token --role admin --sub off_admin)"
unit="$(curl -sS --max-time 10 -X POST "http://127.0.0.1:$HTTP/v1/units" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"name":"镇政府","kind":"TOWNSHIP"}')"
unit_id="$(sed -nE 's/.*"unitId": *"([^"]+)".*/\1/p' <<<"$unit")"
[[ -n "$unit_id" ]] || fail "unit: $unit"
leader="$(curl -sS --max-time 10 -X POST "http://127.0.0.1:$HTTP/v1/officials" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"name":"王强","unitId":"'"$unit_id"'","position":"副镇长","rank":"DEPUTY_SECTION_CHIEF"}')"
leader_id="$(sed -nE 's/.*"officialId": *"([^"]+)".*/\1/p' <<<"$leader")"
[[ -n "$leader_id" ]] || fail "official: $leader"
accepted="$(curl -sS --max-time 10 -X POST "http://127.0.0.1:$HTTP/v1/cases/$case_id:accept" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"handlingUnitIds":["'"$unit_id"'"],"complexity":"SIMPLE","leaderId":"'"$leader_id"'"}')"
grep -qE '"status": *"ACCEPTED"' <<<"$accepted" || fail "accept: $accepted"
documents="$(curl -sS --max-time 5 "http://127.0.0.1:$HTTP/v1/cases/$case_id/documents" -H "Authorization: Bearer $token")"
document_id="$(grep -oE '"documentId": *"[^"]+"' <<<"$documents" | head -1 | sed -E 's/.*"([^"]+)"$/\1/')"
[[ -n "$document_id" ]] || fail "no documents: $documents"
curl -fsS --max-time 30 -o "$ENV_DIR/notice.pdf" -H "Accept: application/pdf" \
  -H "Authorization: Bearer $token" "http://127.0.0.1:$HTTP/v1/cases/$case_id/documents/$document_id" ||
  fail "the notice was not printed"
pdftotext -enc UTF-8 "$ENV_DIR/notice.pdf" - | tr -d ' \n' | grep -q '宅基地纠纷' ||
  fail "the printed notice does not read back in Chinese (is the font in the image?)"
# Logs stay one JSON object per line: nothing from fontconfig (a font cache it cannot write).
if podman logs "$PREFIX-intake" 2>&1 | grep -i fontconfig >&2; then
  fail "intake's log has fontconfig's complaints"
fi
metrics="$(curl -fsS --max-time 2 "http://127.0.0.1:${METRICS[intake]}/metrics")"
grep -q '^petition_build_info' <<<"$metrics" || fail "intake's metrics lack petition_build_info"
say "PASS: images built, $((size / 1000000)) MB, non-root, health-checked; the containerised system registered a case, computed its deadlines and printed its notice"
