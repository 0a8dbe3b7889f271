#include "services/scheduling/store/calendar_store.h"

#include "common/migrations.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"

namespace petition::scheduling {
namespace {

class CalendarStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, SchedulingMigrations(), CalendarStore::Statements());
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<CalendarStore>(pool_.get());
  }

  testing::ScratchSchema schema_{"cal"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<CalendarStore> store_;
};

TEST_F(CalendarStoreTest, OfficialCalendarsAreSeeded) {
  auto loaded = store_->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const WorkingCalendar* cal = loaded->get();
  EXPECT_TRUE(cal->IsYearLoaded(2025));
  EXPECT_TRUE(cal->IsYearLoaded(2026));
  EXPECT_EQ(cal->Classify(absl::CivilDay(2026, 2, 14)).kind, DayKind::kMakeupWorkday);
  EXPECT_EQ(cal->Classify(absl::CivilDay(2025, 10, 8)).kind, DayKind::kHoliday);
  EXPECT_EQ(cal->Classify(absl::CivilDay(2026, 9, 20)).kind, DayKind::kMakeupWorkday);
  auto r = cal->AddWorkingDays(absl::CivilDay(2025, 9, 30), 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->date, absl::CivilDay(2025, 10, 9));
  auto y2026 = store_->GetYear(2026);
  ASSERT_TRUE(y2026.ok());
  EXPECT_EQ(y2026->days.size(), 33u + 6u);  // 33 days off, 6 make-up days
}

TEST_F(CalendarStoreTest, ReplaceYearIsWholeAndVisible) {
  EXPECT_EQ(store_->GetYear(2027).status().code(), absl::StatusCode::kNotFound);
  std::vector<SpecialDay> days = {{absl::CivilDay(2027, 1, 1), DayKind::kHoliday, "元旦"}};
  ASSERT_TRUE(store_->ReplaceYear(2027, days).ok());
  days = {{absl::CivilDay(2027, 2, 13), DayKind::kMakeupWorkday, "春节调休"},
          {absl::CivilDay(2027, 2, 8), DayKind::kHoliday, "春节"}};
  auto record = store_->ReplaceYear(2027, days);
  ASSERT_TRUE(record.ok());
  auto back = store_->GetYear(2027);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->days.size(), 2u);
  EXPECT_EQ(back->days[0].day, absl::CivilDay(2027, 2, 8));
  auto cal = store_->Load();
  ASSERT_TRUE(cal.ok());
  EXPECT_TRUE((*cal)->IsWorkingDay(absl::CivilDay(2027, 1, 1)));  // no longer a holiday
  EXPECT_FALSE((*cal)->Classify(absl::CivilDay(2027, 1, 1)).provisional);
}

TEST_F(CalendarStoreTest, CachedCalendarFollowsLocalChangesAtOnce) {
  auto before = store_->Load();
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE((*before)->IsYearLoaded(2028));
  EXPECT_EQ(store_->Load()->get(), before->get());  // served from memory
  ASSERT_TRUE(
      store_->ReplaceYear(2028, {{absl::CivilDay(2028, 1, 3), DayKind::kHoliday, "x"}}).ok());
  auto after = store_->Load();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE((*after)->IsYearLoaded(2028));
  EXPECT_FALSE((*after)->IsWorkingDay(absl::CivilDay(2028, 1, 3)));
}

TEST_F(CalendarStoreTest, OtherReplicasChangesAreSeenAfterTheTtl) {
  CalendarStore other(pool_.get(), absl::ZeroDuration());  // a replica that never caches
  CalendarStore cached(pool_.get(), absl::Hours(1));
  ASSERT_TRUE(cached.Load().ok());
  ASSERT_TRUE(other.ReplaceYear(2029, {}).ok());
  EXPECT_FALSE((*cached.Load())->IsYearLoaded(2029));  // within its TTL: the old view
  EXPECT_TRUE((*other.Load())->IsYearLoaded(2029));
}

