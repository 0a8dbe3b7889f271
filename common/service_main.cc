#include "common/service_main.h"

#include <iostream>
#include <map>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/db_probe.h"
#include "common/domain_gauges.h"
#include "common/grpc_server.h"
#include "common/log.h"
#include "common/pool_metrics.h"

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
ABSL_FLAG(bool, migrate, true,
          "Apply this service's migrations at start. false: only wait until they have been "
          "applied (by a migration job running --migrate_only) and check them.");
ABSL_FLAG(bool, migrate_only, false,
          "Apply this service's migrations, then exit (0 when the schema is up to date).");
ABSL_FLAG(int, domain_gauges_interval_s, 15,
          "Seconds between two refreshes of the gauges computed from the database.");
ABSL_FLAG(std::string, port_file, "",
          "When set, write grpc=N and metrics=M there once serving (for tests on port 0).");
ABSL_FLAG(bool, grpc_reflection, false,
          "Serve gRPC server reflection (for grpcurl); ./dev turns it on, images leave it off.");
ABSL_FLAG(int, shutdown_drain_ms, 0,
          "On SIGTERM: health NOT_SERVING, then wait this long (load balancers notice) before "
          "refusing new calls.");
ABSL_FLAG(int, shutdown_grace_ms, 5000,
          "On SIGTERM, after the drain: how long in-flight calls may finish before they are "
          "cancelled.");
ABSL_FLAG(int, db_probe_interval_ms, 1000,
          "How often readiness probes PostgreSQL (health NOT_SERVING while it does not answer).");
ABSL_FLAG(int, db_probe_timeout_ms, 1000, "How long one readiness probe of PostgreSQL may take.");

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

// With --migrate=false: every migration of the binary must be recorded, with the same
// checksum, in <schema>.schema_migrations. FAILED_PRECONDITION names the first that is not.
absl::Status CheckMigrationsApplied(pqxx::connection& conn, const std::string& schema,
                                    const std::vector<Migration>& migrations) {
  std::map<int, std::string> recorded;
  try {
    pqxx::nontransaction tx(conn);
    pqxx::result exists = tx.exec_params(
        "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'schema_migrations'",
        schema);
    if (!exists.empty()) {
      for (const auto& row :
           tx.exec("SELECT version, sha256 FROM " + tx.quote_name(schema) + ".schema_migrations")) {
        recorded[row[0].as<int>()] = row[1].as<std::string>();
      }
    }
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot read the schema's migrations: ", e.what()));
  }
  for (const Migration& m : migrations) {
    auto it = recorded.find(m.version);
    if (it == recorded.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat("migration ", m.name, " is not applied to schema ", schema,
                       " (run the migration job: --migrate_only; or start with --migrate)"));
    }
    if (it->second != Sha256Hex(m.sql)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration ", m.name, " was applied to schema ", schema, " from another file"));
    }
  }
  return absl::OkStatus();
}

int Fail(const absl::Status& status) {
  log::Error("start-up failed", {{"error", status.ToString()}});
  return 1;
}

}  // namespace

