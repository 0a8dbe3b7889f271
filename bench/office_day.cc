// A day at a township office, as load: clients (one keep-alive HTTP/1.1
// connection each, one request at a time) mixing the office's requests in the
// shares below, against a running gateway. Prints the count, errors, p50 and
// p99 latency of each route, and the whole rate. wrk reports one latency for
// everything; an office's requests differ by a hundredfold, hence this.
//
// The day's shares (--mix=day), per 100 requests:
//   20 register     POST /v1/cases: the desk registers whoever comes in
//   10 accept       POST /v1/cases/{id}:accept: half of the day's new cases are
//                   assigned the same day (the others wait for the leader)
//   25 read         GET /v1/cases/{id}: the most frequent thing a clerk does
//                   (open a case before a call, a visit, a step)
//   15 list         GET /v1/cases?pageSize=20: the office's worklist, reopened
//                   through the day
//   15 lookup       GET /v1/lookup/{queryCode}: petitioners checking progress
//                   with the code on their receipt (public, no token)
//   15 deadlines    GET /v1/deadlines?pageSize=20: what is due, watched by
//                   clerks and supervisors
// --mix=soak: register 50, read 50 (the soak's steady load).
// --rate=R paces the clients to R requests a second in all (0: as fast as
// they go). Clerks' tokens serve every route but the lookup; each request
// takes the next token, so the load comes from many principals.
//
//   office_day --port=N --clerk_tokens=FILE --cases=FILE --query_codes=FILE
//              [--clients=16] [--seconds=10] [--mix=day|soak] [--rate=0] [--salt=0]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"

ABSL_FLAG(int, port, 0, "The gateway's HTTP port");
ABSL_FLAG(int, clients, 16, "Clients, each one connection with one request at a time");
ABSL_FLAG(double, seconds, 10, "How long the clients run");
ABSL_FLAG(std::string, mix, "day", "day (the office's shares) or soak (register 50, read 50)");
ABSL_FLAG(double, rate, 0, "Requests a second in all, paced (0: as fast as they go)");
ABSL_FLAG(std::string, clerk_tokens, "", "File of clerks' bearer tokens, one a line");
ABSL_FLAG(std::string, cases, "", "File of existing case ids, one a line (read)");
ABSL_FLAG(std::string, query_codes, "", "File of existing query codes, one a line (lookup)");
ABSL_FLAG(int, salt, 0, "0-99: another salt gives other petitioners (several runs, one database)");
ABSL_FLAG(
    std::string, accept_body,
    R"({"handlingUnitIds":["unit_bench"],"complexity":"SIMPLE","leaderId":"off_bench_leader"})",
    "The body of each accept (its unit and leader must be in scheduling's directory)");

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// GB 11643: the n-th distinct resident id of this salt (as bench/register_case.lua,
// in another region range so that the two never meet).
std::string ResidentId(long long n) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  const int seq = static_cast<int>(n % 1000);
  const int day = static_cast<int>(n / 1000 % 24864);
  const int region = 120000 + static_cast<int>(n / 24864000);
  char body[32];
  std::snprintf(body, sizeof(body), "%06d%04d%02d%02d%03d", region, 1940 + day / 336,
                day % 336 / 28 + 1, day % 28 + 1, seq);
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return std::string(body) + "10X98765432"[sum % 11];
}

// The value of "key":"..." in a JSON text ("" when absent).
std::string JsonString(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":\"";
  const size_t at = json.find(needle);
  if (at == std::string::npos) return "";
  const size_t start = at + needle.size();
  const size_t end = json.find('"', start);
  return end == std::string::npos ? "" : json.substr(start, end - start);
}

// One keep-alive HTTP/1.1 connection; reconnects when the server closes it.
class Connection {
 public:
  explicit Connection(int port) : port_(port) {}
  ~Connection() { Close(); }

