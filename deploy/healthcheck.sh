#!/bin/sh
# The image's HEALTHCHECK: asks the process running as PID 1 whether it serves. The gateway:
# GET /readyz (the three services reachable). A service: its metrics endpoint, which answers
# once its schema is ready. Ports from the same PETITION_* variables the process reads.
set -eu
process="$(cat /proc/1/comm)"
case "$process" in
  gateway) url="http://127.0.0.1:${PETITION_GATEWAY_HTTP_PORT:-${PETITION_HTTP_PORT:-8080}}/readyz" ;;
  intake) url="http://127.0.0.1:${PETITION_INTAKE_METRICS_PORT:-9101}/metrics" ;;
  scheduling) url="http://127.0.0.1:${PETITION_SCHEDULING_METRICS_PORT:-9102}/metrics" ;;
  supervision) url="http://127.0.0.1:${PETITION_SUPERVISION_METRICS_PORT:-9103}/metrics" ;;
  *) echo "healthcheck: unknown process $process" >&2; exit 1 ;;
esac
exec curl -fsS -o /dev/null --max-time 2 "$url"
