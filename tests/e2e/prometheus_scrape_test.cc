// A real Prometheus (the Debian package) scraping the real processes with the repository's
// configuration (deploy/prometheus/prometheus.local.yml, its targets pointed at the stack's
// ports, the scrape interval shortened, the alert rules loaded):
// - the four targets are up;
// - a case registered through the gateway shows in a domain series (petition_cases);
// - every expression of the Grafana dashboard parses (Prometheus' query API);
// - `promtool check metrics` finds nothing to complain about on any /metrics.
// Which metric names the dashboard and the alerts may use is e2e.metrics_names's business.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"
#include "tests/support/monitoring_config.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

// The full path of `program` on PATH; "" when missing.
std::string Which(const std::string& program) {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "/usr/bin", ':')) {
    std::string candidate = absl::StrCat(dir, "/", program);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// A port nobody listens on now (the kernel's choice for port 0, released at once).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

google::protobuf::Value ParseValue(const std::string& body) {
  google::protobuf::Value v;
  if (!google::protobuf::util::JsonStringToMessage(body, &v).ok()) v.Clear();
  return v;
}

const google::protobuf::Value& Field(const google::protobuf::Value& v, const std::string& name) {
  static const auto* kNull = new google::protobuf::Value();
  if (!v.has_struct_value()) return *kNull;
  auto it = v.struct_value().fields().find(name);
  return it == v.struct_value().fields().end() ? *kNull : it->second;
}

// The repository's local configuration, its targets moved to the stack's ports.
std::string PrometheusConfig(const TestStack& stack, int prometheus_port) {
  std::string config = ReadFile(SourceDir() + "/deploy/prometheus/prometheus.local.yml");
  const std::vector<std::pair<std::string, std::string>> targets = {
      {"127.0.0.1:9101", absl::StrCat("127.0.0.1:", stack.metrics_port("intake"))},
      {"127.0.0.1:9102", absl::StrCat("127.0.0.1:", stack.metrics_port("scheduling"))},
      {"127.0.0.1:9103", absl::StrCat("127.0.0.1:", stack.metrics_port("supervision"))},
      {"127.0.0.1:9104", absl::StrCat("127.0.0.1:", stack.metrics_port("gateway"))},
      {"localhost:9090", absl::StrCat("127.0.0.1:", prometheus_port)},
      {"scrape_interval: 15s", "scrape_interval: 1s"},
      {"evaluation_interval: 15s", "evaluation_interval: 1s"},
      {"- alerts.yml", "- " + SourceDir() + "/deploy/prometheus/alerts.yml"},
  };
  for (const auto& [from, to] : targets) {
    EXPECT_NE(config.find(from), std::string::npos)
        << "prometheus.local.yml no longer holds " << from << ": update this test";
    config = absl::StrReplaceAll(config, {{from, to}});
  }
  return config;
}

// One stack and one Prometheus for the suite (starting them is most of the time).
class PrometheusScrapeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string prometheus_bin = Which("prometheus");
    ASSERT_FALSE(prometheus_bin.empty()) << "prometheus not found (apt-get install prometheus)";
    auto stack = TestStack::Start("prom");
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = stack->release();
    dir_ = new std::string(
        (std::filesystem::temp_directory_path() / absl::StrCat("petition-prometheus-", getpid()))
            .string());
    std::filesystem::create_directories(*dir_);
    // The port is free when chosen; another program could take it before Prometheus binds
    // it, so a Prometheus that exits at once is started again on another.
    for (int attempt = 0; attempt < 3 && prometheus_ == nullptr; ++attempt) {
      port_ = FreePort();
      { std::ofstream(*dir_ + "/prometheus.yml") << PrometheusConfig(*stack_, port_); }
      auto p = std::make_unique<ChildProcess>(
          "prometheus", prometheus_bin,
          std::vector<std::string>{"--config.file=" + *dir_ + "/prometheus.yml",
                                   "--storage.tsdb.path=" + *dir_ + "/data",
                                   absl::StrCat("--web.listen-address=127.0.0.1:", port_),
                                   "--log.level=warn"},
          *dir_ + "/prometheus.log", /*with_port_file=*/false);
      if (WaitReady(p.get())) prometheus_ = p.release();
    }
    ASSERT_NE(prometheus_, nullptr) << "Prometheus did not start; log in " << *dir_;
  }

  static void TearDownTestSuite() {
    delete prometheus_;
    prometheus_ = nullptr;
    delete stack_;
    stack_ = nullptr;
    if (dir_ != nullptr && ::testing::UnitTest::GetInstance()->failed_test_count() == 0) {
      std::filesystem::remove_all(*dir_);
    }
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(prometheus_, nullptr) << "no Prometheus (see the suite's set-up)";
  }

  static bool WaitReady(ChildProcess* p) {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      if (!p->Alive()) return false;
      auto r = HttpRequest(port_, "GET", "/-/ready");
      if (r.ok() && r->status == 200) return true;
      absl::SleepFor(absl::Milliseconds(50));  // polling a condition, bounded
    }
    return false;
  }

  // GET on Prometheus' HTTP API; the parsed body (null when not 200).
  google::protobuf::Value Api(const std::string& target, int* status = nullptr) {
    auto r = HttpRequest(port_, "GET", target);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    if (status != nullptr) *status = r->status;
    return ParseValue(r->body);
  }

  // Polls `query` until `done(result)` holds, up to `timeout`; the last result.
  google::protobuf::Value QueryUntil(
      const std::string& query, const std::function<bool(const google::protobuf::Value&)>& done,
      absl::Duration timeout = absl::Seconds(60)) {
    const absl::Time deadline = absl::Now() + timeout;
    google::protobuf::Value result;
    while (true) {
      result = Field(Field(Api("/api/v1/query?query=" + UrlEncode(query)), "data"), "result");
      if (done(result) || absl::Now() > deadline) return result;
      absl::SleepFor(absl::Milliseconds(200));  // polling a condition, bounded
    }
  }

  static TestStack* stack_;
  static std::string* dir_;
  static int port_;
  static ChildProcess* prometheus_;
};

