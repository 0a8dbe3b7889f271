// The start-up every domain service shares, so that main.cc is wiring only:
// flags (+ PETITION_* environment), JSON logging, metrics exposer, PostgreSQL
// pool with prepared statements, migrations under an advisory lock, the gRPC
// server (health, reflection, metrics), a port file for tests, and graceful
// shutdown on SIGINT/SIGTERM.
//
// Shared flags (defaults in brackets):
//   --host [127.0.0.1]      listen address for gRPC and metrics
//   --grpc_port [service]   0 picks a free port
//   --metrics_port [service]
//   --pg_dsn [host=127.0.0.1 port=25432 dbname=petition user=<service>]
//   --pg_schema [<service>]
//   --pg_pool_size [8]      --grpc_max_threads [64]
//   --domain_gauges_interval_s [15]
//   --migrate [true]        false: wait for the migrations to be applied elsewhere and check them
//   --migrate_only [false]  apply the migrations and exit (a Kubernetes migration Job)
//   --port_file []          when set, "grpc=N" and "metrics=M" are written there once serving
//   --log_level [info]
//   --log_file [] (stderr)  rotated by --log_file_max_mb [10], --log_file_keep [5] copies
//   --internal_secret []    required: the secret every process proves its calls with
//                           (PETITION_INTERNAL_SECRET; common/call_proof.h)
//   --grpc_reflection [false]
//   --shutdown_drain_ms [0] --shutdown_grace_ms [5000]   graceful stop, see RunService
//   --db_probe_interval_ms [1000] --db_probe_timeout_ms [1000]   readiness = PostgreSQL answers
#ifndef PETITION_COMMON_SERVICE_MAIN_H_
#define PETITION_COMMON_SERVICE_MAIN_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/call_proof.h"
#include "common/metrics.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/service_type.h"

namespace petition {

struct ServiceSpec {
  std::string name;  // intake, scheduling, supervision
  int default_grpc_port = 0;
  int default_metrics_port = 0;
  const std::vector<Migration>* migrations = nullptr;
  std::vector<PgStatement> statements;
  // A one-shot command run instead of serving (intake's --rotate_keys): when
  // `command_wanted` says so once the flags are parsed, `command` runs after
  // the migrations with a pool (no server, no metrics, no internal secret),
  // and the process exits 0 when it returns OK, 1 otherwise.
  std::function<bool()> command_wanted;
  std::function<absl::Status(PgPool& pool)> command;
};

// What a service hands back to the runner: its gRPC services and an optional
// stop hook for background loops (called before the pool is destroyed).
struct ServiceParts {
  std::vector<std::unique_ptr<grpc::Service>> services;
  std::function<void()> start;                    // after the server is serving (may be empty)
  std::function<void()> stop;                     // on shutdown (may be empty)
  std::vector<std::shared_ptr<void>> keep_alive;  // objects the services use
  // The largest request message the services take; 0: the server's default.
  int max_receive_message_bytes = 0;
};

class DomainGauges;

struct ServiceContext {
  PgPool* pool;
  Metrics* metrics;
  // This service's identity for its calls to other services (MakeChannel).
  std::shared_ptr<const CallSigner> signer;
  // Gauges computed from the database every --domain_gauges_interval_s (domain_gauges.h):
  // add them while building; the runner starts and stops the refreshing.
  DomainGauges* gauges;
};

using ServiceBuilder = std::function<absl::StatusOr<ServiceParts>(ServiceContext&)>;

// Runs the process; returns its exit code. Health is SERVING while PostgreSQL
// answers a probe, NOT_SERVING otherwise. On SIGTERM/SIGINT: NOT_SERVING, the
// drain delay, then the server stops (in-flight calls get the grace period)
// and is destroyed before the services, the stop hook and the pool.
int RunService(int argc, char** argv, const ServiceSpec& spec, const ServiceBuilder& build);

}  // namespace petition

#endif  // PETITION_COMMON_SERVICE_MAIN_H_