// The calendar's own database, so that it can really go away.
class CalendarStoreDatabaseGoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dsn = db_.DsnFor("");
    ASSERT_FALSE(dsn.empty());
    {
      pqxx::connection conn(dsn);
      ASSERT_TRUE(ApplyMigrations(conn, "scheduling", SchedulingMigrations()).ok());
    }
    auto pool =
        PgPool::Create({dsn, "scheduling", 2, absl::Seconds(1), CalendarStore::Statements()});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
  }

  // Gone for good: the pool can neither use nor open a connection.
  void DropDatabase() {
    pqxx::connection admin(testing::AdminDsn());
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE " + tx.quote_name(db_.name()) + " WITH (FORCE)");
  }

  testing::ScratchDatabase db_{"calgone"};
  std::unique_ptr<PgPool> pool_;
};

TEST_F(CalendarStoreDatabaseGoneTest, ReadsAreServedFromMemoryWhenTheDatabaseIsGone) {
  // A zero TTL: every read below tries the database first.
  CalendarStore store(pool_.get(), absl::ZeroDuration());
  ASSERT_TRUE(store.Load().ok());
  ASSERT_TRUE(
      store.ReplaceYear(2027, {{absl::CivilDay(2027, 1, 1), DayKind::kHoliday, "元旦"}}).ok());
  DropDatabase();
  EXPECT_EQ(pool_->Read([](pqxx::transaction_base&) { return absl::OkStatus(); }).code(),
            absl::StatusCode::kUnavailable);

  auto cal = store.Load();
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ((*cal)->Classify(absl::CivilDay(2026, 2, 14)).kind, DayKind::kMakeupWorkday);
  EXPECT_FALSE((*cal)->IsWorkingDay(absl::CivilDay(2027, 1, 1)));  // this replica's change
  auto year = store.GetYear(2026);
  ASSERT_TRUE(year.ok()) << year.status();
  EXPECT_EQ(year->days.size(), 33u + 6u);
  auto y2027 = store.GetYear(2027);
  ASSERT_TRUE(y2027.ok()) << y2027.status();
  ASSERT_EQ(y2027->days.size(), 1u);
  EXPECT_EQ(store.GetYear(2031).status().code(), absl::StatusCode::kNotFound);
  // Writes need the database.
  EXPECT_EQ(store.ReplaceYear(2028, {}).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(CalendarStoreDatabaseGoneTest, BeforeTheFirstLoadTheDatabaseIsNeeded) {
  CalendarStore store(pool_.get());
  DropDatabase();
  EXPECT_EQ(store.Load().status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(CalendarStoreTest, YearsWithoutANoticeAreEstimatedUntilItIsLoaded) {
  auto cal = store_->Load();
  ASSERT_TRUE(cal.ok()) << cal.status();
  // 2026 is seeded; 2027 is estimated: New Year's Day is off.
  auto due = (*cal)->AddWorkingDays(absl::CivilDay(2026, 12, 20), 10);
  ASSERT_TRUE(due.ok());
  EXPECT_NE(due->date, absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(due->date, absl::CivilDay(2027, 1, 4));
  EXPECT_TRUE(due->provisional);
  DayInfo in_lieu = (*cal)->Classify(absl::CivilDay(2027, 2, 10));
  EXPECT_FALSE(in_lieu.working);
  EXPECT_TRUE(in_lieu.estimated);
  EXPECT_FALSE((*cal)->Classify(absl::CivilDay(2026, 12, 21)).estimated);

  // The notice replaces the estimate: here it works 2/10 and takes 1/1 off.
  ASSERT_TRUE(store_
                  ->ReplaceYear(2027, {{absl::CivilDay(2027, 1, 1), DayKind::kHoliday, "元旦"},
                                       {absl::CivilDay(2027, 2, 11), DayKind::kHoliday, "春节"}})
                  .ok());
  cal = store_->Load();
  ASSERT_TRUE(cal.ok());
  DayInfo loaded = (*cal)->Classify(absl::CivilDay(2027, 2, 10));
  EXPECT_TRUE(loaded.working);
  EXPECT_FALSE(loaded.estimated);
  EXPECT_FALSE(loaded.provisional);
  EXPECT_FALSE((*cal)->IsWorkingDay(absl::CivilDay(2027, 2, 11)));
  EXPECT_TRUE((*cal)->Classify(absl::CivilDay(2028, 1, 3)).estimated);  // still no notice
}

}  // namespace
}  // namespace petition::scheduling