  // The status of one exchange (0: the connection failed); the body in `body`.
  int Exchange(const std::string& request, std::string& body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !Connect()) return 0;
      if (send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
        const int status = ReadResponse(body);
        if (status > 0) return status;
      }
      Close();  // a keep-alive connection the server closed: once more on a new one
    }
    return 0;
  }

 private:
  bool Connect() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      Close();
      return false;
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    buffer_.clear();
    return true;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  bool Fill() {
    char chunk[16384];
    const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  int ReadResponse(std::string& body) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return 0;
    }
    const std::string head = Lower(buffer_.substr(0, end));
    buffer_.erase(0, end + 4);
    const int status = head.size() > 12 ? std::atoi(head.c_str() + 9) : 0;
    const bool close_after = head.find("\nconnection: close") != std::string::npos;
    body.clear();
    if (head.find("\ntransfer-encoding: chunked") != std::string::npos) {
      for (;;) {
        size_t line_end;
        while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
          if (!Fill()) return 0;
        }
        const size_t size = std::stoul(buffer_.substr(0, line_end), nullptr, 16);
        while (buffer_.size() < line_end + 2 + size + 2) {
          if (!Fill()) return 0;
        }
        body.append(buffer_, line_end + 2, size);
        buffer_.erase(0, line_end + 2 + size + 2);
        if (size == 0) break;
      }
    } else {
      size_t length = 0;
      const size_t at = head.find("\ncontent-length:");
      if (at != std::string::npos) length = std::stoul(head.substr(at + 16));
      while (buffer_.size() < length) {
        if (!Fill()) return 0;
      }
      body = buffer_.substr(0, length);
      buffer_.erase(0, length);
    }
    if (close_after) Close();
    return status;
  }

  int port_;
  int fd_ = -1;
  std::string buffer_;
};

enum Route { kRegister, kAccept, kRead, kList, kLookup, kDeadlines, kRoutes };
constexpr const char* kRouteNames[kRoutes] = {"register", "accept", "read",
                                              "list",     "lookup", "deadlines"};

struct Shared {
  std::vector<std::string> tokens;
  std::vector<std::string> cases;
  std::vector<std::string> query_codes;
  std::string accept_body;
  int port = 0;
  int salt = 0;
  std::vector<int> weights;  // per route
  double interval_s = 0;     // per client, when paced
  int clients = 1;
  Clock::time_point start, stop;
};

struct Result {
  std::vector<double> latency_ms[kRoutes];
  long long errors[kRoutes] = {};
  std::map<std::string, long long> statuses;  // "route status" of the failures
};

