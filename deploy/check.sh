#!/usr/bin/env bash
# Checks that the Prometheus configuration and alert rules stay valid, and that the alerts fire
# when they should (promtool from the Debian package `prometheus`). Run it from anywhere; meant to
# be wired as a ctest. Exit code 0 when everything is valid.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/prometheus"

command -v promtool >/dev/null || { echo "promtool not found (apt-get install prometheus)" >&2; exit 1; }

promtool check config prometheus.yml
promtool check config prometheus.local.yml
promtool check rules alerts.yml
promtool test rules alerts_test.yml
# Every alert has a rule test (which series exist at all is e2e.metrics_names's business).
untested=0
for alert in $(sed -n 's/^ *- alert: *\([A-Za-z0-9_]*\).*/\1/p' alerts.yml); do
  grep -qE "alertname: *$alert *\$" alerts_test.yml || { echo "  FAILED: alert $alert has no test in alerts_test.yml" >&2; untested=1; }
done
[[ $untested -eq 0 ]] || exit 1
echo "  SUCCESS: every alert of alerts.yml is tested"
if command -v python3 >/dev/null; then
  python3 -c 'import json, sys; json.load(open(sys.argv[1]))' ../grafana/dashboard.json
  echo "  SUCCESS: ../grafana/dashboard.json is valid JSON"
fi
