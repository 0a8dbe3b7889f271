#!/usr/bin/env bash
# Every place that names a port agrees with deploy/ports.env, the one table: README.md,
# deploy/prometheus/, deploy/grafana/, docker-compose.yml, deploy/k8s/, deploy/Dockerfile, and the
# binaries' defaults in the source. ./dev reads the table itself. Wired as the ctest config.ports.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

declare -A P=()
while IFS='=' read -r k v; do
  [[ "$k" =~ ^[A-Z_]+$ && "$v" =~ ^[0-9]+$ ]] && P[$k]="$v"
done <deploy/ports.env
for k in GATEWAY_HTTP_PORT GATEWAY_METRICS_PORT INTAKE_GRPC_PORT INTAKE_METRICS_PORT \
  SCHEDULING_GRPC_PORT SCHEDULING_METRICS_PORT SUPERVISION_GRPC_PORT SUPERVISION_METRICS_PORT \
  DEV_PG_PORT PG_PORT PROMETHEUS_PORT GRAFANA_PORT; do
  [[ -n "${P[$k]:-}" ]] || { echo "deploy/ports.env: $k is missing" >&2; exit 1; }
done
if ((P[DEV_PG_PORT] >= 32768)); then
  echo "deploy/ports.env: DEV_PG_PORT ${P[DEV_PG_PORT]} is inside Linux's ephemeral range (32768-60999)" >&2
  exit 1
fi

errors=0
problem() { echo "$1: $2" >&2; errors=$((errors + 1)); }

# expect <file> <text>: the file contains the text (fixed string).
expect() {
  [[ -f "$1" ]] || { problem "$1" "missing"; return; }
  grep -qF -- "$2" "$1" || problem "$1" "expected '$2' (deploy/ports.env)"
}

# strays <file>...: every number that looks like one of our ports (a 5005x gRPC port, a 910x
# metrics port, a 5432-like PostgreSQL port) is a port of the table.
known=" ${P[*]} "
strays() {
  local f n
  for f in "$@"; do
    while read -r n; do
      [[ "$known" == *" $n "* ]] || problem "$f" "port $n is not in deploy/ports.env"
    done < <(grep -ohE '(^|[^0-9.])(5005[0-9]|910[0-9]|[0-9]?543[0-9]{1,2})([^0-9]|$)' "$f" | grep -oE '[0-9]+' | sort -u)
  done
}

SVCS=(intake scheduling supervision)
grpc() { local k="${1^^}_GRPC_PORT"; echo "${P[$k]}"; }
metrics() { local k="${1^^}_METRICS_PORT"; echo "${P[$k]}"; }

# --- the binaries' defaults -------------------------------------------------------------------
for s in "${SVCS[@]}"; do
  expect "services/$s/main.cc" "spec.default_grpc_port = $(grpc "$s");"
  expect "services/$s/main.cc" "spec.default_metrics_port = $(metrics "$s");"
done
expect services/gateway/main.cc "ABSL_FLAG(int, http_port, ${P[GATEWAY_HTTP_PORT]},"
expect services/gateway/main.cc "ABSL_FLAG(int, metrics_port, ${P[GATEWAY_METRICS_PORT]},"
for s in "${SVCS[@]}"; do
  expect services/gateway/main.cc "ABSL_FLAG(std::string, ${s}_addr, \"127.0.0.1:$(grpc "$s")\""
