#include "common/migrations.h"

#include <thread>

#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"

namespace petition {
namespace {

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(schema_.dsn().empty()); }

  std::unique_ptr<pqxx::connection> Connect() {
    return std::make_unique<pqxx::connection>(schema_.dsn());
  }

  std::vector<std::string> Recorded() {
    auto conn = Connect();
    pqxx::nontransaction tx(*conn);
    std::vector<std::string> names;
    for (const auto& row : tx.exec("SELECT name FROM " + tx.quote_name(schema_.name()) +
                                   ".schema_migrations ORDER BY version")) {
      names.push_back(row[0].as<std::string>());
    }
    return names;
  }

  testing::ScratchSchema schema_{"mig"};
  std::vector<Migration> migrations_ = {
      {1, "0001_items.sql", "CREATE TABLE items (id int PRIMARY KEY);"},
      {2, "0002_more.sql",
       "ALTER TABLE items ADD COLUMN name text; INSERT INTO items VALUES (1, 'a');"},
  };
};

TEST_F(MigrationsTest, AppliesInOrderOnceAndRecords) {
  auto conn = Connect();
  int applied = 0;
  ASSERT_TRUE(ApplyMigrations(*conn, schema_.name(), migrations_, &applied).ok());
  EXPECT_EQ(applied, 2);
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001_items.sql", "0002_more.sql"}));
  ASSERT_TRUE(ApplyMigrations(*conn, schema_.name(), migrations_, &applied).ok());
  EXPECT_EQ(applied, 0);
  // Tables landed in the service's schema, not in public.
  pqxx::nontransaction tx(*conn);
  EXPECT_EQ(
      tx.exec1("SELECT count(*) FROM " + tx.quote_name(schema_.name()) + ".items")[0].as<int>(), 1);
}

TEST_F(MigrationsTest, NewFilesApplyLater) {
  auto conn = Connect();
  std::vector<Migration> first(migrations_.begin(), migrations_.begin() + 1);
  ASSERT_TRUE(ApplyMigrations(*conn, schema_.name(), first).ok());
  int applied = 0;
  ASSERT_TRUE(ApplyMigrations(*conn, schema_.name(), migrations_, &applied).ok());
  EXPECT_EQ(applied, 1);
}

TEST_F(MigrationsTest, ChangedAppliedFileIsAStartupError) {
  auto conn = Connect();
  ASSERT_TRUE(ApplyMigrations(*conn, schema_.name(), migrations_).ok());
  migrations_[0].sql = "CREATE TABLE items (id bigint PRIMARY KEY);";
  absl::Status s = ApplyMigrations(*conn, schema_.name(), migrations_);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("0001_items.sql"), std::string::npos);
}

TEST_F(MigrationsTest, FailedFileIsRolledBackAndNotRecorded) {
  auto conn = Connect();
  migrations_.push_back({3, "0003_bad.sql", "CREATE TABLE other (x int); SELECT nonsense();"});
  int applied = 0;
  absl::Status s = ApplyMigrations(*conn, schema_.name(), migrations_, &applied);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(applied, 2);
  EXPECT_EQ(Recorded().size(), 2u);
  pqxx::nontransaction tx(*conn);
  EXPECT_EQ(tx.exec1("SELECT to_regclass(" + tx.quote(schema_.name() + ".other") + ") IS NULL")[0]
                .as<bool>(),
            true);
}

TEST_F(MigrationsTest, VersionsMustAscend) {
  std::vector<Migration> bad = {{2, "0002_a.sql", "SELECT 1"}, {2, "0002_b.sql", "SELECT 1"}};
  EXPECT_EQ(ValidateMigrations(bad).code(), absl::StatusCode::kFailedPrecondition);
  bad[1].version = 1;
  EXPECT_EQ(ValidateMigrations(bad).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(MigrationsTest, ConcurrentReplicasApplyEachFileOnce) {
  absl::Status a, b;
  int applied_a = 0, applied_b = 0;
  std::thread ta([&] {
    auto conn = Connect();
    a = ApplyMigrations(*conn, schema_.name(), migrations_, &applied_a);
  });
  std::thread tb([&] {
    auto conn = Connect();
    b = ApplyMigrations(*conn, schema_.name(), migrations_, &applied_b);
  });
  ta.join();
  tb.join();
  EXPECT_TRUE(a.ok()) << a;
  EXPECT_TRUE(b.ok()) << b;
  EXPECT_EQ(applied_a + applied_b, 2);
  EXPECT_EQ(Recorded().size(), 2u);
}

TEST(Sha256Test, KnownAnswer) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace petition
