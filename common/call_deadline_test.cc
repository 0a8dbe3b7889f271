#include "common/call_deadline.h"

#include "gtest/gtest.h"

namespace petition {
namespace {

// A call with a deadline is covered end to end in
// services/scheduling/service/scheduling_service_test.cc.
TEST(CallDeadlineTest, ACallWithoutDeadlineBindsNothing) {
  grpc::ServerContext context;  // no call behind it: no deadline, not cancelled
  EXPECT_EQ(DeadlineOf(context), absl::InfiniteFuture());
  TxOptions options = TxOptionsFor(context);
  EXPECT_EQ(options.deadline, absl::InfiniteFuture());
  ASSERT_TRUE(options.cancelled);
  EXPECT_FALSE(options.cancelled());
}

}  // namespace
}  // namespace petition
