#!/usr/bin/env bash
# Copies the four process binaries of a build tree into <out>, stripped, and writes
# <out>/runtime-packages.txt: the Debian packages owning the shared libraries they load (what
# the runtime image installs, and nothing else). Used by deploy/Dockerfile's build stage and by
# ./dev containers (binaries built on a Debian 12 host). Also copies Swagger UI's files (npm
# swagger-ui-dist, installed by npm ci into node_modules/) to <out>/swagger-ui: the gateway's
# /docs (--docs_dir).   collect-binaries.sh <build dir> <out>
set -euo pipefail
build="$1" out="$2"
mkdir -p "$out"
docs="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/node_modules/swagger-ui-dist"
[[ -f "$docs/swagger-ui-bundle.js" ]] || { echo "missing $docs: run npm ci first" >&2; exit 1; }
mkdir -p "$out/swagger-ui"
for f in swagger-ui.css swagger-ui-bundle.js favicon-16x16.png favicon-32x32.png LICENSE NOTICE; do
  install -m 0644 "$docs/$f" "$out/swagger-ui/$f"
done
for b in intake scheduling supervision gateway; do
  install -m 0755 -s "$build/services/$b/$b" "$out/$b"
done
ldd "$out/intake" "$out/scheduling" "$out/supervision" "$out/gateway" \
  | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u \
  | while read -r lib; do dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")"; done \
  | cut -d: -f1 | sort -u >"$out/runtime-packages.txt"
