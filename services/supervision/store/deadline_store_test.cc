#include "services/supervision/store/deadline_store.h"

#include "common/dates.h"
#include "common/ids.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

class DeadlineStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, SupervisionMigrations(), DeadlineStore::Statements());
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<DeadlineStore>(pool_.get());
  }

  petition::v1::CaseEvent Registered(const std::string& case_id) {
    petition::v1::CaseEvent e;
    e.set_event_id(NewId("evt"));
    e.set_case_id(case_id);
    e.set_sequence(1);
    e.mutable_registered()->set_channel("VISIT");
    e.mutable_registered()->set_category("OTHER");
    e.mutable_registered()->set_source("TOWNSHIP");
    *e.mutable_registered()->mutable_received_at() = NowTimestamp();
    return e;
  }

  DeadlineRecord Acceptance() {
    DeadlineRecord d;
    d.kind = "ACCEPTANCE";
    d.start_date = absl::CivilDay(2026, 3, 2);
    d.due_date = absl::CivilDay(2026, 3, 17);
    return d;
  }

  testing::ScratchSchema schema_{"sup"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<DeadlineStore> store_;
};

TEST_F(DeadlineStoreTest, AppliesOnceAndListsTheDeadline) {
  auto e = Registered("case_a");
  auto first = store_->ApplyRegistered(e, Acceptance());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(*first);
  auto again = store_->ApplyRegistered(e, Acceptance());  // the relay redelivers
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto list = store_->ListForCase("case_a");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].kind, "ACCEPTANCE");
  EXPECT_EQ((*list)[0].due_date, absl::CivilDay(2026, 3, 17));
  EXPECT_FALSE((*list)[0].met_at.has_value());
}

TEST_F(DeadlineStoreTest, ASecondRegistrationOfACaseIsRefused) {
  ASSERT_TRUE(store_->ApplyRegistered(Registered("case_b"), Acceptance()).ok());
  auto other = store_->ApplyRegistered(Registered("case_b"), Acceptance());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  auto later = Registered("case_c");
  later.set_sequence(2);
  EXPECT_EQ(store_->ApplyRegistered(later, Acceptance()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Nothing of the refused events was kept: a later in-order delivery applies.
  later.set_sequence(1);
  EXPECT_TRUE(*store_->ApplyRegistered(later, Acceptance()));
}

TEST_F(DeadlineStoreTest, UnknownCaseIsNotFound) {
  EXPECT_EQ(store_->ListForCase("case_none").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace petition::supervision
