// gateway: REST/JSON front of the petition services. Wiring only.
//
//   gateway --jwt_secret S [--http_port 8080] [--intake_addr ...] ...
//   gateway --jwt_secret S --mint_token --role clerk [--role leader] [--sub S]
//           [--unit U] [--ttl_hours 12]      prints a JWT and exits
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/call_proof.h"
#include "common/config.h"
#include "common/grpc_server.h"
#include "common/log.h"
#include "common/metrics.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "petition/v1/intake.grpc.pb.h"
#include "petition/v1/scheduling.grpc.pb.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "services/gateway/auth.h"
#include "services/gateway/gateway.h"
#include "services/gateway/http_server.h"
#include "services/gateway/jwt.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "Address to listen on (HTTP and metrics)");
ABSL_FLAG(int, http_port, 8080, "HTTP port (0: a free port, see --port_file)");
ABSL_FLAG(int, http_threads, 2, "Threads running the HTTP event loop");
ABSL_FLAG(int64_t, max_body_bytes, 1 << 20, "Largest request body; larger is 413");
ABSL_FLAG(int, read_timeout_ms, 15000,
          "Time allowed to read a request's body once its header is in, and to write a response");
ABSL_FLAG(int, header_timeout_ms, 5000,
          "Time allowed for a request's header to arrive (also the idle time of keep-alive)");
ABSL_FLAG(int, max_connections, 0,
          "Open HTTP connections at most (0: the file descriptor limit less a reserve)");
ABSL_FLAG(int, metrics_port, 9104, "Prometheus /metrics port (0: a free port)");
ABSL_FLAG(std::string, intake_addr, "127.0.0.1:50051", "intake gRPC address");
ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052", "scheduling gRPC address");
ABSL_FLAG(std::string, supervision_addr, "127.0.0.1:50053", "supervision gRPC address");
ABSL_FLAG(int, upstream_timeout_ms, 10000, "Deadline of each upstream gRPC call");
ABSL_FLAG(int, readiness_timeout_ms, 1000, "/readyz: deadline of each service's health probe");
ABSL_FLAG(int, readiness_cache_ms, 1000, "/readyz: how long a probe's answer is reused");
ABSL_FLAG(std::string, jwt_secret, "", "HS256 secret of bearer tokens (required)");
ABSL_FLAG(std::string, api_keys, "",
          "Machine credentials: key=subject:role1+role2[:unitId], comma-separated");
ABSL_FLAG(std::string, port_file, "", "Write http=N and metrics=M here once listening");
ABSL_FLAG(bool, mint_token, false, "Print a JWT signed with --jwt_secret and exit");
ABSL_FLAG(std::vector<std::string>, role, {}, "--mint_token: a role (repeatable)");
ABSL_FLAG(std::string, sub, "dev", "--mint_token: the subject (official id)");
ABSL_FLAG(std::string, unit, "", "--mint_token: the unitId claim");
ABSL_FLAG(int, ttl_hours, 12, "--mint_token: hours until the token expires");
ABSL_FLAG(std::string, docs_dir, "",
          "Swagger UI's files (npm swagger-ui-dist) served at /docs; empty: /docs is 404");
ABSL_FLAG(std::string, dump_openapi, "",
          "Write the OpenAPI document it would serve at /openapi.json to this file ('-': "
          "stdout) and exit (needs no secret and no service)");

namespace {

// Abseil keeps only the last of repeated flags; --role may be given several
// times, so collect every occurrence (each may also be comma-separated).
std::vector<std::string> CollectRoles(int argc, char** argv) {
  std::vector<std::string> roles;
  auto add = [&roles](absl::string_view value) {
    for (absl::string_view role : absl::StrSplit(value, ',', absl::SkipEmpty())) {
      roles.emplace_back(role);
    }
  };
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if ((arg == "--role" || arg == "-role") && i + 1 < argc) {
      add(argv[++i]);
    } else if (absl::ConsumePrefix(&arg, "--role=") || absl::ConsumePrefix(&arg, "-role=")) {
      add(arg);
    }
  }
  return roles;
}

int MintToken(const std::string& secret, std::vector<std::string> roles) {
  if (roles.empty()) roles = absl::GetFlag(FLAGS_role);
  if (roles.empty()) {
    std::cerr << "gateway --mint_token: give at least one --role" << std::endl;
    return 2;
  }
  petition::gateway::Jwt::Claims claims;
  claims.subject = absl::GetFlag(FLAGS_sub);
  claims.roles = std::move(roles);
  claims.unit_id = absl::GetFlag(FLAGS_unit);
  claims.issued_at = absl::Now();
  claims.expires_at = claims.issued_at + absl::Hours(absl::GetFlag(FLAGS_ttl_hours));
  std::cout << petition::gateway::Jwt(secret).Mint(claims) << std::endl;
  return 0;
}

// The services the gateway routes to, each with its channel.
std::map<std::string, std::shared_ptr<grpc::ChannelInterface>> Channels(
    const std::function<std::shared_ptr<grpc::ChannelInterface>(const std::string&)>& channel) {
  return {
      {petition::intake::v1::Intake::service_full_name(),
       channel(absl::GetFlag(FLAGS_intake_addr))},
      {petition::scheduling::v1::Scheduling::service_full_name(),
       channel(absl::GetFlag(FLAGS_scheduling_addr))},
      {petition::supervision::v1::Supervision::service_full_name(),
       channel(absl::GetFlag(FLAGS_supervision_addr))},
  };
}

