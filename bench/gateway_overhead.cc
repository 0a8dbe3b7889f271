// What the gateway adds to a read: `GET /v1/cases/{caseId}` through the
// gateway (HTTP/1.1 keep-alive, bearer token, transcoding) against the same
// intake.v1.Intake/GetCase made directly over gRPC (with the gateway's proof
// of the call, common/call_proof.h), by the same number of client threads for
// the same time, on a stack of the four real processes (tests/support).
// Prints both throughputs, their ratio, and the median and p99 latency each
// way with what the gateway adds (goal: <= 100 us added at the median). Never
// fails on timing; it fails only when a call fails.
//
//   gateway_overhead_bench [--seconds=5] [--concurrency=16]
// Needs PETITION_TEST_PG_DSN (run it through ./dev testdb, as bench/run does).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/call_proof.h"
#include "common/grpc_server.h"
#include "common/request_context.h"
#include "petition/v1/intake.grpc.pb.h"
#include "tests/support/test_stack.h"

ABSL_FLAG(double, seconds, 5, "Measured seconds of each side");
ABSL_FLAG(int, concurrency, 16, "Client threads (each one connection, one call at a time)");

namespace petition::bench {
namespace {

// One keep-alive HTTP/1.1 connection making the same GET again and again.
class KeepAliveClient {
 public:
  KeepAliveClient(int port, std::string request) : request_(std::move(request)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~KeepAliveClient() { close(fd_); }

  // The status of one exchange; 0 when the connection failed.
  int Get() {
    if (!connected_ || send(fd_, request_.data(), request_.size(), MSG_NOSIGNAL) !=
                           static_cast<ssize_t>(request_.size())) {
      return 0;
    }
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return 0;
    }
    int status = 0;
    if (buffer_.size() < 12 || !absl::SimpleAtoi(buffer_.substr(9, 3), &status)) return 0;
    std::size_t length = 0;
    const std::size_t at = buffer_.find("Content-Length: ");
    if (at == std::string::npos || at > header_end) return 0;
    const std::size_t eol = buffer_.find("\r\n", at);
    if (!absl::SimpleAtoi(buffer_.substr(at + 16, eol - at - 16), &length)) return 0;
    while (buffer_.size() < header_end + 4 + length) {
      if (!Fill()) return 0;
    }
    buffer_.erase(0, header_end + 4 + length);
    return status;
  }

