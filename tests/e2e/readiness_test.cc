// Readiness and graceful stop of a real service binary: its gRPC health
// follows its database (NOT_SERVING while PostgreSQL refuses connections or
// hangs, SERVING again when it is back; "liveness" stays SERVING), and on
// SIGTERM it reports NOT_SERVING while still answering for the drain delay,
// then exits.
#include <csignal>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "common/testing/pg_test_env.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"
#include "tests/support/tcp_proxy.h"

namespace petition::testing {
namespace {

// "key=value" from a libpq DSN; "" when absent.
std::string DsnValue(const std::string& dsn, const std::string& key) {
  size_t at = dsn.find(key + "=");
  if (at == std::string::npos) return "";
  at += key.size() + 1;
  return dsn.substr(at, dsn.find(' ', at) - at);
}

enum class Health { kServing, kNotServing, kUnreachable };

// grpc.health.v1.Health/Check for `service` ("" is the server as a whole).
Health Check(int port, const std::string& service = "") {
  grpc::GenericStub stub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  // HealthCheckRequest{service}: field 1, length-delimited.
  std::string bytes;
  if (!service.empty()) bytes = absl::StrCat("\x0a", std::string(1, char(service.size())), service);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   status = s;
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) return Health::kUnreachable;
  std::vector<grpc::Slice> slices;
  (void)response.Dump(&slices);
  std::string out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out == "\x08\x01" ? Health::kServing : Health::kNotServing;
}

// Polls (bounded) until the health is `want`.
bool AwaitHealth(int port, Health want, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (Check(port) == want) return true;
    absl::SleepFor(absl::Milliseconds(20));  // polling a condition, bounded
  }
  return false;
}

class ReadinessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string admin = AdminDsn();
    ASSERT_FALSE(admin.empty());
    auto proxy = TcpProxy::Start(DsnValue(admin, "host"), std::stoi(DsnValue(admin, "port")));
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = *std::move(proxy);
    log_ = absl::StrCat(::testing::TempDir(), "/readiness_", db_.name(), ".log");
  }

  // scheduling on its scratch database, through the proxy.
  std::unique_ptr<ChildProcess> StartScheduling(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--host=127.0.0.1",
                                     "--grpc_port=0",
                                     "--metrics_port=0",
                                     "--pg_pool_size=2",
                                     "--internal_secret=" + HexEncode(RandomBytes(32)),
                                     absl::StrCat("--pg_dsn=", db_.DsnFor("scheduling"),
                                                  " host=127.0.0.1 port=", proxy_->port()),
                                     "--db_probe_interval_ms=50",
                                     "--db_probe_timeout_ms=300"};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<ChildProcess>(
        "scheduling", absl::StrCat(BinaryDir(), "/services/scheduling/scheduling"), args, log_);
  }

  ScratchDatabase db_{"ready"};
  std::unique_ptr<TcpProxy> proxy_;
  std::string log_;
};

TEST_F(ReadinessTest, HealthFollowsTheDatabase) {
  auto process = StartScheduling({});
  auto ports = process->WaitForPorts(absl::Seconds(60));
  ASSERT_TRUE(ports.ok()) << ports.status();
  const int port = (*ports)["grpc"];
  ASSERT_TRUE(AwaitHealth(port, Health::kServing)) << process->LogTail();

  proxy_->SetMode(TcpProxy::Mode::kHang);  // PostgreSQL paused: connections open, no answers
  EXPECT_TRUE(AwaitHealth(port, Health::kNotServing)) << process->LogTail();
  EXPECT_EQ(Check(port, "liveness"), Health::kServing);  // the process itself is fine
  proxy_->SetMode(TcpProxy::Mode::kForward);
  EXPECT_TRUE(AwaitHealth(port, Health::kServing)) << process->LogTail();

  proxy_->SetMode(TcpProxy::Mode::kRefuse);  // PostgreSQL down
  EXPECT_TRUE(AwaitHealth(port, Health::kNotServing)) << process->LogTail();
  proxy_->SetMode(TcpProxy::Mode::kForward);
  EXPECT_TRUE(AwaitHealth(port, Health::kServing)) << process->LogTail();
  EXPECT_EQ(process->Stop(), 0);
}

TEST_F(ReadinessTest, StopSaysNotServingThroughTheDrainThenExits) {
  auto process = StartScheduling({"--shutdown_drain_ms=3000"});
  auto ports = process->WaitForPorts(absl::Seconds(60));
  ASSERT_TRUE(ports.ok()) << ports.status();
  const int port = (*ports)["grpc"];
  ASSERT_TRUE(AwaitHealth(port, Health::kServing)) << process->LogTail();
  process->Signal(SIGTERM);
  // Still answering, but no longer ready: load balancers stop sending.
  EXPECT_TRUE(AwaitHealth(port, Health::kNotServing, absl::Seconds(3))) << process->LogTail();
  EXPECT_EQ(process->Stop(), 0) << process->LogTail();
  EXPECT_EQ(Check(port), Health::kUnreachable);
}

}  // namespace
}  // namespace petition::testing
