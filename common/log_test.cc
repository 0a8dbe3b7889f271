#include "common/log.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace petition::log {
namespace {

using ::testing::HasSubstr;

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetSinkForTesting([this](std::string_view line) { lines_.emplace_back(line); });
  }
  void TearDown() override {
    SetSinkForTesting(nullptr);
    SetRepeatLimit(20, absl::Seconds(1));
  }
  int Count(std::string_view needle) const {
    int n = 0;
    for (const std::string& line : lines_) n += line.find(needle) != std::string::npos;
    return n;
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, RepeatedWarningsAreCappedPerWindowAndSummarised) {
  // A window longer than the test: every line after the first 5 is held back.
  SetRepeatLimit(5, absl::Hours(1));
  for (int i = 0; i < 100000; ++i) Warn("accept failed", {{"error", "Too many open files"}});
  EXPECT_EQ(Count(R"("msg":"accept failed")"), 5);
  // Another message has its own budget.
  Error("upstream refused");
  EXPECT_EQ(Count(R"("msg":"upstream refused")"), 1);
  // Info lines are never limited.
  for (int i = 0; i < 50; ++i) Info("http request");
  EXPECT_EQ(Count(R"("msg":"http request")"), 50);
}

TEST_F(LogTest, TheNextWindowStartsWithACountOfWhatWasSuppressed) {
  SetRepeatLimit(2, absl::Hours(1));
  for (int i = 0; i < 10; ++i) Warn("flood", {{"n", "x"}});
  ASSERT_EQ(Count(R"("msg":"flood")"), 2);
  EXPECT_EQ(Count("suppressed similar lines"), 0);
  // A zero window has always ended: the next line is preceded by the count
  // of the 8 held back.
  SetRepeatLimit(2, absl::ZeroDuration());
  lines_.clear();
  Warn("flood", {{"n", "y"}});
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_THAT(lines_[0], HasSubstr(R"("msg":"suppressed similar lines")"));
  EXPECT_THAT(lines_[0], HasSubstr(R"("key":"flood","suppressed":"8")"));
  EXPECT_THAT(lines_[0], HasSubstr(R"("level":"warn")"));
  EXPECT_THAT(lines_[1], HasSubstr(R"("n":"y")"));
}

}  // namespace
}  // namespace petition::log
