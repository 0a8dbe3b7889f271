// The real gateway binary under a connection flood on 127.0.0.1: more
// connections than its cap, and more than its file descriptor limit. It keeps
// answering /healthz, does not spin on a failing accept, and its log stays
// small. Bounded: a few hundred connections, seconds of wall time.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/eventually.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"

namespace petition::testing {
namespace {

// Far above what a few hundred connections and their warnings can write once
// repeated lines are limited; the flood that prompted this wrote 235 MB.
constexpr std::uintmax_t kLogBound = 256 * 1024;

// A client that sends the start of a request header and then nothing.
class SlowClient {
 public:
  explicit SlowClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
      const char partial[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
      (void)send(fd_, partial, sizeof(partial) - 1, MSG_NOSIGNAL);
    }
  }
  ~SlowClient() {
    if (fd_ >= 0) close(fd_);
  }
  // True once the server has closed the connection (without blocking).
  bool ClosedByServer() const {
    char c;
    ssize_t n = recv(fd_, &c, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  int fd_ = -1;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> LinesWith(const std::string& log, const std::string& needle) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (line.find(needle) != absl::string_view::npos) out.emplace_back(line);
  }
  return out;
}

absl::Time LineTime(const std::string& line) {
  const std::string key = R"("ts":")";
  std::size_t at = line.find(key);
  absl::Time t = absl::InfinitePast();
  if (at == std::string::npos) return t;
  std::string ts = line.substr(at + key.size(), line.find('"', at + key.size()) - at - key.size());
  std::string error;
  (void)absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", ts, &t, &error);
  return t;
}

class ConnectionFloodTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            absl::StrCat("petition-flood-", getpid(), "-",
                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::create_directories(dir_);
    log_path_ = dir_ + "/gateway.log";
  }
  void TearDown() override {
    gateway_.reset();
    if (!HasFailure()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    } else {
      std::cerr << "gateway log kept in " << log_path_ << "\n";
    }
  }

  // Starts the gateway alone: /healthz needs no upstream.
  void StartGateway(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--host=127.0.0.1",
                                     "--http_port=0",
                                     "--metrics_port=0",
                                     "--jwt_secret=flood-test-secret",
                                     "--internal_secret=" + std::string(64, 'f'),
                                     "--intake_addr=127.0.0.1:1",
                                     "--scheduling_addr=127.0.0.1:1",
                                     "--supervision_addr=127.0.0.1:1"};
    args.insert(args.end(), extra.begin(), extra.end());
    gateway_ = std::make_unique<ChildProcess>(
        "gateway", absl::StrCat(BinaryDir(), "/services/gateway/gateway"), args, log_path_);
    auto ports = gateway_->WaitForPorts(absl::Seconds(30));
    ASSERT_TRUE(ports.ok()) << ports.status();
    port_ = (*ports)["http"];
  }

  int Healthz() {
    auto r = HttpRequest(port_, "GET", "/healthz");
    return r.ok() ? r->status : 0;
  }

  std::uintmax_t LogSize() const {
    std::error_code ec;
    std::uintmax_t size = std::filesystem::file_size(log_path_, ec);
    return ec ? 0 : size;
  }

  std::string dir_;
  std::string log_path_;
  std::unique_ptr<ChildProcess> gateway_;
  int port_ = 0;
};

TEST_F(ConnectionFloodTest, OverTheCapHealthzIsStillAnsweredAndTheLogStaysSmall) {
  constexpr int kCap = 50;
  constexpr int kFlood = 200;
  // A header timeout longer than the test: only the cap makes room.
  StartGateway({absl::StrCat("--max_connections=", kCap), "--header_timeout_ms=120000"});
  std::vector<std::unique_ptr<SlowClient>> flood;
  for (int i = 0; i < kFlood; ++i) {
    flood.push_back(std::make_unique<SlowClient>(port_));
    if (i % 10 == 9) ASSERT_EQ(Healthz(), 200) << "after " << i + 1 << " slow connections";
  }
  for (int i = 0; i < 10; ++i) ASSERT_EQ(Healthz(), 200);

  // The server holds at most kCap of them: the rest were closed to make room.
  int closed = 0;
  Eventually(
      [&] {
        closed = 0;
        for (const auto& client : flood) closed += client->ClosedByServer();
        return closed >= kFlood - kCap;
      },
      absl::Seconds(10));
  EXPECT_GE(closed, kFlood - kCap);
  EXPECT_LT(LogSize(), kLogBound);
}

TEST_F(ConnectionFloodTest, OutOfDescriptorsTheAcceptLoopBacksOffInsteadOfSpinning) {
  // The child inherits a low descriptor limit; the cap is set far above it,
  // so accept itself fails (EMFILE).
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = std::min<rlim_t>(saved.rlim_cur, 96);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  StartGateway({"--max_connections=100000"});
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_EQ(Healthz(), 200);

  constexpr int kFlood = 150;
  std::vector<std::unique_ptr<SlowClient>> flood;
  for (int i = 0; i < kFlood; ++i) flood.push_back(std::make_unique<SlowClient>(port_));

  // Wait for a dozen failed accepts: with the back-off they are at least
  // 100 ms apart; a spinning loop writes its first 20 within milliseconds.
  std::vector<std::string> failures;
  Eventually([&] {
    failures = LinesWith(ReadFile(log_path_), R"("msg":"accept failed")");
    return failures.size() >= 12;
  });
  ASSERT_GE(failures.size(), 12u) << "accept never failed; is the descriptor limit in effect?";
  const absl::Duration span = LineTime(failures.back()) - LineTime(failures.front());
  const double per_second =
      static_cast<double>(failures.size() - 1) / std::max(absl::ToDoubleSeconds(span), 1e-6);
  EXPECT_LE(per_second, 12.0) << failures.size() << " failed accepts in " << span;

  // Once the flood goes, the gateway serves again.
  flood.clear();
  EXPECT_TRUE(Eventually([&] { return Healthz() == 200; }));
  EXPECT_LT(LogSize(), kLogBound);
}

}  // namespace
}  // namespace petition::testing
