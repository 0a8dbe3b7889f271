#include "common/pg_array.h"

#include <vector>

#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"

namespace petition {
namespace {

TEST(PgArrayTest, Literals) {
  EXPECT_EQ(PgArray(std::vector<std::string>{}), "{}");
  EXPECT_EQ(PgArray(std::vector<std::string>{"a", ""}), "{\"a\",\"\"}");
  EXPECT_EQ(PgArray(std::vector<std::string>{"say \"hi\"", "back\\slash"}),
            "{\"say \\\"hi\\\"\",\"back\\\\slash\"}");
}

TEST(PgArrayTest, RoundTripsThroughPostgres) {
  const std::string dsn = testing::AdminDsn();
  ASSERT_FALSE(dsn.empty());
  pqxx::connection conn(dsn);
  pqxx::nontransaction tx(conn);
  const std::vector<std::string> values = {"a,b",  "{x}", "say \"hi\"", "back\\slash",
                                           "张三", "",    "NULL",       " spaced "};
  pqxx::result r = tx.exec_params("SELECT unnest($1::text[])", PgArray(values));
  ASSERT_EQ(r.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_FALSE(r[i][0].is_null()) << i;  // "NULL" quoted is the string, not a null
    EXPECT_EQ(r[i][0].as<std::string>(), values[i]);
  }
  EXPECT_EQ(tx.exec_params1("SELECT sum(x) FROM unnest($1::bigint[]) x",
                            PgArray(std::vector<std::string>{"1", "20", "300"}))[0]
                .as<int>(),
            321);
}

}  // namespace
}  // namespace petition
