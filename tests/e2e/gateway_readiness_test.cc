// The gateway's /readyz against the real binaries: 503 only when a service
// it cannot serve without (intake, scheduling) is down; supervision's absence
// is reported as degraded with 200. Every answer comes within the probe
// bound, never hangs.
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "common/testing/eventually.h"
#include "gtest/gtest.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

class GatewayReadinessTest : public StackTest<GatewayReadinessTest> {
 public:
  static constexpr char kStackName[] = "gateway_readiness";

 protected:
  void StopService(const std::string& service) { stack_->Stop(service); }

  // Polls /readyz until its body holds `needle`, each answer within the
  // bound; the last answer.
  HttpResponse AwaitReadyz(const std::string& needle) {
    HttpResponse last;
    const bool seen = Eventually([&] {
      const absl::Time start = absl::Now();
      auto r = stack_->Call("GET", "/readyz");
      EXPECT_TRUE(r.ok()) << r.status();
      EXPECT_LT(absl::Now() - start, absl::Seconds(3)) << "/readyz took too long";
      if (!r.ok()) return true;  // reported above; stop polling
      last = *r;
      return last.body.find(needle) != std::string::npos;
    });
    EXPECT_TRUE(seen) << "/readyz never said " << needle << "; last: " << last.body;
    return last;
  }
};

TEST_F(GatewayReadinessTest, AllUpIsReady) {
  HttpResponse r = AwaitReadyz(R"("supervision":"up")");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ready","dependencies":{"intake":"up","scheduling":"up",)"
                    R"("supervision":"up"}})");
}

TEST_F(GatewayReadinessTest, WithoutSupervisionTheGatewayIsReadyButDegraded) {
  StopService("supervision");
  HttpResponse r = AwaitReadyz(R"("supervision":"degraded")");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("status":"ready")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("intake":"up")"), std::string::npos) << r.body;
}

TEST_F(GatewayReadinessTest, WithoutIntakeTheGatewayIsNotReady) {
  StopService("intake");
  HttpResponse r = AwaitReadyz(R"("intake":"down")");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find(R"("status":"not_ready")"), std::string::npos) << r.body;
  // It comes back with intake.
  ASSERT_TRUE(stack_->Restart("intake").ok());
  EXPECT_EQ(AwaitReadyz(R"("intake":"up")").status, 200);
}

TEST_F(GatewayReadinessTest, WithoutSchedulingTheGatewayIsNotReady) {
  StopService("scheduling");
  HttpResponse r = AwaitReadyz(R"("scheduling":"down")");
  EXPECT_EQ(r.status, 503) << r.body;
}

}  // namespace
}  // namespace petition::testing
