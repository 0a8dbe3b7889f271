#include "tests/support/test_stack.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "services/gateway/auth.h"
#include "services/gateway/jwt.h"
#include "tests/support/monitoring_config.h"

namespace petition::testing {
namespace {

const std::vector<std::string>& DomainServices() {
  static const auto* kServices =
      new std::vector<std::string>{"scheduling", "supervision", "intake"};
  return *kServices;
}

}  // namespace

std::vector<std::string> CountyFeedbackFlags(const std::string& url, const std::string& secret) {
  return {"--county_feedback_url=" + url, "--county_feedback_secret=" + secret,
          "--county_feedback_min_backoff_ms=20", "--county_feedback_max_backoff_ms=100",
          "--county_feedback_poll_ms=20"};
}

const absl::TimeZone& TownshipZone() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", z)) *z = absl::FixedTimeZone(8 * 3600);
    return z;
  }();
  return *zone;
}

absl::Time TownshipTime(int year, int month, int day, int hour) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0), TownshipZone());
}

absl::StatusOr<std::optional<absl::Time>> ClockFromEnvironment() {
  const char* value = std::getenv("PETITION_TEST_CLOCK");
  if (value == nullptr || *value == '\0') return std::optional<absl::Time>();
  const absl::TimeZone& shanghai = TownshipZone();
  absl::Time at;
  std::string error;
  for (const char* format : {"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"}) {
    if (absl::ParseTime(format, value, shanghai, &at, &error)) return std::optional<absl::Time>(at);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("PETITION_TEST_CLOCK=\"", value, "\" is not YYYY-MM-DD [HH:MM[:SS]]"));
}

TestStack::TestStack(const std::string& name, TestStackOptions options)
    : db_(name),
      options_(std::move(options)),
      jwt_secret_(HexEncode(RandomBytes(32))),
      pii_key_(HexEncode(RandomBytes(32))),
      internal_secret_(HexEncode(RandomBytes(32))) {
  log_dir_ = (std::filesystem::temp_directory_path() / db_.name()).string();
  std::filesystem::create_directories(log_dir_);
  // Only the key's SHA-256 is stored, as in production.
  api_keys_file_ = log_dir_ + "/api_keys";
  std::ofstream(api_keys_file_, std::ios::trunc)
      << "# sha256(key) subject roles\n"
      << gateway::ApiKeyHash(kCountyApiKey) << " county_platform county\n";
}

TestStack::~TestStack() {
  // Gateway first, then the services in reverse order of their dependencies.
  for (const char* name : {"gateway", "intake", "supervision", "scheduling"}) {
    processes_.erase(name);
  }
  // The processes' logs stay for a failed run (their path is in the failure
  // messages) and go with a passing one.
  if (::testing::UnitTest::GetInstance()->failed_test_count() == 0) {
    std::error_code ignored;
    std::filesystem::remove_all(log_dir_, ignored);
  }
}

absl::StatusOr<std::unique_ptr<TestStack>> TestStack::Start(const std::string& name,
                                                            TestStackOptions options) {
  auto stack = std::unique_ptr<TestStack>(new TestStack(name, std::move(options)));
  std::optional<absl::Time> at = stack->options_.clock_at;
  if (!at.has_value()) {
    auto from_env = ClockFromEnvironment();
    if (!from_env.ok()) return from_env.status();
    at = *from_env;
  }
  if (at.has_value()) {
    if (absl::Status s = stack->UseClock(*at); !s.ok()) return s;
  }
  // Supervision and intake call each other (case events one way, supervision's events the
  // other): supervision starts before intake's port is known, then again on its port with
  // intake's address. Between the two another test's process may take that port (it was free
  // once, port 0): then the whole start is tried again on new ports.
  absl::Status started;
  for (int attempt = 0; attempt < 3; ++attempt) {
    started = stack->StartProcesses();
    if (started.ok() || !absl::StrContains(started.message(), "cannot listen")) break;
    std::cerr << "a port was taken during start-up; starting the stack again\n";
  }
  if (!started.ok()) return started;
  std::cerr << "test stack up; process logs in " << stack->log_dir_ << " (kept if a test fails)\n";
  return stack;
}

absl::Status TestStack::StartProcesses() {
  for (const char* name : {"gateway", "intake", "supervision", "scheduling"}) {
    processes_.erase(name);
  }
  for (const std::string& service : DomainServices()) {
    grpc_ports_[service] = 0;
    metrics_ports_[service] = 0;
    if (absl::Status s = StartService(service); !s.ok()) return s;
  }
  if (absl::Status s = Restart("supervision"); !s.ok()) return s;
  return StartService("gateway");
}