TestStack* PrometheusScrapeTest::stack_ = nullptr;
std::string* PrometheusScrapeTest::dir_ = nullptr;
int PrometheusScrapeTest::port_ = 0;
ChildProcess* PrometheusScrapeTest::prometheus_ = nullptr;

double SampleValue(const google::protobuf::Value& sample) {
  const auto& v = Field(sample, "value");
  if (!v.has_list_value() || v.list_value().values_size() != 2) return -1;
  return std::atof(v.list_value().values(1).string_value().c_str());
}

TEST_F(PrometheusScrapeTest, ScrapesTheFourProcessesAndSeesARegisteredCase) {
  // The four targets are up (each scraped at least once, successfully).
  auto up = QueryUntil(R"(up{job="petition"} == 1)", [](const google::protobuf::Value& r) {
    return r.has_list_value() && r.list_value().values_size() == 4;
  });
  ASSERT_TRUE(up.has_list_value());
  std::set<std::string> services;
  for (const auto& s : up.list_value().values()) {
    services.insert(Field(Field(s, "metric"), "service").string_value());
  }
  EXPECT_EQ(services, (std::set<std::string>{"intake", "scheduling", "supervision", "gateway"}));
  auto targets = Api("/api/v1/targets?state=active");
  int petition_targets = 0;
  for (const auto& t : Field(Field(targets, "data"), "activeTargets").list_value().values()) {
    if (Field(t, "scrapePool").string_value() != "petition") continue;
    ++petition_targets;
    EXPECT_EQ(Field(t, "health").string_value(), "up") << Field(t, "lastError").string_value();
  }
  EXPECT_EQ(petition_targets, 4);

  // Every process says which build it runs and what it costs.
  auto info = QueryUntil(
      "count(petition_build_info) and count(process_resident_memory_bytes{job=\"petition\"} > 0) "
      "== 4",
      [](const google::protobuf::Value& r) {
        return r.has_list_value() && r.list_value().values_size() == 1;
      });
  EXPECT_EQ(info.list_value().values_size(), 1) << "petition_build_info or process metrics missing";

  // A case registered now appears in the domain gauge of cases by status and category.
  const std::string clerk = stack_->Token({"clerk"}, "off_clerk1");
  auto created = stack_->Call("POST", "/v1/cases", R"({
    "requestId": "prometheus-1", "channel": "LETTER", "category": "GOVERNANCE_SUGGESTION",
    "subject": "养老金", "content": "养老金发放延迟，请求核实。",
    "petitioners": [{"name": "李四", "idNumber": "11010519491231002X"}]})",
                              clerk);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(created->status, 200) << created->body;
  auto cases = QueryUntil(R"(petition_cases{job="petition", category="GOVERNANCE_SUGGESTION"})",
                          [](const google::protobuf::Value& r) {
                            return r.has_list_value() && r.list_value().values_size() == 1 &&
                                   SampleValue(r.list_value().values(0)) == 1;
                          });
  ASSERT_TRUE(cases.has_list_value());
  ASSERT_EQ(cases.list_value().values_size(), 1) << "no petition_cases series for the case";
  EXPECT_EQ(SampleValue(cases.list_value().values(0)), 1);
  EXPECT_EQ(Field(Field(cases.list_value().values(0), "metric"), "service").string_value(),
            "intake");
  auto today = QueryUntil(R"(petition_cases_received_today{channel="LETTER"})",
                          [](const google::protobuf::Value& r) {
                            return r.has_list_value() && r.list_value().values_size() == 1 &&
                                   SampleValue(r.list_value().values(0)) == 1;
                          });
  EXPECT_EQ(today.list_value().values_size(), 1) << "petition_cases_received_today";

  // The alert rules loaded.
  auto rules = Api("/api/v1/rules");
  EXPECT_GT(Field(Field(rules, "data"), "groups").list_value().values_size(), 0)
      << "alerts.yml was not loaded";
}

