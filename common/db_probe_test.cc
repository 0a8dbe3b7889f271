// The readiness probe against a real PostgreSQL: it sees the server answer, runs no statement
// (an idle system's database sees no transaction from it), and sees a server that is not there.
#include "common/db_probe.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"

namespace petition {
namespace {

TEST(DatabaseProbe, AnAnsweringServerIsHealthyAndSeesNoStatementFromIt) {
  const std::string name = absl::StrCat("probe_", NewId("t"));
  DatabaseProbe::Options options;
  options.dsn = absl::StrCat(testing::AdminDsn(), " application_name=", name);
  options.timeout = absl::Seconds(10);
  DatabaseProbe probe(options, [](bool) {});
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(probe.ProbeOnce()) << i;
  // One session all along, which never ran a query (its last one would show here).
  pqxx::connection admin(testing::AdminDsn());
  pqxx::nontransaction tx(admin);
  pqxx::result rows =
      tx.exec("SELECT query, xact_start IS NULL FROM pg_stat_activity WHERE application_name = " +
              tx.quote(name));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].as<std::string>(), "");
  EXPECT_TRUE(rows[0][1].as<bool>());
}

TEST(DatabaseProbe, NoServerIsUnhealthy) {
  DatabaseProbe::Options options;
  options.dsn = "host=127.0.0.1 port=1 dbname=postgres user=postgres connect_timeout=2";
  options.timeout = absl::Seconds(2);
  DatabaseProbe probe(options, [](bool) {});
  EXPECT_FALSE(probe.ProbeOnce());
}

}  // namespace
}  // namespace petition
