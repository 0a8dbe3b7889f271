#include "common/log.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

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

// The queue between the callers and the writer thread, with an output that stops (a full disk,
// a log collector that no longer reads) until the test lets it go on.
class LogQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Flush();
    SetOutputForTesting([this](std::string_view batch) {
      {
        absl::MutexLock lock(&mu_);
        written_ += batch;
      }
      if (!stuck_.HasBeenNotified()) {
        stuck_.Notify();
        go_on_.WaitForNotification();
      }
    });
  }
  void TearDown() override {
    if (!go_on_.HasBeenNotified()) go_on_.Notify();
    Flush();
    SetOutputForTesting(nullptr);
    SetQueueCapacityForTesting(0);
  }
  int Count(std::string_view needle) {
    absl::MutexLock lock(&mu_);
    int n = 0;
    for (size_t at = written_.find(needle); at != std::string::npos;
         at = written_.find(needle, at + 1)) {
      ++n;
    }
    return n;
  }
  absl::Mutex mu_;
  std::string written_ ABSL_GUARDED_BY(mu_);
  absl::Notification stuck_;
  absl::Notification go_on_;
};

TEST_F(LogQueueTest, LinesAreWrittenByTheWriterThreadAndFlushWaitsForThem) {
  go_on_.Notify();  // an output that never stops
  for (int i = 0; i < 1000; ++i) Info("queued", {{"n", std::to_string(i)}});
  Flush();
  EXPECT_EQ(Count(R"("msg":"queued")"), 1000);
  EXPECT_EQ(Count(R"("n":"999"})"), 1);
  EXPECT_EQ(Count("log lines dropped"), 0);
}

TEST_F(LogQueueTest, AFullQueueDropsInfoAtOnceWarningsAfterABriefWaitAndCountsBoth) {
  auto registry = std::make_shared<prometheus::Registry>();
  ExportMetrics(registry);
  SetQueueCapacityForTesting(4);
  Info("first");  // taken by the writer, whose output then stops
  stuck_.WaitForNotification();
  for (int i = 0; i < 4; ++i) Info("queued");  // the queue is full
  const int64_t info_before = DroppedLines(Level::kInfo);
  const int64_t error_before = DroppedLines(Level::kError);

  for (int i = 0; i < 3; ++i) Info("dropped");
  EXPECT_EQ(DroppedLines(Level::kInfo) - info_before, 3);

  // An error waits for room, a little, and is dropped only then: the caller is never stuck.
  const absl::Time error_start = absl::Now();
  Error("no room");
  const absl::Duration error_took = absl::Now() - error_start;
  EXPECT_EQ(DroppedLines(Level::kError) - error_before, 1);
  EXPECT_GE(error_took, absl::Milliseconds(50));
  EXPECT_LT(error_took, absl::Seconds(10));

  // The counter says the same.
  double dropped_info = -1;
  for (const auto& family : registry->Collect()) {
    if (family.name != "petition_log_lines_dropped_total") continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == "level" && label.value == "info") dropped_info = metric.counter.value;
      }
    }
  }
  EXPECT_EQ(dropped_info, static_cast<double>(DroppedLines(Level::kInfo)));

  // Room again: what was queued is written, then the log says lines are missing.
  go_on_.Notify();
  Flush();
  EXPECT_EQ(Count(R"("msg":"first")"), 1);
  EXPECT_EQ(Count(R"("msg":"queued")"), 4);
  EXPECT_EQ(Count(R"("msg":"dropped")"), 0);
  EXPECT_EQ(Count(R"("msg":"no room")"), 0);
  EXPECT_EQ(Count(R"("msg":"log lines dropped","dropped":"4")"), 1);
  absl::MutexLock lock(&mu_);
  EXPECT_LT(written_.find(R"("msg":"queued")"), written_.find("log lines dropped"));
}

}  // namespace
}  // namespace petition::log