TEST_F(PrometheusScrapeTest, EveryDashboardExpressionParses) {
  google::protobuf::Value dashboard;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  ReadFile(SourceDir() + "/deploy/grafana/dashboard.json"), &dashboard)
                  .ok());
  std::vector<std::string> exprs;
  CollectDashboardExprs(dashboard, &exprs);
  ASSERT_GE(exprs.size(), 5u);
  for (std::string expr : exprs) {
    // Grafana's variables, as Grafana would substitute them.
    expr = absl::StrReplaceAll(expr, {{"$__rate_interval", "1m"},
                                      {"$__interval", "15s"},
                                      {"$__range", "1h"},
                                      {"$grpc_service", ".*"},
                                      {"$service", ".*"}});
    EXPECT_EQ(expr.find('$'), std::string::npos) << "an unknown Grafana variable in: " << expr;
    int status = 0;
    auto r = Api("/api/v1/query?query=" + UrlEncode(expr), &status);
    EXPECT_EQ(status, 200) << expr << ": " << Field(r, "error").string_value();
  }
}

TEST_F(PrometheusScrapeTest, PromtoolFindsNothingToCriticiseInAnyMetricsPage) {
  const std::string promtool = Which("promtool");
  ASSERT_FALSE(promtool.empty()) << "promtool not found (apt-get install prometheus)";
  for (const char* service : {"intake", "scheduling", "supervision", "gateway"}) {
    auto r = HttpRequest(stack_->metrics_port(service), "GET", "/metrics");
    ASSERT_TRUE(r.ok()) << service << ": " << r.status();
    const std::string path = absl::StrCat(*dir_, "/", service, ".metrics");
    { std::ofstream(path) << r->body; }
    const std::string command = absl::StrCat(promtool, " check metrics < ", path, " 2>&1");
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
    const int rc = pclose(pipe);
    EXPECT_EQ(rc, 0) << service << ": promtool check metrics:\n" << output;
    EXPECT_EQ(output, "") << service << ": promtool check metrics:\n" << output;
  }
}

}  // namespace
}  // namespace petition::testing
