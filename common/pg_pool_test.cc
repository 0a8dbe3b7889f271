#include "common/pg_pool.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/dates.h"
#include "common/testing/eventually.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"

namespace petition {
namespace {

class PgPoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<PgPool> MakePool(int size, absl::Duration timeout = absl::Seconds(3)) {
    PgPool::Options options;
    options.dsn = schema_.dsn();
    options.schema = schema_.name();
    options.size = size;
    options.acquire_timeout = timeout;
    options.statements = {{"insert_item", "INSERT INTO items (id, name) VALUES ($1, $2)"},
                          {"count_items", "SELECT count(*) FROM items"}};
    auto pool = PgPool::Create(options);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }

  void SetUp() override {
    ASSERT_FALSE(schema_.dsn().empty());
    pool_ = MakePool(2);
    ASSERT_NE(pool_, nullptr);
    ASSERT_TRUE(pool_
                    ->Transact([](pqxx::transaction_base& tx) {
                      tx.exec("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)");
                      return absl::OkStatus();
                    })
                    .ok());
  }

  int64_t Count() {
    int64_t n = -1;
    EXPECT_TRUE(pool_
                    ->Read([&](pqxx::transaction_base& tx) {
                      n = tx.exec_prepared1("count_items")[0].as<int64_t>();
                      return absl::OkStatus();
                    })
                    .ok());
    return n;
  }