absl::Status TestStack::StartService(const std::string& service) {
  std::vector<std::string> args = {"--host=127.0.0.1", "--log_level=" + options_.log_level,
                                   "--internal_secret=" + internal_secret_};
  auto addr = [&](const std::string& s) { return absl::StrCat("127.0.0.1:", grpc_ports_.at(s)); };
  if (service == "gateway") {
    args.push_back("--http_port=0");
    args.push_back("--metrics_port=0");
    args.push_back("--intake_addr=" + addr("intake"));
    args.push_back("--scheduling_addr=" + addr("scheduling"));
    args.push_back("--supervision_addr=" + addr("supervision"));
    args.push_back("--jwt_secret=" + jwt_secret_);
    args.push_back("--api_keys_file=" + api_keys_file_);
    // Every /readyz probes afresh: a test that restarts a service must not
    // read an answer from before.
    args.push_back("--readiness_cache_ms=0");
    // Swagger UI at /docs when ./dev has installed it (npm ci).
    const std::string docs = SourceDir() + "/node_modules/swagger-ui-dist";
    if (std::ifstream(docs + "/swagger-ui-bundle.js").good()) args.push_back("--docs_dir=" + docs);
    // Suites call quickly as one principal: no limits unless a suite sets them.
    args.push_back("--rate_limit_rps=0");
    args.push_back("--public_rate_limit_rps=0");
    args.push_back("--failed_auth_rate_limit_rps=0");
    for (const std::string& arg : options_.gateway_args) args.push_back(arg);
  } else {
    args.push_back(absl::StrCat("--grpc_port=", grpc_ports_.at(service)));
    args.push_back(absl::StrCat("--metrics_port=", metrics_ports_.at(service)));
    args.push_back("--pg_dsn=" + db_.DsnFor(service));
    args.push_back("--pg_pool_size=4");
    // Domain gauges refreshed every second, so a test sees its change promptly.
    args.push_back("--domain_gauges_interval_s=1");
    // The rules' clock (common/clock.h): the same offset for the three services.
    if (clock_offset_ != absl::ZeroDuration()) {
      args.push_back(absl::StrCat("--clock_offset=", absl::ToInt64Seconds(clock_offset_), "s"));
    }
    if (service == "intake") {
      args.push_back("--pii_key=" + pii_key_);
      // The cases these tests register are dated in 2026 (their deadlines
      // follow the 2026 holiday notice): let them stay plausible in later years.
      args.push_back("--received_at_window_days=36500");
      args.push_back("--supervision_addr=" + addr("supervision"));
      args.push_back("--scheduling_addr=" + addr("scheduling"));
      for (const std::string& flag : options_.intake_flags) args.push_back(flag);
    }
    if (service == "supervision") {
      args.push_back("--scheduling_addr=" + addr("scheduling"));
      // Never the default address, where another stack's intake may listen.
      const auto intake = grpc_ports_.find("intake");
      const bool known = intake != grpc_ports_.end() && intake->second != 0;
      args.push_back("--intake_addr=" + (known ? addr("intake") : std::string("127.0.0.1:1")));
    }
  }
  auto process = std::make_unique<ChildProcess>(
      service, absl::StrCat(BinaryDir(), "/services/", service, "/", service), args,
      absl::StrCat(log_dir_, "/", service, ".log"));
  auto ports = process->WaitForPorts(absl::Seconds(60));
  if (!ports.ok()) return ports.status();
  if (service == "gateway") {
    http_port_ = (*ports)["http"];
    metrics_ports_[service] = (*ports)["metrics"];
  } else {
    grpc_ports_[service] = (*ports)["grpc"];
    metrics_ports_[service] = (*ports)["metrics"];
  }
  processes_[service] = std::move(process);
  return absl::OkStatus();
}

void TestStack::Stop(const std::string& service) { processes_.erase(service); }

void TestStack::Signal(const std::string& process, int sig) {
  auto it = processes_.find(process);
  if (it != processes_.end()) it->second->Signal(sig);
}

absl::Status TestStack::Restart(const std::string& service) {
  processes_.erase(service);
  return StartService(service);
}

absl::Status TestStack::EnsureRunning() {
  bool restarted = false;
  for (const char* name : {"scheduling", "supervision", "intake", "gateway"}) {
    auto it = processes_.find(name);
    if (it != processes_.end() && it->second->Alive()) continue;
    if (it != processes_.end()) {
      std::cerr << name << " had exited; starting it again (log: " << log_dir_ << "/" << name
                << ".log)\n";
    }
    if (absl::Status s = Restart(name); !s.ok()) return s;
    restarted = true;
  }
  if (!restarted) return absl::OkStatus();
  return WaitUntilReady();
}

