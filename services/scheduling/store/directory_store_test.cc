#include "services/scheduling/store/directory_store.h"

#include "common/status.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"
#include "services/scheduling/store/calendar_store.h"

namespace petition::scheduling {
namespace {

class DirectoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, SchedulingMigrations(), DirectoryStore::Statements());
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<DirectoryStore>(pool_.get());
  }

  v1::Unit Unit(const char* name, v1::UnitKind kind, const std::string& parent = "") {
    v1::Unit u;
    u.set_name(name);
    u.set_kind(kind);
    u.set_parent_id(parent);
    return u;
  }

  testing::ScratchSchema schema_{"dir"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<DirectoryStore> store_;
};

TEST_F(DirectoryStoreTest, UnitsAndOfficialsRoundTrip) {
  auto town = store_->CreateUnit(Unit("长乐镇", v1::TOWNSHIP), {});
  ASSERT_TRUE(town.ok()) << town.status();
  EXPECT_EQ(town->unit_id().rfind("unit_", 0), 0u);
  auto village = store_->CreateUnit(Unit("东村", v1::VILLAGE, town->unit_id()), {});
  ASSERT_TRUE(village.ok()) << village.status();
  auto back = store_->GetUnit(village->unit_id());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->parent_id(), town->unit_id());
  EXPECT_EQ(back->kind(), v1::VILLAGE);
  EXPECT_EQ(back->created_at().seconds(), village->created_at().seconds());

  v1::Official o;
  o.set_name("孙主任");
  o.set_unit_id(village->unit_id());
  o.set_rank(v1::VILLAGE_LEADER);
  auto official = store_->CreateOfficial(o, {});
  ASSERT_TRUE(official.ok()) << official.status();
  auto got = store_->GetOfficial(official->official_id());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->rank(), v1::VILLAGE_LEADER);
  EXPECT_EQ(store_->GetOfficial("off_nobody").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetUnit("unit_nobody").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DirectoryStoreTest, ParentsAndRanksAreChecked) {
  auto town = store_->CreateUnit(Unit("长乐镇", v1::TOWNSHIP), {});
  ASSERT_TRUE(town.ok());
  auto dept = store_->CreateUnit(Unit("司法所", v1::DEPARTMENT, town->unit_id()), {});
  ASSERT_TRUE(dept.ok());
  auto under_dept = store_->CreateUnit(Unit("x", v1::VILLAGE, dept->unit_id()), {});
  EXPECT_EQ(GetErrorDetails(under_dept.status()).violations(0).field(), "parentId");
  auto orphan = store_->CreateUnit(Unit("x", v1::VILLAGE, "unit_nobody"), {});
  EXPECT_EQ(GetErrorDetails(orphan.status()).violations(0).field(), "parentId");
  v1::Official o;
  o.set_name("钱");
  o.set_unit_id(dept->unit_id());
  o.set_rank(v1::VILLAGE_LEADER);
  EXPECT_EQ(GetErrorDetails(store_->CreateOfficial(o, {}).status()).violations(0).field(), "rank");
  o.set_unit_id("unit_nobody");
  o.set_rank(v1::STAFF);
  EXPECT_EQ(GetErrorDetails(store_->CreateOfficial(o, {}).status()).violations(0).field(),
            "unitId");
}

TEST_F(DirectoryStoreTest, RetriesReturnTheFirstResult) {
  auto first = store_->CreateUnit(Unit("长乐镇", v1::TOWNSHIP), {"off_admin", "req-1", "aaa"});
  ASSERT_TRUE(first.ok());
  auto again = store_->CreateUnit(Unit("长乐镇", v1::TOWNSHIP), {"off_admin", "req-1", "aaa"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unit_id(), first->unit_id());
  EXPECT_EQ(store_->CreateUnit(Unit("别的镇", v1::TOWNSHIP), {"off_admin", "req-1", "bbb"})
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  // Request ids are the caller's own: another caller's same id is a new request.
  auto other = store_->CreateUnit(Unit("长乐镇", v1::TOWNSHIP), {"off_other", "req-1", "aaa"});
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->unit_id(), first->unit_id());
}

TEST_F(DirectoryStoreTest, ListsPageInIdOrderAndFilter) {
  auto town = store_->CreateUnit(Unit("长乐镇", v1::TOWNSHIP), {});
  ASSERT_TRUE(town.ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->CreateUnit(Unit("村", v1::VILLAGE, town->unit_id()), {}).ok());
  }
  Page page;
  page.size = 2;
  auto first = store_->ListUnits(v1::VILLAGE, "", page);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 3u);  // one more than asked: there is a next page
  EXPECT_LT((*first)[0].unit_id(), (*first)[1].unit_id());
  page.after = (*first)[1].unit_id();
  page.size = 10;
  auto rest = store_->ListUnits(v1::VILLAGE, town->unit_id(), page);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), 3u);
  auto towns = store_->ListUnits(v1::TOWNSHIP, "", Page{});
  ASSERT_TRUE(towns.ok());
  EXPECT_EQ(towns->size(), 1u);
}

}  // namespace
}  // namespace petition::scheduling
