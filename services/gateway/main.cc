// gateway: REST/JSON front of the petition services. Wiring only.
//
//   gateway --jwt_secret S [--jwt_keys FILE] [--api_keys_file FILE] [--http_port 8080] ...
//   gateway --jwt_secret S --mint_token --role clerk [--role leader] [--sub S]
//           [--unit U] [--ttl_hours 12]      prints a JWT and exits
//   gateway --mint_token --jwt_private_key PEM --kid K --role clerk ...
//                                            an RS256 token (tests, development)
//
// SIGHUP re-reads --jwt_keys and --api_keys_file; SIGINT and SIGTERM stop.
#include <pthread.h>
#include <signal.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
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
ABSL_FLAG(int64_t, max_upload_bytes, 20 << 20,
          "Largest body of an upload (POST /v1/cases/{caseId}/materials); larger is 413. Keep it "
          "at intake's --material_max_file_bytes.");
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
ABSL_FLAG(std::string, jwt_secret, "",
          "HS256 secret of bearer tokens without a kid (required unless --jwt_keys is given)");
ABSL_FLAG(std::string, jwt_keys, "",
          "File of named JWT keys, lines '<kid> HS256|RS256 <file>' (secret file or PEM); a "
          "token's kid picks its key, the key's alg decides; re-read on SIGHUP");
ABSL_FLAG(std::string, jwt_issuer, "", "When set, bearer tokens must have this iss");
ABSL_FLAG(std::string, jwt_audience, "", "When set, bearer tokens' aud must contain this");
ABSL_FLAG(int, jwt_leeway_s, 30, "Clock skew allowed on a token's exp, nbf and iat (seconds)");
ABSL_FLAG(std::string, api_keys, "",
          "Machine credentials: key=subject:role1+role2[:unitId], comma-separated (prefer "
          "--api_keys_file, which holds only the keys' SHA-256)");
ABSL_FLAG(std::string, api_keys_file, "",
          "File of API keys, lines '<sha256-hex> <subject> <role1+role2> [unitId]'; re-read on "
          "SIGHUP (a bad file keeps the keys in use)");
ABSL_FLAG(double, rate_limit_rps, 50,
          "Requests a second per principal on authenticated routes (0: no limit)");
ABSL_FLAG(double, rate_limit_burst, 100, "Burst per principal");
ABSL_FLAG(double, public_rate_limit_rps, 5,
          "Requests a second per client address on public routes (0: no limit)");
ABSL_FLAG(double, public_rate_limit_burst, 20, "Burst per client address on public routes");
ABSL_FLAG(double, failed_auth_rate_limit_rps, 1,
          "Failed authentications a second per client address (0: no limit); past the burst, "
          "the address's credentials are answered 429 without being verified");
ABSL_FLAG(double, failed_auth_rate_limit_burst, 30, "Burst of failed authentications per address");
ABSL_FLAG(double, auth_failure_log_rps, 10,
          "Access log lines a second for failed authentications (the rest are counted in the "
          "next line written)");
ABSL_FLAG(std::vector<std::string>, cors_origins, {},
          "Origins of browser apps allowed cross-origin calls (CORS), comma-separated, e.g. "
          "https://app.example.gov.cn");
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
ABSL_FLAG(
    std::string, jwt_private_key, "",
    "--mint_token: sign RS256 with this PEM private key (with --kid) instead of --jwt_secret");
