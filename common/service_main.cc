#include "common/service_main.h"

#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/grpc_server.h"
#include "common/log.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "Address the gRPC and metrics servers listen on.");
ABSL_FLAG(int, grpc_port, -1, "gRPC port (-1: the service's default; 0: any free port).");
ABSL_FLAG(int, metrics_port, -1, "Prometheus /metrics port (-1: the service's default; 0: any).");
ABSL_FLAG(std::string, pg_dsn, "",
          "libpq connection string (default: host=127.0.0.1 port=25432 dbname=petition "
          "user=<service>).");
ABSL_FLAG(std::string, pg_schema, "", "Schema this service owns (default: the service name).");
ABSL_FLAG(int, pg_pool_size, 8, "Database connections at most.");
ABSL_FLAG(int, pg_connect_timeout_s, 30, "How long to wait for PostgreSQL at start-up.");
ABSL_FLAG(int, grpc_max_threads, 64,
          "gRPC handler threads at most; more concurrent calls are refused (RESOURCE_EXHAUSTED).");
ABSL_FLAG(std::string, port_file, "",
          "When set, write grpc=N and metrics=M there once serving (for tests on port 0).");

namespace petition {
namespace {

// Waits for PostgreSQL with a growing backoff; a service started beside its
// database (compose, Kubernetes) must not crash-loop while it comes up.
absl::StatusOr<std::unique_ptr<pqxx::connection>> ConnectWithRetry(const std::string& dsn,
                                                                   absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  absl::Duration backoff = absl::Milliseconds(100);
  while (true) {
    try {
      return std::make_unique<pqxx::connection>(dsn);
    } catch (const std::exception& e) {
      if (absl::Now() + backoff > deadline) {
        return absl::UnavailableError(absl::StrCat("cannot connect to PostgreSQL: ", e.what()));
      }
      log::Warn("waiting for PostgreSQL", {{"error", e.what()}});
    }
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
}

int Fail(const absl::Status& status) {
  log::Error("start-up failed", {{"error", status.ToString()}});
  return 1;
}

}  // namespace

int RunService(int argc, char** argv, const ServiceSpec& spec, const ServiceBuilder& build) {
  BlockShutdownSignals();
  InitConfig(spec.name, argc, argv);

  const std::string host = absl::GetFlag(FLAGS_host);
  int grpc_port = absl::GetFlag(FLAGS_grpc_port);
  if (grpc_port < 0) grpc_port = spec.default_grpc_port;
  int metrics_port = absl::GetFlag(FLAGS_metrics_port);
  if (metrics_port < 0) metrics_port = spec.default_metrics_port;
  std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  if (dsn.empty()) dsn = absl::StrCat("host=127.0.0.1 port=25432 dbname=petition user=", spec.name);
  std::string schema = absl::GetFlag(FLAGS_pg_schema);
  if (schema.empty()) schema = spec.name;

  auto metrics = Metrics::Start(host, metrics_port);
  if (!metrics.ok()) return Fail(metrics.status());

  {
    auto conn = ConnectWithRetry(dsn, absl::Seconds(absl::GetFlag(FLAGS_pg_connect_timeout_s)));
    if (!conn.ok()) return Fail(conn.status());
    int applied = 0;
    if (spec.migrations != nullptr) {
      absl::Status s = ApplyMigrations(**conn, schema, *spec.migrations, &applied);
      if (!s.ok()) return Fail(s);
    }
    log::Info("schema ready", {{"schema", schema}, {"applied", std::to_string(applied)}});
  }

  PgPool::Options pool_options;
  pool_options.dsn = dsn;
  pool_options.schema = schema;
  pool_options.size = absl::GetFlag(FLAGS_pg_pool_size);
  pool_options.statements = spec.statements;
  auto pool = PgPool::Create(std::move(pool_options));
  if (!pool.ok()) return Fail(pool.status());

  ServiceContext context{pool->get(), metrics->get()};
  auto parts = build(context);
  if (!parts.ok()) return Fail(parts.status());

  GrpcServerOptions server_options;
  server_options.host = host;
  server_options.port = grpc_port;
  server_options.max_threads = absl::GetFlag(FLAGS_grpc_max_threads);
  server_options.metrics = metrics->get();
  for (auto& s : parts->services) server_options.services.push_back(s.get());
  auto server = GrpcServer::Start(server_options);
  if (!server.ok()) return Fail(server.status());

  if (parts->start) parts->start();
  (*server)->SetServing(true);
  if (const std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    absl::Status s =
        WritePortFile(port_file, {{"grpc", (*server)->port()}, {"metrics", (*metrics)->port()}});
    if (!s.ok()) return Fail(s);
  }
  log::Info("serving", {{"grpc", absl::StrCat(host, ":", (*server)->port())},
                        {"metrics", absl::StrCat(host, ":", (*metrics)->port())}});

  int sig = WaitForShutdownSignal();
  log::Info("stopping", {{"signal", std::to_string(sig)}});
  (*server)->Shutdown(absl::Seconds(5));
  if (parts->stop) parts->stop();
  parts->services.clear();
  parts->keep_alive.clear();
  log::Info("stopped");
  return 0;
}

}  // namespace petition