// --dump_openapi: the same route table as a running gateway, channels that
// never connect, and no credentials.
int DumpOpenApi(const std::string& target) {
  petition::gateway::GatewayOptions options;
  options.channels = Channels([](const std::string& address) {
    return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  });
  absl::StatusOr<std::unique_ptr<petition::gateway::Gateway>> gateway =
      petition::gateway::Gateway::Create(std::move(options), nullptr, nullptr);
  if (!gateway.ok()) {
    std::cerr << "gateway --dump_openapi: " << gateway.status().message() << std::endl;
    return 1;
  }
  if (target == "-") {
    std::cout << (*gateway)->openapi_json() << std::endl;
    return 0;
  }
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out << (*gateway)->openapi_json() << '\n';
  out.close();
  if (!out) {
    std::cerr << "gateway --dump_openapi: cannot write " << target << std::endl;
    return 1;
  }
  return 0;
}

int Fail(const std::string& what, const absl::Status& status) {
  petition::log::Error(what, {{"error", status.ToString()}});
  std::cerr << "gateway: " << what << ": " << status.message() << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> roles = CollectRoles(argc, argv);
  petition::BlockShutdownSignals();
  petition::InitConfig("gateway", argc, argv);
  if (const std::string dump = absl::GetFlag(FLAGS_dump_openapi); !dump.empty()) {
    return DumpOpenApi(dump);
  }

  const std::string secret = absl::GetFlag(FLAGS_jwt_secret);
  if (secret.empty()) {
    std::cerr << "gateway: --jwt_secret (or PETITION_GATEWAY_JWT_SECRET / PETITION_JWT_SECRET) "
                 "must be set to a non-empty secret; refusing to start"
              << std::endl;
    return 2;
  }
  if (absl::GetFlag(FLAGS_mint_token)) return MintToken(secret, std::move(roles));

  absl::StatusOr<std::unique_ptr<petition::gateway::Auth>> auth =
      petition::gateway::Auth::Create(secret, absl::GetFlag(FLAGS_api_keys));
  if (!auth.ok()) return Fail("bad credentials configuration", auth.status());
  // The gateway proves every upstream call it makes (and the principal it
  // authenticated) with the secret the services share.
  auto signer = petition::SignerFromFlags(petition::kGatewayCaller);
  if (!signer.ok()) return Fail("refusing to start", signer.status());

  const std::string host = absl::GetFlag(FLAGS_host);
  absl::StatusOr<std::unique_ptr<petition::Metrics>> metrics =
      petition::Metrics::Start(host, absl::GetFlag(FLAGS_metrics_port));
  if (!metrics.ok()) return Fail("cannot start metrics", metrics.status());

  petition::gateway::GatewayOptions options;
  options.channels = Channels(
      [&signer](const std::string& address) { return petition::MakeChannel(address, *signer); });
  options.docs_dir = absl::GetFlag(FLAGS_docs_dir);
  // Registration and reads go on without supervision (events wait in
  // intake's outbox): its absence degrades the gateway, it does not stop it.
  options.optional_services.insert(petition::supervision::v1::Supervision::service_full_name());
  options.upstream_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_upstream_timeout_ms));
  options.readiness_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_readiness_timeout_ms));
  options.readiness_cache = absl::Milliseconds(absl::GetFlag(FLAGS_readiness_cache_ms));
  absl::StatusOr<std::unique_ptr<petition::gateway::Gateway>> gateway =
      petition::gateway::Gateway::Create(std::move(options), *std::move(auth),
                                         &(*metrics)->registry());
  if (!gateway.ok()) return Fail("cannot build the routes", gateway.status());

  petition::gateway::HttpServerOptions server_options;
  server_options.host = host;
  server_options.port = absl::GetFlag(FLAGS_http_port);
  server_options.threads = absl::GetFlag(FLAGS_http_threads);
  server_options.max_body_bytes = static_cast<std::size_t>(absl::GetFlag(FLAGS_max_body_bytes));
  server_options.read_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_read_timeout_ms));
  server_options.header_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_header_timeout_ms));
  server_options.max_connections = absl::GetFlag(FLAGS_max_connections);
  absl::StatusOr<std::unique_ptr<petition::gateway::HttpServer>> server =
      petition::gateway::HttpServer::Start(server_options, gateway->get());
  if (!server.ok()) return Fail("cannot start the HTTP server", server.status());

  if (const std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    absl::Status status = petition::WritePortFile(
        port_file, {{"http", (*server)->port()}, {"metrics", (*metrics)->port()}});
    if (!status.ok()) return Fail("cannot write --port_file", status);
  }
  petition::log::Info("gateway listening",
                      {{"http_port", absl::StrCat((*server)->port())},
                       {"metrics_port", absl::StrCat((*metrics)->port())},
                       {"max_connections", absl::StrCat((*server)->max_connections())},
                       {"routes", absl::StrCat((*gateway)->routes().routes().size())}});

  int signal = petition::WaitForShutdownSignal();
  petition::log::Info("shutting down", {{"signal", absl::StrCat(signal)}});
  (*server)->Stop(absl::Seconds(5));
  (*gateway)->Shutdown();
  server->reset();
  gateway->reset();
  return 0;
}