  testing::ScratchSchema schema_{"pool"};
  std::unique_ptr<PgPool> pool_;
};

TEST_F(PgPoolTest, CommitsOnOkAndRollsBackOnError) {
  ASSERT_TRUE(pool_
                  ->Transact([](pqxx::transaction_base& tx) {
                    tx.exec_prepared("insert_item", 1, "one");
                    return absl::OkStatus();
                  })
                  .ok());
  absl::Status s = pool_->Transact([](pqxx::transaction_base& tx) {
    tx.exec_prepared("insert_item", 2, "two");
    return absl::InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(), 1);
}

TEST_F(PgPoolTest, DatabaseErrorsBecomeStatusAndRollBack) {
  absl::Status s = pool_->Transact([](pqxx::transaction_base& tx) {
    tx.exec_prepared("insert_item", 5, "five");
    tx.exec_prepared("insert_item", 5, "again");
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  s = pool_->Transact([](pqxx::transaction_base& tx) {
    tx.exec("SELECT * FROM no_such_table");
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Count(), 0);
  // The pool is still usable after errors.
  EXPECT_EQ(pool_->in_use(), 0);
}

TEST_F(PgPoolTest, AcquireTimesOutWhenExhausted) {
  auto small = MakePool(1, absl::Milliseconds(50));
  auto held = small->Acquire();
  ASSERT_TRUE(held.ok());
  auto second = small->Acquire();
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

using testing::Eventually;

int BackendPid(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  return tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
}

TEST_F(PgPoolTest, WaitersGetTheConnectionWhenReturned) {
  auto small = MakePool(1, absl::Seconds(30));
  std::optional<PgPool::Lease> held;
  {
    auto lease = small->Acquire();
    ASSERT_TRUE(lease.ok());
    held.emplace(*std::move(lease));
  }
  const int held_pid = BackendPid(held->conn());
  std::atomic<bool> released{false};
  std::atomic<bool> released_before_waking{false};
  std::atomic<int> waiter_pid{0};
  std::thread waiter([&] {
    auto lease = small->Acquire();
    released_before_waking = released.load();
    ASSERT_TRUE(lease.ok()) << lease.status();
    waiter_pid = BackendPid(lease->conn());
  });
  // The waiter is inside Acquire(), blocked, before anything is released.
  ASSERT_TRUE(Eventually([&] { return small->waiting() == 1; }));
  EXPECT_EQ(waiter_pid.load(), 0);
  released = true;
  held.reset();  // hands the connection to the waiter
  waiter.join();
  EXPECT_TRUE(released_before_waking);     // woken by the release, not by a timeout
  EXPECT_EQ(waiter_pid.load(), held_pid);  // and given the very connection released
  EXPECT_EQ(small->waiting(), 0);
  EXPECT_EQ(small->in_use(), 0);
}

TEST_F(PgPoolTest, ARetriedTransactionReturnsWhatOneRunWould) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(pool_
                    ->Transact([&](pqxx::transaction_base& tx) {
                      tx.exec_prepared("insert_item", i, "item");
                      return absl::OkStatus();
                    })
                    .ok());
  }
  // The first run reads the rows, then its connection is killed (an
  // administrator, a failover) before COMMIT: the pool runs the function
  // again on a fresh connection.
  int runs = 0;
  auto names =
      pool_->Transact([&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<std::string>> {
        ++runs;
        std::vector<std::string> out;
        for (const auto& row : tx.exec("SELECT id::text AS id FROM items ORDER BY id")) {
          out.push_back(row["id"].as<std::string>());
        }
        if (runs == 1) {
          pqxx::connection admin(testing::AdminDsn());
          pqxx::nontransaction kill(admin);
          kill.exec("SELECT pg_terminate_backend(" + std::to_string(tx.conn().backendpid()) +
                    ", 10000)");
        }
        tx.exec_prepared("insert_item", 100 + runs, "written by run " + std::to_string(runs));
        return out;
      });
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(*names, (std::vector<std::string>{"1", "2", "3"}));  // not six rows
  EXPECT_EQ(Count(), 4);  // and only the second run's write committed
}

TEST_F(PgPoolTest, ASerializationFailureIsRetriedFromScratch) {
  ASSERT_TRUE(pool_
                  ->Transact([](pqxx::transaction_base& tx) {
                    tx.exec_prepared("insert_item", 1, "first");
                    return absl::OkStatus();
                  })
                  .ok());
  // Two SERIALIZABLE transactions both read and then write the row: the
  // second to commit fails with a serialization failure on its first run.
  pqxx::connection other(schema_.dsn());
  pqxx::work rival(other);
  rival.exec("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
  rival.exec("SET LOCAL search_path TO " + rival.quote_name(schema_.name()));
  rival.exec("SELECT name FROM items WHERE id = 1");
  int runs = 0;
  auto seen = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::StatusOr<std::string> {
    ++runs;
    tx.exec("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
    std::string name = tx.exec1("SELECT name FROM items WHERE id = 1")[0].as<std::string>();
    if (runs == 1) {
      rival.exec("UPDATE items SET name = 'rival' WHERE id = 1");
      rival.commit();
    }
    tx.exec("UPDATE items SET name = name || '+mine' WHERE id = 1");
    return name;
  });
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(*seen, "rival");  // what the successful run read, not the first run's view
  std::string final_name;
  ASSERT_TRUE(pool_
                  ->Read([&](pqxx::transaction_base& tx) {
                    final_name = tx.exec1("SELECT name FROM items WHERE id = 1")[0].c_str();
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(final_name, "rival+mine");
}

TEST_F(PgPoolTest, RetriesAreOptional) {
  TxOptions once;
  once.max_attempts = 1;
  int runs = 0;
  absl::Status s = pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        ++runs;
        pqxx::connection admin(testing::AdminDsn());
        pqxx::nontransaction kill(admin);
        kill.exec("SELECT pg_terminate_backend(" + std::to_string(tx.conn().backendpid()) +
                  ", 10000)");
        tx.exec_prepared("insert_item", 7, "seven");
        return absl::OkStatus();
      },
      once);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Count(), 0);
}

TEST_F(PgPoolTest, ReadIsReadOnly) {
  absl::Status s = pool_->Read([](pqxx::transaction_base& tx) {
    tx.exec_prepared("insert_item", 1, "sneaky");
    return absl::OkStatus();
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().find("INSERT"), absl::string_view::npos);  // no SQL in the message
  EXPECT_EQ(Count(), 0);
  auto mode = pool_->Read([](pqxx::transaction_base& tx) -> absl::StatusOr<std::string> {
    return tx.exec1("SHOW transaction_read_only")[0].as<std::string>();
  });
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(*mode, "on");
}

// The transaction's modes and the call's timeouts go with its BEGIN; each
// holds inside the transaction and ends with it.
TEST_F(PgPoolTest, ATransactionBeginsWithItsModesAndTheCallsTimeouts) {
  TxOptions options;
  options.deadline = absl::Now() + absl::Seconds(30);
  using Settings = std::vector<std::string>;
  auto show = [](pqxx::transaction_base& tx) -> absl::StatusOr<Settings> {
    pqxx::row r = tx.exec1(
        "SELECT current_setting('transaction_isolation'), "
        "current_setting('transaction_read_only'), current_setting('statement_timeout'), "
        "current_setting('lock_timeout'), (SELECT count(*) FROM items)::text");
    Settings out;
    for (const auto& f : r) out.push_back(f.as<std::string>());
    return out;
  };
  auto read = pool_->Read(show, options);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ((*read)[0], "read committed");
  EXPECT_EQ((*read)[1], "on");
  EXPECT_TRUE(absl::EndsWith((*read)[2], "s")) << (*read)[2];  // about 30s, in its units
  EXPECT_NE((*read)[2], "0");
  EXPECT_EQ((*read)[2], (*read)[3]);
  auto write = pool_->Transact(show, options);
  ASSERT_TRUE(write.ok()) << write.status();
  EXPECT_EQ((*write)[1], "off");
  EXPECT_NE((*write)[2], "0");
  // Without a deadline: no timeout, and nothing left over from the last one.
  auto plain = pool_->Transact(show);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ((*plain)[2], "0");
  EXPECT_EQ((*plain)[3], "0");
}

TEST_F(PgPoolTest, ATransactionPastItsDeadlineWhileBlockedCommitsNothing) {
  ASSERT_TRUE(pool_
                  ->Transact([](pqxx::transaction_base& tx) {
                    tx.exec_prepared("insert_item", 1, "one");
                    return absl::OkStatus();
                  })
                  .ok());
  // Another connection holds the row's lock for the whole test.
  pqxx::connection other(schema_.dsn());
  pqxx::work holder(other);
  holder.exec("SET LOCAL search_path TO " + holder.quote_name(schema_.name()));
  holder.exec("SELECT * FROM items WHERE id = 1 FOR UPDATE");

  TxOptions options;
  options.deadline = absl::Now() + absl::Milliseconds(300);
  const absl::Time started = absl::Now();
  absl::Status s = pool_->Transact(
      [](pqxx::transaction_base& tx) {
        tx.exec_prepared("insert_item", 2, "two");
        tx.exec("UPDATE items SET name = 'changed' WHERE id = 1");  // waits for the lock
        return absl::OkStatus();
      },
      options);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_LT(absl::Now() - started, absl::Seconds(5));  // it did not wait for the holder
  holder.abort();
  EXPECT_EQ(Count(), 1);  // item 2 was not committed
  EXPECT_EQ(pool_->in_use(), 0);
}

TEST_F(PgPoolTest, NothingCommitsOnceTheDeadlineHasPassedOrTheCallerLeft) {
  TxOptions options;
  options.deadline = absl::Now() + absl::Milliseconds(50);
  absl::Status s = pool_->Transact(
      [&](pqxx::transaction_base& tx) {
        tx.exec_prepared("insert_item", 3, "three");
        // The work took longer than the caller would wait.
        absl::SleepFor(options.deadline - absl::Now() + absl::Milliseconds(1));
        return absl::OkStatus();
      },
      options);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;

  TxOptions cancelled;
  cancelled.cancelled = [] { return true; };
  s = pool_->Transact(
      [](pqxx::transaction_base& tx) {
        tx.exec_prepared("insert_item", 4, "four");
        return absl::OkStatus();
      },
      cancelled);
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled) << s;

  TxOptions past;
  past.deadline = absl::Now() - absl::Seconds(1);
  int runs = 0;
  s = pool_->Transact(
      [&](pqxx::transaction_base&) {
        ++runs;
        return absl::OkStatus();
      },
      past);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(Count(), 0);
}

TEST_F(PgPoolTest, TimestampsRoundTripThroughTimestamptz) {
  const absl::Time t = absl::FromUnixMicros(1772416800123456);
  auto back = pool_->Read([&](pqxx::transaction_base& tx) -> absl::StatusOr<absl::Time> {
    pqxx::row row = tx.exec1("SELECT " + tx.quote(SqlTimestamp(t)) + "::timestamptz AS at");
    return ParseSqlTimestamp(row["at"].c_str());
  });
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, t);
}

TEST_F(PgPoolTest, BrokenConnectionsAreReplaced) {
  int pid = 0;
  ASSERT_TRUE(pool_
                  ->Read([&](pqxx::transaction_base& tx) {
                    pid = tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
                    return absl::OkStatus();
                  })
                  .ok());
  // Kill every connection the pool has open (an administrator, a failover).
  {
    pqxx::connection admin(testing::AdminDsn());
    pqxx::nontransaction tx(admin);
    tx.exec(
        "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE pid <> "
        "pg_backend_pid() AND query NOT LIKE '%pg_stat_activity%' AND pid = " +
        std::to_string(pid));
  }
  int new_pid = 0;
  absl::Status s = pool_->Read([&](pqxx::transaction_base& tx) {
    new_pid = tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_NE(new_pid, pid);
  EXPECT_EQ(Count(), 0);  // prepared statements exist on the new connection too
}

TEST(PgPoolCreateTest, UnreachableDatabaseIsUnavailable) {
  PgPool::Options options;
  options.dsn = "host=127.0.0.1 port=1 dbname=x user=x connect_timeout=2";
  auto pool = PgPool::Create(options);
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace petition
