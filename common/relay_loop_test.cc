#include "common/relay_loop.h"

#include <atomic>
#include <vector>

#include "absl/random/random.h"
#include "common/testing/eventually.h"
#include "gtest/gtest.h"

namespace petition {
namespace {

TEST(BackoffWithJitter, DoublesWithinHalfAndCapsAtMax) {
  absl::BitGen random;
  const absl::Duration min = absl::Milliseconds(100);
  const absl::Duration max = absl::Seconds(1);
  for (int round = 0; round < 200; ++round) {
    for (int attempt = 1; attempt <= 8; ++attempt) {
      absl::Duration full = min;
      for (int i = 1; i < attempt; ++i) full = std::min(full * 2, max);
      const absl::Duration d = BackoffWithJitter(attempt, min, max, random);
      EXPECT_GE(d, full / 2) << attempt;
      EXPECT_LE(d, full) << attempt;
    }
  }
}

TEST(BackoffWithJitter, SpreadsRetriesOfOneAttempt) {
  absl::BitGen random;
  std::vector<absl::Duration> seen;
  for (int i = 0; i < 20; ++i) {
    seen.push_back(BackoffWithJitter(3, absl::Seconds(1), absl::Seconds(60), random));
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_LT(seen.front(), seen.back()) << "twenty retries at the same moment";
}

TEST(BackoffWithJitter, ZeroMinIsNoWait) {
  absl::BitGen random;
  EXPECT_EQ(BackoffWithJitter(5, absl::ZeroDuration(), absl::Seconds(1), random),
            absl::ZeroDuration());
  EXPECT_EQ(BackoffWithJitter(1000000, absl::Milliseconds(1), absl::Seconds(2), random) <=
                absl::Seconds(2),
            true);
}

TEST(RelayLoop, RunsFullBatchesAtOnceAndWakesForNewWork) {
  std::atomic<int> batches{0};
  std::atomic<int> backlog{3};  // three full batches, then drained
  RelayLoop::Options options;
  options.idle_poll = absl::Hours(1);  // only Wake() brings the next batch
  RelayLoop loop(
      "test relay", nullptr,
      [&]() -> absl::StatusOr<RelayLoop::Batch> {
        ++batches;
        RelayLoop::Batch b;
        if (backlog > 0) {
          --backlog;
          b.more = true;
        }
        return b;
      },
      options);
  loop.Start();
  ASSERT_TRUE(testing::Eventually([&] { return batches.load() == 4; }));
  backlog = 1;
  loop.Wake();
  ASSERT_TRUE(testing::Eventually([&] { return batches.load() == 6; }));
  loop.Stop();
  EXPECT_EQ(batches.load(), 6);
}

TEST(RelayLoop, BacksOffWhileBatchesFailAndStopsPromptly) {
  std::atomic<int> batches{0};
  RelayLoop::Options options;
  options.idle_poll = absl::Hours(1);
  options.min_backoff = absl::Milliseconds(1);
  options.max_backoff = absl::Milliseconds(4);
  RelayLoop loop(
      "test relay", nullptr,
      [&]() -> absl::StatusOr<RelayLoop::Batch> {
        if (++batches < 5) return absl::UnavailableError("no database");
        RelayLoop::Batch b;
        b.failed = batches < 8;
        return b;
      },
      options);
  bool on_stop_ran = false;
  loop.set_on_stop([&] { on_stop_ran = true; });
  loop.Start();
  // Failures are retried without any Wake(); success then idles for an hour.
  ASSERT_TRUE(testing::Eventually([&] { return batches.load() == 8; }));
  const absl::Time before = absl::Now();
  loop.Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(5));
  EXPECT_TRUE(loop.stopping());
  EXPECT_TRUE(on_stop_ran);
  EXPECT_EQ(batches.load(), 8);
}

}  // namespace
}  // namespace petition
