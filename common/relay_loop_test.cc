#include "common/relay_loop.h"

#include <atomic>
#include <map>
#include <string>
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

TEST(IsPermanentDeliveryError, OnlyRefusalsOfTheEventItselfArePermanent) {
  for (absl::Status s :
       {absl::UnavailableError("down"), absl::UnimplementedError("old version"),
        absl::DeadlineExceededError("slow"), absl::InternalError("bug"),
        absl::UnauthenticatedError("misconfigured"), absl::ResourceExhaustedError("busy"),
        absl::AbortedError("conflict"), absl::CancelledError("stopping")}) {
    EXPECT_FALSE(IsPermanentDeliveryError(s)) << s;
  }
  for (absl::Status s : {absl::InvalidArgumentError("bad"), absl::FailedPreconditionError("order"),
                         absl::OutOfRangeError("range"), absl::DataLossError("garbled"),
                         absl::NotFoundError("no such case")}) {
    EXPECT_TRUE(IsPermanentDeliveryError(s)) << s;
  }
}

// A receiver that answers each row as `answers` says (OK when absent), and
// the marks the batch made, in order.
struct FakeOutbox {
  std::map<size_t, absl::Status> answers;
  std::vector<std::string> marks;
  int calls = 0;

  OutboxBatchOps Ops() {
    OutboxBatchOps ops;
    ops.deliver = [this](size_t from, size_t to) {
      ++calls;
      for (size_t i = from; i < to; ++i) {
        if (auto it = answers.find(i); it != answers.end()) return it->second;
      }
      return absl::OkStatus();
    };
    ops.mark_delivered = [this](size_t from, size_t to) {
      marks.push_back("delivered " + std::to_string(from) + "-" + std::to_string(to));
      return absl::OkStatus();
    };
    ops.mark_failed = [this](size_t from, size_t to, const std::string&) {
      marks.push_back("failed " + std::to_string(from) + "-" + std::to_string(to));
      return absl::OkStatus();
    };
    ops.park = [this](size_t i, const std::string& error) {
      marks.push_back("parked " + std::to_string(i) + ": " + error);
      return absl::OkStatus();
    };
    return ops;
  }
};

TEST(RelayOrderedBatch, ABatchTakenWholeIsMarkedInOneWrite) {
  FakeOutbox outbox;
  auto r = RelayOrderedBatch(5, outbox.Ops());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 5);
  EXPECT_FALSE(r->failed);
  EXPECT_EQ(outbox.calls, 1);
  EXPECT_EQ(outbox.marks, std::vector<std::string>{"delivered 0-5"});
}

TEST(RelayOrderedBatch, AReceiverDownFailsTheWholeBatch) {
  FakeOutbox outbox;
  outbox.answers[2] = absl::UnavailableError("down");
  auto r = RelayOrderedBatch(4, outbox.Ops());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->failed);
  EXPECT_EQ(r->delivered, 0);
  EXPECT_EQ(outbox.marks, std::vector<std::string>{"failed 0-4"});
}

TEST(RelayOrderedBatch, AnEventTheReceiverDoesNotKnowIsParkedAndTheRestGoInOrder) {
  FakeOutbox outbox;
  outbox.answers[1] = absl::NotFoundError("no such case");
  auto r = RelayOrderedBatch(3, outbox.Ops());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->failed);
  EXPECT_EQ(r->delivered, 2);
  EXPECT_EQ(r->parked, 1);
  EXPECT_EQ(outbox.marks,
            (std::vector<std::string>{"delivered 0-1", "parked 1: NOT_FOUND: no such case",
                                      "delivered 2-3"}));
}

TEST(RelayOrderedBatch, AFailureForNowAfterARefusalLeavesTheRestPending) {
  FakeOutbox outbox;
  outbox.answers[0] = absl::InvalidArgumentError("bad");
  auto ops = outbox.Ops();
  // The receiver goes down after refusing the first event.
  int call = 0;
  auto deliver = ops.deliver;
  ops.deliver = [&](size_t from, size_t to) {
    if (++call >= 3) return absl::UnavailableError("down");
    return deliver(from, to);
  };
  auto r = RelayOrderedBatch(4, ops);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->failed);
  EXPECT_EQ(r->parked, 1);
  EXPECT_EQ(r->delivered, 0);
  EXPECT_EQ(outbox.marks,
            (std::vector<std::string>{"parked 0: INVALID_ARGUMENT: bad", "failed 1-4"}));
}

TEST(RelayOrderedBatch, ADatabaseErrorWhileMarkingEndsTheBatchWithIt) {
  FakeOutbox outbox;
  auto ops = outbox.Ops();
  ops.mark_delivered = [](size_t, size_t) { return absl::UnavailableError("database gone"); };
  auto r = RelayOrderedBatch(2, ops);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace petition
