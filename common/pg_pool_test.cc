#include "common/pg_pool.h"

#include <thread>

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
                    ->Transact([](pqxx::work& tx) {
                      tx.exec("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)");
                      return absl::OkStatus();
                    })
                    .ok());
  }

  int64_t Count() {
    int64_t n = -1;
    EXPECT_TRUE(pool_
                    ->Read([&](pqxx::work& tx) {
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
                  ->Transact([](pqxx::work& tx) {
                    tx.exec_prepared("insert_item", 1, "one");
                    return absl::OkStatus();
                  })
                  .ok());
  absl::Status s = pool_->Transact([](pqxx::work& tx) {
    tx.exec_prepared("insert_item", 2, "two");
    return absl::InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(), 1);
}

TEST_F(PgPoolTest, DatabaseErrorsBecomeStatusAndRollBack) {
  absl::Status s = pool_->Transact([](pqxx::work& tx) {
    tx.exec_prepared("insert_item", 5, "five");
    tx.exec_prepared("insert_item", 5, "again");
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  s = pool_->Transact([](pqxx::work& tx) {
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

TEST_F(PgPoolTest, WaitersGetTheConnectionWhenReturned) {
  auto small = MakePool(1, absl::Seconds(10));
  std::optional<PgPool::Lease> held;
  {
    auto lease = small->Acquire();
    ASSERT_TRUE(lease.ok());
    held.emplace(*std::move(lease));
  }
  std::thread waiter([&] {
    auto lease = small->Acquire();
    EXPECT_TRUE(lease.ok());
  });
  held.reset();  // hands the connection to the waiter
  waiter.join();
  EXPECT_EQ(small->in_use(), 0);
}

TEST_F(PgPoolTest, BrokenConnectionsAreReplaced) {
  int pid = 0;
  ASSERT_TRUE(pool_
                  ->Read([&](pqxx::work& tx) {
                    pid = tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
                    return absl::OkStatus();
                  })
                  .ok());
  // Kill every connection the pool has open (an administrator, a failover).
  {
    pqxx::connection admin(testing::AdminDsn());
    pqxx::nontransaction tx(admin);
    tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> "
        "pg_backend_pid() AND query NOT LIKE '%pg_stat_activity%' AND pid = " +
        std::to_string(pid));
  }
  int new_pid = 0;
  absl::Status s = pool_->Read([&](pqxx::work& tx) {
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
