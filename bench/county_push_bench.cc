// The county push path: PUT /v1/transfers/{countyCaseId} through the gateway
// with the county's API key, by concurrent clients, a share of the pushes
// exact duplicates of others (the county platform resending). Prints the push
// rate and, measured in the same run on the same stack with the same client,
// the rate of POST /v1/cases, and their ratio; then checks that exactly the
// distinct county cases exist (a wrong count fails, a slow run never does).
// Runs the four real binaries on a throwaway database (PETITION_TEST_PG_DSN,
// set by ./dev testdb / ./dev test).
//   county_push_bench [--pushes=2000] [--duplicates=0.3] [--clients=16]
#include <algorithm>
#include <atomic>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "tests/support/http_client.h"
#include "tests/support/test_stack.h"

ABSL_FLAG(int, pushes, 2000, "Pushes in all, duplicates included.");
ABSL_FLAG(double, duplicates, 0.3, "Share of the pushes that repeat an earlier push exactly.");
ABSL_FLAG(int, clients, 16, "Concurrent clients.");

namespace petition::bench {
namespace {

constexpr char kApiKey[] = "county-test-key";

// A valid resident id number (GB 11643 check digit) of its own for case `i`, so that repeat
// detection compares each case with its own petitioner's few cases, as in an office, and not
// with thousands of one bench petitioner's.
std::string IdNumber(int i) {
  const absl::CivilDay birth = absl::CivilDay(1950, 1, 1) + i / 500;
  std::string id = absl::StrFormat("110105%04d%02d%02d%03d", birth.year(), birth.month(),
                                   birth.day(), i % 500 + 1);
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int k = 0; k < 17; ++k) sum += (id[k] - '0') * kWeights[k];
  return id + "10X98765432"[sum % 11];
}

std::string PushBody(int i) {
  return absl::StrCat(
      R"({"kind":")", i % 2 == 0 ? "TRANSFER" : "ASSIGNMENT",
      R"(","dueDate":"2026-03-20","channel":"ONLINE","category":"SUPERIOR_ASSIGNED",)",
      R"("subject":"县平台交办事项)", i,
      R"(","content":"县信访平台转来：某工地拖欠工资。","petitioners":[{"name":"李四",)",
      R"("idNumber":")", IdNumber(i), R"(","phone":"13800138000"}]})");
}

std::string RegisterBody(int i) {
  return absl::StrCat(
      R"({"channel":"VISIT","category":"RIGHTS_INFRINGEMENT","subject":"宅基地纠纷",)"
      R"("content":"邻居占用宅基地，请求镇里协调处理。","petitioners":[{"name":"张三",)"
      R"("idNumber":")",
      IdNumber(100000 + i), R"(","phone":"13800138000"}]})");
}

struct Run {
  double seconds = 0;
  int ok = 0;
  int failed = 0;
  int created = 0;
};

// `n` requests by `clients` threads; `request(i)` sends the i-th.
template <typename Request>
Run Drive(int n, int clients, const Request& request) {
  std::atomic<int> next{0}, ok{0}, failed{0}, created{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        auto r = request(i);
        if (r.ok() && r->status == 200) {
          ++ok;
          if (r->body.find("\"created\":true") != std::string::npos) ++created;
        } else {
          if (failed++ < 3) {
            std::cerr << "request failed: "
                      << (r.ok() ? absl::StrCat(r->status, " ", r->body) : r.status().ToString())
                      << "\n";
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return Run{absl::ToDoubleSeconds(absl::Now() - start), ok, failed, created};
}

int Main() {
  const int pushes = std::max(1, absl::GetFlag(FLAGS_pushes));
  const double share = std::clamp(absl::GetFlag(FLAGS_duplicates), 0.0, 0.9);
  const int clients = std::max(1, absl::GetFlag(FLAGS_clients));
  const int distinct = std::max(1, static_cast<int>(pushes * (1 - share) + 0.5));

  auto stack = testing::TestStack::Start("bench_county");
  if (!stack.ok()) {
    std::cerr << "the stack did not start: " << stack.status() << "\n";
    return 1;
  }
  const int port = (*stack)->http_port();
  const std::string token = (*stack)->Token({"clerk"}, "off_bench");

  // The pushes: every distinct case once, the rest exact repeats of random ones, shuffled.
  const std::string run = HexEncode(RandomBytes(4));
  std::mt19937 random(42);
  std::vector<int> order;
  for (int i = 0; i < distinct; ++i) order.push_back(i);
  std::uniform_int_distribution<int> pick(0, distinct - 1);
  while (static_cast<int>(order.size()) < pushes) order.push_back(pick(random));
  std::shuffle(order.begin(), order.end(), random);
  std::vector<std::string> bodies;
  for (int i = 0; i < distinct; ++i) bodies.push_back(PushBody(i));

  // Warm-up: connections, prepared statements, the first case's pages.
  Drive(std::min(50, pushes), clients, [&](int i) {
    return testing::HttpRequest(port, "POST", "/v1/cases", RegisterBody(50000 + i),
                                {{"Authorization", "Bearer " + token}});
  });

  std::cout << "== baseline: POST /v1/cases, " << pushes << " requests, " << clients
            << " clients\n";
  std::vector<std::string> registrations;
  for (int i = 0; i < pushes; ++i) registrations.push_back(RegisterBody(i));
  const Run base = Drive(pushes, clients, [&](int i) {
    return testing::HttpRequest(port, "POST", "/v1/cases", registrations[i],
                                {{"Authorization", "Bearer " + token}});
  });
  std::cout << "== PUT /v1/transfers/{id}: " << pushes << " pushes (" << distinct
            << " distinct, the rest exact duplicates), " << clients << " clients\n";
  const Run push = Drive(pushes, clients, [&](int i) {
    const int k = order[i];
    return testing::HttpRequest(port, "PUT", absl::StrCat("/v1/transfers/BENCH-", run, "-", k),
                                bodies[k], {{"X-Api-Key", kApiKey}});
  });

  const double base_rate = base.ok / base.seconds;
  const double push_rate = push.ok / push.seconds;
  std::cout << absl::StrFormat(
      "county_push: %.0f pushes/s (%d ok, %d failed), POST /v1/cases %.0f req/s, ratio %.2f\n",
      push_rate, push.ok, push.failed, base_rate, push_rate / base_rate);

  auto cases = (*stack)->Query(absl::StrCat(
      "SELECT count(*) FROM intake.cases WHERE county_case_id LIKE 'BENCH-", run, "-%'"));
  const std::string want = std::to_string(distinct);
  const bool right = cases.ok() && *cases == want && push.created == distinct && push.failed == 0;
  std::cout << "county cases: " << (cases.ok() ? *cases : cases.status().ToString())
            << ", created answers: " << push.created << ", expected " << distinct << ": "
            << (right ? "ok" : "WRONG") << "\n";
  return right ? 0 : 1;
}

}  // namespace
}  // namespace petition::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return petition::bench::Main();
}