 private:
  bool Fill() {
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  std::string request_;
  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

struct Result {
  double per_second = 0;
  double median_us = 0;
  double p99_us = 0;
  int64_t calls = 0;
  int64_t failures = 0;
};

// Runs `call` (true: success) from `threads` threads for `seconds`, each
// thread made ready by `make` (its connection), and gathers every latency.
template <typename Make>
Result Measure(int threads, absl::Duration duration, Make make) {
  std::vector<std::vector<double>> latencies(threads);
  std::atomic<int64_t> failures{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  absl::Time end;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto call = make();
      while (!go.load()) std::this_thread::yield();
      while (absl::Now() < end) {
        const absl::Time start = absl::Now();
        const bool ok = call();
        latencies[t].push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
        if (!ok) failures.fetch_add(1);
      }
    });
  }
  const absl::Time start = absl::Now();
  end = start + duration;
  go.store(true);
  for (std::thread& worker : workers) worker.join();
  const absl::Duration elapsed = absl::Now() - start;
  std::vector<double> all;
  for (const auto& some : latencies) all.insert(all.end(), some.begin(), some.end());
  Result result;
  result.calls = static_cast<int64_t>(all.size());
  result.failures = failures.load();
  if (all.empty()) return result;
  std::sort(all.begin(), all.end());
  result.per_second = static_cast<double>(all.size()) / absl::ToDoubleSeconds(elapsed);
  result.median_us = all[all.size() / 2];
  result.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  return result;
}

void Print(const char* name, const Result& r) {
  std::printf("%-28s %10.0f calls/s   median %7.0f us   p99 %7.0f us   (%lld calls, %lld failed)\n",
              name, r.per_second, r.median_us, r.p99_us, static_cast<long long>(r.calls),
              static_cast<long long>(r.failures));
}

int Main() {
  const int threads = std::max(1, absl::GetFlag(FLAGS_concurrency));
  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  testing::TestStackOptions options;
  options.log_level = "warn";
  auto stack = testing::TestStack::Start("bench_gateway_overhead", std::move(options));
  if (!stack.ok()) {
    std::cerr << "cannot start the stack: " << stack.status() << std::endl;
    return 1;
  }
  // One case to read; read as a supervisor (identity masked, so no audit
  // row is written per read, either way).
  auto created = (*stack)->Call(
      "POST", "/v1/cases",
      R"({"channel":"VISIT","category":"RIGHTS_INFRINGEMENT","subject":"宅基地纠纷",)"
      R"("content":"邻居占用宅基地，请求镇里协调处理。","petitioners":[{"name":"张三",)"
      R"("idNumber":"11010519491231002X","phone":"13800138000"}]})",
      (*stack)->Token({"clerk"}, "off_bench"));
  if (!created.ok() || created->status != 200) {
    std::cerr << "cannot register the case: "
              << (created.ok() ? created->body : created.status().ToString()) << std::endl;
    return 1;
  }
  const std::string case_id = testing::JsonString(testing::ParseJson(created->body), "caseId");
  const std::string token = (*stack)->Token({"supervisor"}, "off_bench");
  const std::string http_request =
      absl::StrCat("GET /v1/cases/", case_id,
                   " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ", token, "\r\n\r\n");
  const int http_port = (*stack)->http_port();

  absl::StatusOr<CallKey> key = CallKey::Create((*stack)->internal_secret());
  if (!key.ok()) {
    std::cerr << key.status() << std::endl;
    return 1;
  }
  auto signer = std::make_shared<const CallSigner>(kGatewayCaller, *std::move(key));
  const std::string intake = absl::StrCat("127.0.0.1:", (*stack)->grpc_port("intake"));
  Principal principal;
  principal.subject = "off_bench";
  principal.roles = {"supervisor"};

  auto via_gateway = [&] {
    auto client = std::make_shared<KeepAliveClient>(http_port, http_request);
    return [client] { return client->Get() == 200; };
  };
  auto direct = [&] {
    // A channel per thread, as each HTTP client has its connection.
    auto stub = std::shared_ptr<intake::v1::Intake::Stub>(
        intake::v1::Intake::NewStub(MakeChannel(intake, signer)));
    return [stub, &principal, case_id] {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
      PropagateToClient(context, NewRequestId(), &principal);
      intake::v1::GetCaseRequest request;
      request.set_case_id(case_id);
      intake::v1::Case reply;
      return stub->GetCase(&context, request, &reply).ok();
    };
  };

  std::printf("== GET /v1/cases/{caseId}: gateway vs direct gRPC GetCase, %d threads, %.1fs each\n",
              threads, absl::ToDoubleSeconds(duration));
  // Warm-up: connections, caches, the token cache.
  (void)Measure(threads, std::min(duration, absl::Seconds(1)), direct);
  (void)Measure(threads, std::min(duration, absl::Seconds(1)), via_gateway);
  const Result grpc = Measure(threads, duration, direct);
  const Result http = Measure(threads, duration, via_gateway);
  Print("direct gRPC (baseline)", grpc);
  Print("through the gateway", http);
  if (grpc.per_second > 0) {
    std::printf("throughput ratio gateway/direct: %.2f\n", http.per_second / grpc.per_second);
  }
  std::printf("added by the gateway: median %+.0f us (goal <= 100 us), p99 %+.0f us\n",
              http.median_us - grpc.median_us, http.p99_us - grpc.p99_us);
  if (grpc.failures > 0 || http.failures > 0 || grpc.calls == 0 || http.calls == 0) {
    std::cerr << "calls failed" << std::endl;
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace petition::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows as it happens
  return petition::bench::Main();
}
