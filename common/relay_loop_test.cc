#include "common/relay_loop.h"

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"
#include "common/migrations.h"
#include "common/session_lock.h"
#include "common/testing/eventually.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"

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

// A relay of a table `work` whose trigger notifies as the services' outbox triggers do, on a
// real PostgreSQL.
class ListeningRelayTest : public ::testing::Test {
 protected:
  static constexpr char kTryLock[] = "relay_loop_test_try_lock";
  // Its text is this test's own: pg_stat_activity shows which sessions ran it.
  static constexpr char kTryLockSql[] =
      "SELECT pg_try_advisory_lock(hashtext('relay_loop_test.' || current_schema())) AS locked";

  void SetUp() override {
    pool_ = testing::MigratedPool(
        schema_,
        {{1, "0001_work.sql",
          "CREATE TABLE work (id bigserial PRIMARY KEY, done boolean NOT NULL DEFAULT false);"
          "CREATE FUNCTION notify_relay() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          "PERFORM pg_notify(TG_ARGV[0], TG_TABLE_SCHEMA); RETURN NULL; END $$;"
          "CREATE TRIGGER work_notify AFTER INSERT ON work FOR EACH STATEMENT "
          "EXECUTE FUNCTION notify_relay('relay_loop_test');"}},
        {{kTryLock, kTryLockSql}});
    ASSERT_NE(pool_, nullptr);
  }

  // A relay marking rows done; `batches` counts its batches.
  std::unique_ptr<RelayLoop> Relay(RelayLoop::Options options, std::atomic<int>* batches,
                                   std::atomic<int>* tries = nullptr) {
    options.channel = "relay_loop_test";
    return std::make_unique<RelayLoop>(
        "test relay",
        [this, tries] {
          if (tries != nullptr) ++*tries;
          return SessionLock::TryAcquire(*pool_, kTryLock, "the test relay");
        },
        [this, batches]() -> absl::StatusOr<RelayLoop::Batch> {
          ++*batches;
          absl::Status s = pool_->Transact([](pqxx::transaction_base& tx) {
            tx.exec("UPDATE work SET done = true WHERE NOT done");
            return absl::OkStatus();
          });
          if (!s.ok()) return s;
          return RelayLoop::Batch{};
        },
        options);
  }

  // From a connection of its own, as another process would.
  void Exec(const std::string& sql) {
    pqxx::connection conn(schema_.dsn());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO " + tx.quote_name(schema_.name()));
    tx.exec(sql);
  }
  int64_t Count(const std::string& sql) {
    pqxx::connection conn(schema_.dsn());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO " + tx.quote_name(schema_.name()));
    return tx.exec1(sql)[0].as<int64_t>();
  }

  testing::ScratchSchema schema_{"relay_loop"};
  std::unique_ptr<PgPool> pool_;
};

TEST_F(ListeningRelayTest, ARowCommittedElsewhereWakesTheRelayWithoutPollOrWake) {
  std::atomic<int> batches{0};
  RelayLoop::Options options;
  options.idle_poll = absl::Hours(1);  // no poll in this test's lifetime
  auto relay = Relay(options, &batches);
  relay->Start();
  // The first batch runs at start, after LISTEN: from then on the relay sleeps.
  ASSERT_TRUE(testing::Eventually([&] { return batches.load() == 1; }));
  Exec("INSERT INTO work DEFAULT VALUES");
  // Well before any safety net: only the notification can have run this batch.
  ASSERT_TRUE(testing::Eventually(
      [&] { return Count("SELECT count(*) FROM work WHERE done") == 1; }, absl::Seconds(20)));
  // Another schema's notification on the same channel is not this relay's work.
  const int after = batches.load();
  {
    pqxx::connection conn(schema_.dsn());
    pqxx::nontransaction tx(conn);
    tx.exec("SELECT pg_notify('relay_loop_test', 'some_other_schema')");
  }
  Exec("INSERT INTO work DEFAULT VALUES");
  ASSERT_TRUE(testing::Eventually(
      [&] { return Count("SELECT count(*) FROM work WHERE done") == 2; }, absl::Seconds(20)));
  EXPECT_EQ(batches.load(), after + 1);  // the other schema's woke nothing
  relay->Stop();
}

TEST_F(ListeningRelayTest, StopEndsTheWaitPromptly) {
  std::atomic<int> batches{0};
  RelayLoop::Options options;
  options.idle_poll = absl::Hours(1);
  auto relay = Relay(options, &batches);
  relay->Start();
  ASSERT_TRUE(testing::Eventually([&] { return batches.load() == 1; }));
  const absl::Time start = absl::Now();
  relay->Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(20));
}

TEST_F(ListeningRelayTest, AStandbyTriesTheLockOnOneConnectionAndTakesOverWhenItIsFree) {
  std::atomic<int> holder_batches{0};
  std::atomic<int> standby_batches{0};
  std::atomic<int> standby_tries{0};
  RelayLoop::Options options;
  options.idle_poll = absl::Hours(1);
  options.standby_poll = absl::Milliseconds(5);
  auto holder = Relay(options, &holder_batches);
  holder->Start();
  ASSERT_TRUE(testing::Eventually([&] { return holder_batches.load() == 1; }));
  auto standby = Relay(options, &standby_batches, &standby_tries);
  standby->Start();
  // The sessions whose last statement was the try (the holder has run others since).
  const std::string sessions = std::string(
                                   "SELECT count(*) * 1000000 + max(pid) FROM pg_stat_activity "
                                   "WHERE query = $q$") +
                               kTryLockSql + "$q$";
  ASSERT_TRUE(testing::Eventually([&] { return standby_tries.load() >= 2; }));
  const int64_t first = Count(sessions);
  // Many tries later it is still the one session it was: no new connection per try.
  ASSERT_TRUE(testing::Eventually([&] { return standby_tries.load() >= 30; }));
  EXPECT_EQ(first / 1000000, 1);
  EXPECT_EQ(Count(sessions), first);
  EXPECT_EQ(standby_batches.load(), 0);
  // The holder stops (or dies): the standby takes over, and listens in turn.
  holder->Stop();
  ASSERT_TRUE(testing::Eventually([&] { return standby_batches.load() == 1; }));
  Exec("INSERT INTO work DEFAULT VALUES");
  ASSERT_TRUE(testing::Eventually(
      [&] { return Count("SELECT count(*) FROM work WHERE done") == 1; }, absl::Seconds(20)));
  standby->Stop();
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