absl::Status TestStack::WaitUntilReady() {
  // Serving is not enough: the gateway's channels reconnect with a backoff. Until /readyz
  // says 200 with every dependency up (supervision down is 200 too, "degraded"), a call could
  // still find the restarted service unreachable.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (true) {
    auto r = HttpRequest(http_port_, "GET", "/readyz");
    if (r.ok() && r->status == 200 && r->body.find("\"degraded\"") == std::string::npos) {
      return absl::OkStatus();
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError("the gateway did not become ready after a restart");
    }
    absl::SleepFor(absl::Milliseconds(20));  // polling a condition, bounded
  }
}

std::string TestStack::Token(const std::vector<std::string>& roles, const std::string& subject,
                             const std::string& unit) const {
  gateway::Jwt::Claims claims;
  claims.subject = subject;
  claims.roles = roles;
  claims.unit_id = unit;
  claims.issued_at = absl::Now();  // a token's lifetime is real time, not the rules' clock
  claims.expires_at = absl::Now() + absl::Hours(1);
  return gateway::Jwt(jwt_secret_).Mint(claims);
}

absl::Status TestStack::UseClock(absl::Time at) {
  // Whole seconds: the flag's text is exact, and every process gets the same offset.
  clock_offset_ = absl::Seconds(absl::ToInt64Seconds(at - absl::Now()));
  std::cerr << "test stack clock: " << absl::FormatTime(at) << "\n";
  return absl::OkStatus();
}

absl::Status TestStack::SetClock(absl::Time at) {
  if (absl::Status s = UseClock(at); !s.ok()) return s;
  for (const char* name : {"intake", "supervision", "scheduling"}) processes_.erase(name);
  for (const char* name : {"scheduling", "supervision", "intake"}) {
    if (absl::Status s = StartService(name); !s.ok()) return s;
  }
  return WaitUntilReady();
}

absl::StatusOr<HttpResponse> TestStack::Call(const std::string& method, const std::string& target,
                                             const std::string& body,
                                             const std::string& token) const {
  std::map<std::string, std::string> headers;
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  return HttpRequest(http_port_, method, target, body, headers);
}

absl::StatusOr<std::string> TestStack::Query(const std::string& sql) const {
  try {
    pqxx::connection conn(db_.DsnFor(""));
    pqxx::nontransaction tx(conn);
    pqxx::result r = tx.exec(sql);
    if (r.empty() || r[0][0].is_null()) return std::string();
    return r[0][0].as<std::string>();
  } catch (const std::exception& e) {
    return absl::InternalError(e.what());
  }
}

absl::Status TestStack::SeedDirectory(const std::vector<std::string>& unit_ids,
                                      const std::vector<std::string>& official_ids) const {
  try {
    pqxx::connection conn(db_.DsnFor(""));
    pqxx::work tx(conn);
    tx.exec(
        "INSERT INTO scheduling.units (unit_id, name, kind) VALUES "
        "('unit_seedtown', '种子镇人民政府', 'TOWNSHIP') ON CONFLICT DO NOTHING");
    for (const std::string& id : unit_ids) {
      tx.exec_params(
          "INSERT INTO scheduling.units (unit_id, name, kind, parent_id) "
          "VALUES ($1, $1 || '单位', 'DEPARTMENT', 'unit_seedtown') ON CONFLICT DO NOTHING",
          id);
    }
    for (const std::string& id : official_ids) {
      tx.exec_params(
          "INSERT INTO scheduling.officials (official_id, unit_id, name, position, rank) "
          "VALUES ($1, 'unit_seedtown', '领导' || $1, '副镇长', 'DEPUTY_SECTION_CHIEF') "
          "ON CONFLICT DO NOTHING",
          id);
    }
    if (!official_ids.empty()) {
      for (const std::string& id : unit_ids) {
        tx.exec_params(
            "UPDATE scheduling.units SET leader_in_charge_id = $2 "
            "WHERE unit_id = $1 AND leader_in_charge_id IS NULL",
            id, official_ids.front());
      }
    }
    tx.commit();
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return absl::InternalError(e.what());
  }
}

google::protobuf::Struct ParseJson(const std::string& body) {
  google::protobuf::Struct s;
  if (!google::protobuf::util::JsonStringToMessage(body, &s).ok()) s.Clear();
  return s;
}

std::string JsonString(const google::protobuf::Struct& s, const std::string& path) {
  const google::protobuf::Struct* current = &s;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    auto it = current->fields().find(parts[i]);
    if (it == current->fields().end()) return "";
    if (i + 1 == parts.size()) {
      const auto& v = it->second;
      if (v.has_string_value()) return v.string_value();
      if (v.has_bool_value()) return v.bool_value() ? "true" : "false";
      if (v.has_number_value()) return absl::StrCat(v.number_value());
      return "";
    }
    if (!it->second.has_struct_value()) return "";
    current = &it->second.struct_value();
  }
  return "";
}

}  // namespace petition::testing