int RunService(int argc, char** argv, const ServiceSpec& spec, const ServiceBuilder& build) {
  // The last lines ("stopped", or why start-up failed) are out before the process ends.
  log::FlushOnExit flush_log;
  BlockShutdownSignals();
  InitConfig(spec.name, argc, argv);
  // Without the shared secret a service could neither prove its own calls nor
  // check anyone else's: refuse to start rather than run open. A migration job
  // (--migrate_only) serves nothing and needs none.
  const bool migrate_only = absl::GetFlag(FLAGS_migrate_only);
  // So does a one-shot command (it calls no other process).
  const bool run_command = spec.command && spec.command_wanted && spec.command_wanted();
  absl::StatusOr<std::shared_ptr<const CallSigner>> signer =
      migrate_only || run_command ? nullptr : SignerFromFlags(spec.name);
  if (!signer.ok()) return Fail(signer.status());
  const std::string host = absl::GetFlag(FLAGS_host);
  int grpc_port = absl::GetFlag(FLAGS_grpc_port);
  if (grpc_port < 0) grpc_port = spec.default_grpc_port;
  int metrics_port = absl::GetFlag(FLAGS_metrics_port);
  if (metrics_port < 0) metrics_port = spec.default_metrics_port;
  std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  if (dsn.empty()) dsn = absl::StrCat("host=127.0.0.1 port=25432 dbname=petition user=", spec.name);
  std::string schema = absl::GetFlag(FLAGS_pg_schema);
  if (schema.empty()) schema = spec.name;

  {
    const absl::Duration connect_timeout = absl::Seconds(absl::GetFlag(FLAGS_pg_connect_timeout_s));
    auto conn = ConnectWithRetry(dsn, connect_timeout);
    if (!conn.ok()) return Fail(conn.status());
    int applied = 0;
    const bool migrate = absl::GetFlag(FLAGS_migrate) || migrate_only;
    if (spec.migrations != nullptr && migrate) {
      absl::Status s = ApplyMigrations(**conn, schema, *spec.migrations, &applied);
      if (!s.ok()) return Fail(s);
    } else if (spec.migrations != nullptr) {
      // Started beside the migration job (Kubernetes): wait for it, as for the database.
      const absl::Time deadline = absl::Now() + connect_timeout;
      while (true) {
        absl::Status s = CheckMigrationsApplied(**conn, schema, *spec.migrations);
        if (s.ok()) break;
        if (absl::Now() + absl::Seconds(1) > deadline) return Fail(s);
        log::Warn("waiting for the schema's migrations", {{"error", s.ToString()}});
        absl::SleepFor(absl::Seconds(1));
      }
    }
    log::Info("schema ready", {{"schema", schema}, {"applied", std::to_string(applied)}});
    if (migrate_only) return 0;
  }

  if (run_command) {
    PgPool::Options command_pool;
    command_pool.dsn = dsn;
    command_pool.schema = schema;
    command_pool.size = 1;
    command_pool.statements = spec.statements;
    auto pool = PgPool::Create(std::move(command_pool));
    if (!pool.ok()) return Fail(pool.status());
    if (absl::Status status = spec.command(**pool); !status.ok()) {
      log::Error("command failed", {{"error", status.ToString()}});
      return 1;
    }
    return 0;
  }

  auto metrics = Metrics::Start(host, metrics_port);
  if (!metrics.ok()) return Fail(metrics.status());
  log::ExportMetrics((*metrics)->shared_registry());

  PgPool::Options pool_options;
  pool_options.dsn = dsn;
  pool_options.schema = schema;
  pool_options.size = absl::GetFlag(FLAGS_pg_pool_size);
  pool_options.statements = spec.statements;
  auto pool = PgPool::Create(std::move(pool_options));
  if (!pool.ok()) return Fail(pool.status());
  (*pool)->set_acquire_observer(AcquireTimeHistogram((*metrics)->registry()));
  // Unregistered (by the guard) before the pool it reads is destroyed.
  auto pool_collector = std::make_shared<PoolCollector>(pool->get());
  (*metrics)->Register(pool_collector);
  struct Unregister {
    Metrics* metrics;
    std::shared_ptr<prometheus::Collectable> collectable;
    ~Unregister() { metrics->Unregister(collectable); }
  } unregister_pool{metrics->get(), pool_collector};

  const int gauges_interval = absl::GetFlag(FLAGS_domain_gauges_interval_s);
  if (gauges_interval < 1)
    return Fail(absl::InvalidArgumentError("--domain_gauges_interval_s must be at least 1"));
  DomainGauges gauges(pool->get(), &(*metrics)->registry(), absl::Seconds(gauges_interval));

  ServiceContext context{pool->get(), metrics->get(), *signer, &gauges};
  auto parts = build(context);
  if (!parts.ok()) return Fail(parts.status());

  GrpcServerOptions server_options;
  server_options.host = host;
  server_options.port = grpc_port;
  server_options.max_threads = absl::GetFlag(FLAGS_grpc_max_threads);
  server_options.metrics = metrics->get();
  server_options.call_key = (*signer)->key();
  server_options.reflection = absl::GetFlag(FLAGS_grpc_reflection);
  if (parts->max_receive_message_bytes > 0) {
    server_options.max_receive_message_bytes = parts->max_receive_message_bytes;
  }
  for (auto& s : parts->services) server_options.services.push_back(s.get());
  // Destroyed before the parts it calls (ServiceParts outlives it): see below.
  std::unique_ptr<GrpcServer> server;
  {
    auto started = GrpcServer::Start(server_options);
    if (!started.ok()) return Fail(started.status());
    server = *std::move(started);
  }

  if (parts->start) parts->start();
  server->SetServing(true);
  DatabaseProbe::Options probe_options;
  probe_options.dsn = dsn;
  probe_options.interval = absl::Milliseconds(absl::GetFlag(FLAGS_db_probe_interval_ms));
  probe_options.timeout = absl::Milliseconds(absl::GetFlag(FLAGS_db_probe_timeout_ms));
  DatabaseProbe probe(probe_options, [&server](bool healthy) { server->SetServing(healthy); });
  probe.Start();
  gauges.Start();
  if (const std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    absl::Status s =
        WritePortFile(port_file, {{"grpc", server->port()}, {"metrics", (*metrics)->port()}});
    if (!s.ok()) return Fail(s);
  }
  log::Info("serving", {{"grpc", absl::StrCat(host, ":", server->port())},
                        {"metrics", absl::StrCat(host, ":", (*metrics)->port())}});

  int sig = WaitForShutdownSignal();
  log::Info("stopping", {{"signal", std::to_string(sig)}});
  // Graceful stop: say NOT_SERVING (the probe first, or it would say SERVING
  // again), give load balancers the drain delay to stop sending, then refuse
  // new calls and let in-flight ones finish within the grace period.
  probe.Stop();
  server->SetServing(false);
  absl::SleepFor(absl::Milliseconds(absl::GetFlag(FLAGS_shutdown_drain_ms)));
  server->Shutdown(absl::Milliseconds(absl::GetFlag(FLAGS_shutdown_grace_ms)));
  // The server goes before what its handlers use: services, background loops,
  // their stores and clients, the pool and the metrics.
  server.reset();
  gauges.Stop();
  if (parts->stop) parts->stop();
  parts->services.clear();
  parts->keep_alive.clear();
  log::Info("stopped");
  return 0;
}

}  // namespace petition
