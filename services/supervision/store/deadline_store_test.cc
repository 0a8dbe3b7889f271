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

  absl::StatusOr<int> Apply(std::vector<const petition::v1::CaseEvent*> events) {
    std::vector<DeadlineStore::Registration> regs;
    for (const auto* e : events) regs.push_back({e, Acceptance()});
    return store_->ApplyRegistrations(regs);
  }

  testing::ScratchSchema schema_{"sup"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<DeadlineStore> store_;
};

TEST_F(DeadlineStoreTest, AppliesOnceAndListsTheDeadline) {
  auto e = Registered("case_a");
  auto first = Apply({&e});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1);
  auto again = Apply({&e});  // the relay redelivers
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  auto list = store_->ListForCase("case_a");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].kind, "ACCEPTANCE");
  EXPECT_EQ((*list)[0].due_date, absl::CivilDay(2026, 3, 17));
  EXPECT_FALSE((*list)[0].met_at.has_value());
}

TEST_F(DeadlineStoreTest, ASecondRegistrationOfACaseIsRefused) {
  auto b1 = Registered("case_b");
  auto b2 = Registered("case_b");
  ASSERT_TRUE(Apply({&b1}).ok());
  EXPECT_EQ(Apply({&b2}).status().code(), absl::StatusCode::kFailedPrecondition);
  auto later = Registered("case_c");
  later.set_sequence(2);
  EXPECT_EQ(Apply({&later}).status().code(), absl::StatusCode::kFailedPrecondition);
  // Nothing of the refused events was kept: a later in-order delivery applies.
  later.set_sequence(1);
  EXPECT_EQ(*Apply({&later}), 1);
}

TEST_F(DeadlineStoreTest, ABatchIsAllOrNothing) {
  auto d = Registered("case_d");
  auto e = Registered("case_e");
  auto bad = Registered("case_d");  // a second registration of case_d
  EXPECT_EQ(Apply({&d, &e, &bad}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->ListForCase("case_e").status().code(), absl::StatusCode::kNotFound);
  auto applied = Apply({&d, &e, &d});  // a redelivery inside one batch counts once
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 2);
  EXPECT_TRUE(store_->ListForCase("case_e").ok());
}

TEST_F(DeadlineStoreTest, UnknownCaseIsNotFound) {
  EXPECT_EQ(store_->ListForCase("case_none").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace petition::supervision