void RunClient(const Shared& shared, int id, Result& result) {
  Connection connection(shared.port);
  std::mt19937_64 rng(0x5eed0000u + static_cast<unsigned>(id));
  std::discrete_distribution<int> pick(shared.weights.begin(), shared.weights.end());
  std::vector<std::string> registered, codes;  // this client's, not yet accepted; its codes
  long long sequence = 0, counter = 0;
  std::string body;
  Clock::time_point next =
      shared.start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(shared.interval_s * id / shared.clients));
  while (true) {
    if (shared.interval_s > 0) {
      std::this_thread::sleep_until(next);
      next += std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(shared.interval_s));
    }
    if (Clock::now() >= shared.stop) break;
    Route route = static_cast<Route>(pick(rng));
    if (route == kAccept && registered.empty()) route = kRegister;
    const std::string& token = shared.tokens[(counter++ + id) % shared.tokens.size()];
    const std::string auth = "Authorization: Bearer " + token + "\r\n";
    std::string request;
    std::string accepted;
    switch (route) {
      case kRegister: {
        const std::string petition =
            R"({"channel":"VISIT","category":"RIGHTS_INFRINGEMENT","subject":"宅基地纠纷",)"
            R"("content":"邻居占用宅基地，请求镇里协调处理。","petitioners":[{"name":"张三",)"
            R"("idNumber":")" +
            ResidentId((static_cast<long long>(shared.salt) * 1000 + id) * 100000 + ++sequence) +
            R"(","phone":"13800138000","address":"长乐镇东村三组12号"}]})";
        request =
            "POST /v1/cases HTTP/1.1\r\nHost: bench\r\n" + auth +
            "Content-Type: application/json\r\nContent-Length: " + std::to_string(petition.size()) +
            "\r\n\r\n" + petition;
        break;
      }
      case kAccept: {
        accepted = registered.back();
        registered.pop_back();
        request = "POST /v1/cases/" + accepted + ":accept HTTP/1.1\r\nHost: bench\r\n" + auth +
                  "Content-Type: application/json\r\nContent-Length: " +
                  std::to_string(shared.accept_body.size()) + "\r\n\r\n" + shared.accept_body;
        break;
      }
      case kRead:
        request = "GET /v1/cases/" + shared.cases[rng() % shared.cases.size()] +
                  " HTTP/1.1\r\nHost: bench\r\n" + auth + "\r\n";
        break;
      case kList:
        request = "GET /v1/cases?pageSize=20 HTTP/1.1\r\nHost: bench\r\n" + auth + "\r\n";
        break;
      case kLookup: {
        const std::string& code = !codes.empty() && rng() % 2 == 0
                                      ? codes[rng() % codes.size()]
                                      : shared.query_codes[rng() % shared.query_codes.size()];
        request = "GET /v1/lookup/" + code + " HTTP/1.1\r\nHost: bench\r\n\r\n";
        break;
      }
      case kDeadlines:
        request = "GET /v1/deadlines?pageSize=20 HTTP/1.1\r\nHost: bench\r\n" + auth + "\r\n";
        break;
      case kRoutes:
        break;
    }
    const Clock::time_point sent = Clock::now();
    const int status = connection.Exchange(request, body);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
    result.latency_ms[route].push_back(ms);
    if (status < 200 || status > 299) {
      ++result.errors[route];
      ++result.statuses[std::string(kRouteNames[route]) + " " + std::to_string(status)];
      continue;
    }
    if (route == kRegister) {
      registered.push_back(JsonString(body, "caseId"));
      const std::string code = JsonString(body, "queryCode");
      if (!code.empty()) codes.push_back(code);
    }
  }
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  Shared shared;
  shared.port = absl::GetFlag(FLAGS_port);
  shared.tokens = ReadLines(absl::GetFlag(FLAGS_clerk_tokens));
  shared.cases = ReadLines(absl::GetFlag(FLAGS_cases));
  shared.query_codes = ReadLines(absl::GetFlag(FLAGS_query_codes));
  shared.accept_body = absl::GetFlag(FLAGS_accept_body);
  shared.salt = absl::GetFlag(FLAGS_salt);
  const std::string mix = absl::GetFlag(FLAGS_mix);
  if (mix == "day") {
    shared.weights = {20, 10, 25, 15, 15, 15};
  } else if (mix == "soak") {
    shared.weights = {50, 0, 50, 0, 0, 0};
  } else {
    std::fprintf(stderr, "--mix is day or soak\n");
    return 2;
  }
  if (shared.port == 0 || shared.tokens.empty() || shared.cases.empty() ||
      (mix == "day" && shared.query_codes.empty())) {
    std::fprintf(stderr, "--port, --clerk_tokens, --cases (and --query_codes) are needed\n");
    return 2;
  }
  const int clients = absl::GetFlag(FLAGS_clients);
  const double rate = absl::GetFlag(FLAGS_rate);
  shared.clients = clients;
  shared.interval_s = rate > 0 ? clients / rate : 0;
  shared.start = Clock::now();
  shared.stop = shared.start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(absl::GetFlag(FLAGS_seconds)));
  std::vector<Result> results(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back(RunClient, std::cref(shared), i,
                         std::ref(results[static_cast<size_t>(i)]));
  }
  for (std::thread& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - shared.start).count();

  long long total = 0, errors = 0;
  std::map<std::string, long long> statuses;
  std::printf("%-10s %8s %7s %9s %9s\n", "route", "requests", "errors", "p50 ms", "p99 ms");
  for (int r = 0; r < kRoutes; ++r) {
    std::vector<double> all;
    long long route_errors = 0;
    for (Result& result : results) {
      all.insert(all.end(), result.latency_ms[r].begin(), result.latency_ms[r].end());
      route_errors += result.errors[r];
    }
    if (all.empty()) continue;
    total += static_cast<long long>(all.size());
    errors += route_errors;
    const double p50 = Percentile(all, 0.50);
    const double p99 = Percentile(all, 0.99);
    std::printf("%-10s %8zu %7lld %9.1f %9.1f\n", kRouteNames[r], all.size(), route_errors, p50,
                p99);
  }
  for (Result& result : results) {
    for (const auto& [what, n] : result.statuses) statuses[what] += n;
  }
  for (const auto& [what, n] : statuses) std::printf("  failed: %s x%lld\n", what.c_str(), n);
  std::printf("total: %lld requests, %lld errors, %.0f requests/s\n", total, errors,
              total / elapsed);
  return 0;
}
