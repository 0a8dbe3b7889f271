#include "common/domain_gauges.h"

#include <map>
#include <string>
#include <utility>

#include "common/testing/eventually.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace petition {
namespace {

class DomainGaugesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PgPool::Options options;
    options.dsn = schema_.dsn();
    options.schema = schema_.name();
    options.size = 2;
    auto pool = PgPool::Create(options);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    Exec("CREATE TABLE items (status text NOT NULL, kind text NOT NULL)");
  }

  void Exec(const std::string& sql) {
    ASSERT_TRUE(pool_
                    ->Transact([&](pqxx::transaction_base& tx) {
                      tx.exec(sql);
                      return absl::OkStatus();
                    })
                    .ok());
  }

  std::string Text() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }
  bool Has(const std::string& line) { return Text().find(line + "\n") != std::string::npos; }

  testing::ScratchSchema schema_{"gauges"};
  std::unique_ptr<PgPool> pool_;
  prometheus::Registry registry_;
};

TEST_F(DomainGaugesTest, EachRowIsASeriesAndAVanishedOneReadsZero) {
  DomainGauges gauges(pool_.get(), &registry_, absl::Hours(1));
  gauges.Add({"petition_items",
              "Items by status and kind.",
              {"status", "kind"},
              DomainGauges::Sql("SELECT status, kind, count(*) FROM items GROUP BY 1, 2")});
  gauges.Add(
      {"petition_items_all", "All items.", {}, DomainGauges::Sql("SELECT count(*) FROM items")});
  Exec("INSERT INTO items VALUES ('OPEN', 'a'), ('OPEN', 'a'), ('CLOSED', 'b')");
  ASSERT_TRUE(gauges.RefreshOnce().ok());
  EXPECT_TRUE(Has(R"(petition_items{kind="a",status="OPEN"} 2)")) << Text();
  EXPECT_TRUE(Has(R"(petition_items{kind="b",status="CLOSED"} 1)")) << Text();
  EXPECT_TRUE(Has("petition_items_all 3")) << Text();
  EXPECT_FALSE(Has("petition_domain_gauges_refreshed_timestamp_seconds 0")) << Text();

  Exec("DELETE FROM items WHERE status = 'CLOSED'");
  ASSERT_TRUE(gauges.RefreshOnce().ok());
  EXPECT_TRUE(Has(R"(petition_items{kind="b",status="CLOSED"} 0)")) << Text();
  EXPECT_TRUE(Has("petition_items_all 2")) << Text();
}

TEST_F(DomainGaugesTest, AFailingQueryKeepsItsValuesIsCountedAndSparesTheOthers) {
  DomainGauges gauges(pool_.get(), &registry_, absl::Hours(1));
  bool broken = false;
  gauges.Add({"petition_fragile", "Fails on demand.", {}, [&](pqxx::transaction_base& tx) {
                return tx.exec(broken ? "SELECT count(*) FROM no_such_table"
                                      : "SELECT count(*) FROM items");
              }});
  gauges.Add(
      {"petition_wrong_shape", "Returns too many columns.", {}, DomainGauges::Sql("SELECT 1, 2")});
  gauges.Add({"petition_fine", "Always works.", {}, DomainGauges::Sql("SELECT 7")});
  Exec("INSERT INTO items VALUES ('OPEN', 'a')");
  EXPECT_FALSE(gauges.RefreshOnce().ok());  // the wrong shape
  EXPECT_TRUE(Has("petition_fragile 1")) << Text();
  broken = true;
  Exec("INSERT INTO items VALUES ('OPEN', 'a')");
  EXPECT_FALSE(gauges.RefreshOnce().ok());
  EXPECT_TRUE(Has("petition_fragile 1")) << Text();
  EXPECT_TRUE(Has("petition_fine 7")) << Text();
  EXPECT_TRUE(Has(R"(petition_domain_gauge_errors_total{gauge="petition_fragile"} 1)")) << Text();
  EXPECT_TRUE(Has(R"(petition_domain_gauge_errors_total{gauge="petition_wrong_shape"} 2)"))
      << Text();
  // Never refreshed without an error yet.
  EXPECT_TRUE(Has("petition_domain_gauges_refreshed_timestamp_seconds 0")) << Text();
}

TEST_F(DomainGaugesTest, AComputedGaugeSetsItsSeriesAndZeroesTheOnesThatGo) {
  DomainGauges gauges(pool_.get(), &registry_, absl::Hours(1));
  DomainGauges::Values values = {{{"u1"}, 3}, {{"u2"}, 1}};
  gauges.AddComputed({"petition_computed", "Computed in code.", {"unit"}, nullptr},
                     [&]() -> absl::StatusOr<DomainGauges::Values> { return values; });
  ASSERT_TRUE(gauges.RefreshOnce().ok());
  EXPECT_TRUE(Has(R"(petition_computed{unit="u1"} 3)")) << Text();
  EXPECT_TRUE(Has(R"(petition_computed{unit="u2"} 1)")) << Text();
  values = {{{"u1"}, 4}};
  ASSERT_TRUE(gauges.RefreshOnce().ok());
  EXPECT_TRUE(Has(R"(petition_computed{unit="u1"} 4)")) << Text();
  EXPECT_TRUE(Has(R"(petition_computed{unit="u2"} 0)")) << Text();
  values = {{{"u1", "extra"}, 4}};  // the wrong number of label values is refused, kept
  EXPECT_FALSE(gauges.RefreshOnce().ok());
  EXPECT_TRUE(Has(R"(petition_computed{unit="u1"} 4)")) << Text();
}

TEST_F(DomainGaugesTest, TheThreadRefreshesOnItsIntervalAndStops) {
  DomainGauges gauges(pool_.get(), &registry_, absl::Milliseconds(10));
  gauges.Add(
      {"petition_items_all", "All items.", {}, DomainGauges::Sql("SELECT count(*) FROM items")});
  gauges.Start();
  EXPECT_TRUE(testing::Eventually([&] { return Has("petition_items_all 0"); }, absl::Seconds(10)));
  Exec("INSERT INTO items VALUES ('OPEN', 'a')");
  EXPECT_TRUE(testing::Eventually([&] { return Has("petition_items_all 1"); }, absl::Seconds(10)));
  gauges.Stop();
}

}  // namespace
}  // namespace petition