ABSL_FLAG(std::string, kid, "", "--mint_token: the key id put in the token's header");
ABSL_FLAG(std::string, iss, "", "--mint_token: the iss claim");
ABSL_FLAG(std::string, aud, "", "--mint_token: the aud claim");

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

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
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
  claims.issuer = absl::GetFlag(FLAGS_iss);
  claims.audience = absl::GetFlag(FLAGS_aud);
  claims.issued_at = absl::Now();
  claims.expires_at = claims.issued_at + absl::Hours(absl::GetFlag(FLAGS_ttl_hours));
  const std::string kid = absl::GetFlag(FLAGS_kid);
  absl::StatusOr<petition::gateway::JwtKey> key = absl::InvalidArgumentError(
      "--mint_token needs --jwt_secret (HS256) or --jwt_private_key (RS256)");
  if (const std::string pem_path = absl::GetFlag(FLAGS_jwt_private_key); !pem_path.empty()) {
    absl::StatusOr<std::string> pem = ReadFile(pem_path);
    key = pem.ok() ? petition::gateway::JwtKey::Rs256(kid, *pem) : pem.status();
  } else if (!secret.empty()) {
    key = petition::gateway::JwtKey::Hs256(kid, secret);
  }
  absl::StatusOr<petition::gateway::Jwt> jwt =
      key.ok() ? petition::gateway::Jwt::Create({*std::move(key)}, {})
               : absl::StatusOr<petition::gateway::Jwt>(key.status());
  absl::StatusOr<std::string> token = jwt.ok() ? jwt->Mint(claims, kid) : jwt.status();
  if (!token.ok()) {
    std::cerr << "gateway --mint_token: " << token.status().message() << std::endl;
    return 2;
  }
  std::cout << *token << std::endl;
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

// The bearer-token keys: --jwt_secret (no kid) and the keys of --jwt_keys.
absl::StatusOr<petition::gateway::Jwt> JwtFromFlags(const std::string& secret) {
  std::vector<petition::gateway::JwtKey> keys;
  if (!secret.empty()) {
    absl::StatusOr<petition::gateway::JwtKey> key = petition::gateway::JwtKey::Hs256("", secret);
    if (!key.ok()) return key.status();
    keys.push_back(*std::move(key));
  }
  if (const std::string path = absl::GetFlag(FLAGS_jwt_keys); !path.empty()) {
    absl::StatusOr<std::vector<petition::gateway::JwtKey>> more =
        petition::gateway::ReadJwtKeyFile(path);
    if (!more.ok()) return more.status();
    for (auto& key : *more) keys.push_back(std::move(key));
  }
  petition::gateway::JwtOptions options;
  options.leeway = absl::Seconds(absl::GetFlag(FLAGS_jwt_leeway_s));
  options.issuer = absl::GetFlag(FLAGS_jwt_issuer);
  options.audience = absl::GetFlag(FLAGS_jwt_audience);
  return petition::gateway::Jwt::Create(std::move(keys), std::move(options));
}

