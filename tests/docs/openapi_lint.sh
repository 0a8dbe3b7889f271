#!/usr/bin/env bash
# The OpenAPI document the gateway binary serves (--dump_openapi writes the very document of
# /openapi.json: the same route table) linted by Redocly CLI (pinned in package.json, installed
# by ./dev with npm ci): any error fails.   openapi_lint.sh <build dir> <source dir> [document]
# With a document (e.g. what a running gateway served), that document is linted instead.
set -euo pipefail
build="$1" src="$2" document="${3:-}"
cli="$src/node_modules/@redocly/cli/bin/cli.js"
[[ -f "$cli" ]] || { echo "missing $cli: run ./dev test (npm ci installs it)" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if [[ -z "$document" ]]; then
  document="$out/openapi.json"
  "$build/services/gateway/gateway" --dump_openapi="$document"
fi
# No telemetry and no update check: the tests reach no other host.
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1 \
  node "$cli" lint --config "$src/tests/docs/redocly.yaml" --format=stylish "$document"
