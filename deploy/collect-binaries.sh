#!/usr/bin/env bash
# Copies the four process binaries of a build tree into <out>, stripped, and writes
# <out>/runtime-packages.txt: the Debian packages owning the shared libraries they load (what
# the runtime image installs, and nothing else). Used by deploy/Dockerfile's build stage and by
# ./dev containers (binaries built on a Debian 12 host).   collect-binaries.sh <build dir> <out>
set -euo pipefail
build="$1" out="$2"
mkdir -p "$out"
for b in intake scheduling supervision gateway; do
  install -m 0755 -s "$build/services/$b/$b" "$out/$b"
done
ldd "$out/intake" "$out/scheduling" "$out/supervision" "$out/gateway" \
  | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u \
  | while read -r lib; do dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")"; done \
  | cut -d: -f1 | sort -u >"$out/runtime-packages.txt"