int Fail(const std::string& what, const absl::Status& status) {
  petition::log::Error(what, {{"error", status.ToString()}});
  std::cerr << "gateway: " << what << ": " << status.message() << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // The last lines of a shutdown are out before the process ends.
  petition::log::FlushOnExit flush_log;
  std::vector<std::string> roles = CollectRoles(argc, argv);
  petition::BlockShutdownSignals();
  // SIGHUP too, before any thread starts: main waits for it (reload).
  sigset_t hup;
  sigemptyset(&hup);
  sigaddset(&hup, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &hup, nullptr);
  petition::InitConfig("gateway", argc, argv);
  if (const std::string dump = absl::GetFlag(FLAGS_dump_openapi); !dump.empty()) {
    return DumpOpenApi(dump);
  }

  const std::string secret = absl::GetFlag(FLAGS_jwt_secret);
  if (absl::GetFlag(FLAGS_mint_token)) return MintToken(secret, std::move(roles));
  if (secret.empty() && absl::GetFlag(FLAGS_jwt_keys).empty()) {
    std::cerr << "gateway: --jwt_secret (or PETITION_GATEWAY_JWT_SECRET / PETITION_JWT_SECRET) "
                 "must be set to a non-empty secret, or --jwt_keys to a key file; refusing to "
                 "start"
              << std::endl;
    return 2;
  }

  absl::StatusOr<petition::gateway::Jwt> jwt = JwtFromFlags(secret);
  if (!jwt.ok()) return Fail("bad JWT configuration", jwt.status());
  absl::StatusOr<std::unique_ptr<petition::gateway::Auth>> auth = petition::gateway::Auth::Create(
      *std::move(jwt), absl::GetFlag(FLAGS_api_keys), absl::GetFlag(FLAGS_api_keys_file));
  if (!auth.ok()) return Fail("bad credentials configuration", auth.status());
  petition::gateway::Auth* const auth_ptr = auth->get();
  // The gateway proves every upstream call it makes (and the principal it
  // authenticated) with the secret the services share.
  auto signer = petition::SignerFromFlags(petition::kGatewayCaller);
  if (!signer.ok()) return Fail("refusing to start", signer.status());

  const std::string host = absl::GetFlag(FLAGS_host);
  absl::StatusOr<std::unique_ptr<petition::Metrics>> metrics =
      petition::Metrics::Start(host, absl::GetFlag(FLAGS_metrics_port));
  if (!metrics.ok()) return Fail("cannot start metrics", metrics.status());
  petition::log::ExportMetrics((*metrics)->shared_registry());

  petition::gateway::GatewayOptions options;
  const int64_t max_upload = absl::GetFlag(FLAGS_max_upload_bytes);
  if (max_upload < 1 || max_upload > (1 << 30)) {
    return Fail("bad flag", absl::InvalidArgumentError("--max_upload_bytes must be 1..1 GiB"));
  }
  options.max_upload_bytes = static_cast<std::size_t>(max_upload);
  // A file read back (a material) is a reply as large as an upload, plus its envelope.
  const int max_reply = static_cast<int>(max_upload + (1 << 20));
  options.channels = Channels([&signer, max_reply](const std::string& address) {
    return petition::MakeChannel(address, *signer, max_reply);
  });
  options.docs_dir = absl::GetFlag(FLAGS_docs_dir);
  // Registration and reads go on without supervision (events wait in
  // intake's outbox): its absence degrades the gateway, it does not stop it.
  options.optional_services.insert(petition::supervision::v1::Supervision::service_full_name());
  options.upstream_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_upstream_timeout_ms));
  options.readiness_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_readiness_timeout_ms));
  options.readiness_cache = absl::Milliseconds(absl::GetFlag(FLAGS_readiness_cache_ms));
  options.principal_rate = absl::GetFlag(FLAGS_rate_limit_rps);
  options.principal_burst = absl::GetFlag(FLAGS_rate_limit_burst);
  options.public_rate = absl::GetFlag(FLAGS_public_rate_limit_rps);
  options.public_burst = absl::GetFlag(FLAGS_public_rate_limit_burst);
  options.failed_auth_rate = absl::GetFlag(FLAGS_failed_auth_rate_limit_rps);
  options.failed_auth_burst = absl::GetFlag(FLAGS_failed_auth_rate_limit_burst);
  options.auth_failure_log_rate = absl::GetFlag(FLAGS_auth_failure_log_rps);
  options.cors_origins = absl::GetFlag(FLAGS_cors_origins);
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

  sigset_t wait_for;
  sigemptyset(&wait_for);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&wait_for, sig);
  int signal = 0;
  while (sigwait(&wait_for, &signal) == 0 && signal == SIGHUP) {
    if (!absl::GetFlag(FLAGS_jwt_keys).empty()) {
      absl::StatusOr<petition::gateway::Jwt> keys = JwtFromFlags(secret);
      if (keys.ok()) {
        auth_ptr->ReplaceJwt(*std::move(keys));
        petition::log::Info("JWT keys reloaded");
      } else {
        petition::log::Error("JWT keys not reloaded: keeping the keys in use",
                             {{"error", std::string(keys.status().message())}});
      }
    }
    absl::StatusOr<std::size_t> keys = auth_ptr->ReloadApiKeys();
    if (keys.ok()) {
      petition::log::Info("API keys reloaded", {{"keys", absl::StrCat(*keys)}});
    } else {
      petition::log::Error("API keys not reloaded: keeping the keys in use",
                           {{"error", std::string(keys.status().message())}});
    }
  }
  petition::log::Info("shutting down", {{"signal", absl::StrCat(signal)}});
  (*server)->Stop(absl::Seconds(5));
  (*gateway)->Shutdown();
  server->reset();
  gateway->reset();
  return 0;
}
