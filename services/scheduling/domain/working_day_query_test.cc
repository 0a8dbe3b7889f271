#include "services/scheduling/domain/working_day_query.h"

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::scheduling {
namespace {

std::string FieldOf(const absl::Status& s) {
  v1::ErrorDetails details = GetErrorDetails(s);
  return details.violations_size() == 1 ? details.violations(0).field() : "";
}

TEST(WorkingDayQueryTest, AnswersAPlausibleQuestion) {
  WorkingCalendar calendar;
  auto r = AddWorkingDaysQuery(calendar, "2026-09-30", 1);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->date, absl::CivilDay(2026, 10, 1));
  EXPECT_TRUE(r->provisional);  // no year loaded
  EXPECT_TRUE(AddWorkingDaysQuery(calendar, "2026-01-01", kMaxWorkingDaysAsked).ok());
}

TEST(WorkingDayQueryTest, BoundsDaysAndYearsNamingTheFieldNotTheValue) {
  WorkingCalendar calendar;
  for (int64_t days : {int64_t{0}, int64_t{-1}, int64_t{kMaxWorkingDaysAsked + 1},
                       int64_t{2147483647}, int64_t{9223372036854775807}}) {
    auto r = AddWorkingDaysQuery(calendar, "2026-01-01", days);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << days;
    EXPECT_EQ(FieldOf(r.status()), "days");
    if (days > 10000) {
      EXPECT_EQ(r.status().ToString().find(std::to_string(days)), std::string::npos);
    }
  }
  // From the last years a long count would leave four-digit years.
  auto past = AddWorkingDaysQuery(calendar, "9999-12-30", 2);
  EXPECT_EQ(past.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(past.status()), "days");
  EXPECT_TRUE(AddWorkingDaysQuery(calendar, "9999-12-30", 1).ok());  // Friday 9999-12-31
  for (const char* from : {"", "10000-01-01", "1899-12-31", "2026-02-30", "2026-1-1"}) {
    auto r = AddWorkingDaysQuery(calendar, from, 1);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << from;
    EXPECT_EQ(FieldOf(r.status()), "from");
  }
}

}  // namespace
}  // namespace petition::scheduling