done
expect services/intake/main.cc "\"127.0.0.1:$(grpc supervision)\""
expect services/supervision/main.cc "\"127.0.0.1:$(grpc scheduling)\""
expect common/service_main.cc "\"host=127.0.0.1 port=${P[DEV_PG_PORT]} dbname=petition user=\""
expect common/service_main.cc "(default: host=127.0.0.1 port=${P[DEV_PG_PORT]} dbname=petition "
expect common/service_main.h "--pg_dsn [host=127.0.0.1 port=${P[DEV_PG_PORT]} dbname=petition"
strays services/*/main.cc common/service_main.cc common/service_main.h

# --- README -------------------------------------------------------------------------------------
expect README.md "| \`gateway\` | REST/JSON on **http://127.0.0.1:${P[GATEWAY_HTTP_PORT]}/v1**"
expect README.md "| ${P[GATEWAY_HTTP_PORT]} (HTTP) | ${P[GATEWAY_METRICS_PORT]} |"
for s in "${SVCS[@]}"; do
  grep -qE "^\| \`$s\` \|.*\| $(grpc "$s") \| $(metrics "$s") \|$" README.md ||
    problem README.md "the row of $s should end | $(grpc "$s") | $(metrics "$s") |"
done
grep -qE "^\| PostgreSQL 15 \|.*\| ${P[DEV_PG_PORT]} \| — \|$" README.md ||
  problem README.md "the PostgreSQL row should end | ${P[DEV_PG_PORT]} | — |"
strays README.md

# --- Prometheus and Grafana ---------------------------------------------------------------------
for s in "${SVCS[@]}" gateway; do
  expect deploy/prometheus/prometheus.yml "targets: [\"$s:$(metrics "$s")\"]"
  expect deploy/prometheus/prometheus.local.yml "targets: [\"127.0.0.1:$(metrics "$s")\"]"
done
for f in deploy/prometheus/prometheus.yml deploy/prometheus/prometheus.local.yml; do
  expect "$f" "targets: [\"localhost:${P[PROMETHEUS_PORT]}\"]"
done
expect deploy/prometheus/prometheus.local.yml "--web.listen-address=127.0.0.1:${P[PROMETHEUS_PORT]}"
expect deploy/grafana/provisioning/datasources/prometheus.yml "url: http://prometheus:${P[PROMETHEUS_PORT]}"
strays deploy/prometheus/*.yml

# --- docker-compose -----------------------------------------------------------------------------
for s in "${SVCS[@]}"; do
  expect docker-compose.yml "port=${P[PG_PORT]} dbname=petition user=$s"
done
expect docker-compose.yml "PETITION_INTAKE_SUPERVISION_ADDR: supervision:$(grpc supervision)"
expect docker-compose.yml "PETITION_INTAKE_SCHEDULING_ADDR: scheduling:$(grpc scheduling)"
expect docker-compose.yml "PETITION_SUPERVISION_SCHEDULING_ADDR: scheduling:$(grpc scheduling)"
for s in "${SVCS[@]}"; do
  expect docker-compose.yml "PETITION_GATEWAY_${s^^}_ADDR: $s:$(grpc "$s")"
done
expect docker-compose.yml "\"127.0.0.1:${P[GATEWAY_HTTP_PORT]}:${P[GATEWAY_HTTP_PORT]}\""
expect docker-compose.yml "\"http://127.0.0.1:${P[GATEWAY_HTTP_PORT]}/readyz\""
expect docker-compose.yml "\"127.0.0.1:${P[PROMETHEUS_PORT]}:${P[PROMETHEUS_PORT]}\""
expect docker-compose.yml "\"127.0.0.1:${P[GRAFANA_PORT]}:${P[GRAFANA_PORT]}\""
strays docker-compose.yml

# --- Kubernetes ---------------------------------------------------------------------------------
for s in "${SVCS[@]}"; do
  f="deploy/k8s/$s.yaml"
  expect "$f" "prometheus.io/port: \"$(metrics "$s")\""
  expect "$f" "- {name: grpc, containerPort: $(grpc "$s")}"
  expect "$f" "- {name: metrics, containerPort: $(metrics "$s")}"
  expect "$f" "grpc: {port: $(grpc "$s")}"
  expect "$f" "- {name: grpc, port: $(grpc "$s"), targetPort: grpc, appProtocol: grpc}"
  expect "$f" "- {name: metrics, port: $(metrics "$s"), targetPort: metrics}"
  expect deploy/k8s/config.yaml "port=${P[PG_PORT]} dbname=petition user=$s"
  expect deploy/k8s/config.yaml "PETITION_GATEWAY_${s^^}_ADDR: $s:$(grpc "$s")"
done
expect deploy/k8s/config.yaml "PETITION_INTAKE_SUPERVISION_ADDR: supervision:$(grpc supervision)"
expect deploy/k8s/config.yaml "PETITION_INTAKE_SCHEDULING_ADDR: scheduling:$(grpc scheduling)"
expect deploy/k8s/config.yaml "PETITION_SUPERVISION_SCHEDULING_ADDR: scheduling:$(grpc scheduling)"
expect deploy/k8s/gateway.yaml "prometheus.io/port: \"${P[GATEWAY_METRICS_PORT]}\""
expect deploy/k8s/gateway.yaml "- {name: http, containerPort: ${P[GATEWAY_HTTP_PORT]}}"
expect deploy/k8s/gateway.yaml "- {name: metrics, containerPort: ${P[GATEWAY_METRICS_PORT]}}"
expect deploy/k8s/gateway.yaml "- {name: metrics, port: ${P[GATEWAY_METRICS_PORT]}, targetPort: metrics}"
strays deploy/k8s/*.yaml

# --- the image ----------------------------------------------------------------------------------
expect deploy/Dockerfile "EXPOSE ${P[GATEWAY_HTTP_PORT]} $(grpc intake) $(grpc scheduling) $(grpc supervision) $(metrics intake) $(metrics scheduling) $(metrics supervision) ${P[GATEWAY_METRICS_PORT]}"
strays deploy/Dockerfile dev

if ((errors > 0)); then
  echo "FAIL: $errors place(s) disagree with deploy/ports.env" >&2
  exit 1
fi
echo "PASS: every port agrees with deploy/ports.env"
