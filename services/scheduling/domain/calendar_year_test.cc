#include "services/scheduling/domain/calendar_year.h"

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::scheduling {
namespace {

v1::PutCalendarRequest Request(int year) {
  v1::PutCalendarRequest r;
  r.set_year(year);
  return r;
}

void Add(google::protobuf::RepeatedPtrField<v1::CalendarDate>* list, const char* date,
         const char* name) {
  auto* d = list->Add();
  d->set_date(date);
  d->set_name(name);
}

TEST(CalendarYearTest, AcceptsAnOfficialNotice) {
  auto r = Request(2027);
  Add(r.mutable_holidays(), "2027-01-01", "元旦");
  Add(r.mutable_holidays(), "2027-02-06", "春节");  // a Saturday holiday is fine
  Add(r.mutable_makeup_workdays(), "2027-02-13", "春节调休");
  auto days = ValidateCalendarYear(r);
  ASSERT_TRUE(days.ok()) << days.status();
  EXPECT_EQ(days->size(), 3u);
}

TEST(CalendarYearTest, ReportsEveryBadEntryByFieldPath) {
  auto r = Request(2027);
  Add(r.mutable_holidays(), "2027-13-01", "");
  Add(r.mutable_holidays(), "2026-12-31", "");
  Add(r.mutable_holidays(), "2027-05-01", "");
  Add(r.mutable_holidays(), "2027-05-01", "");
  Add(r.mutable_makeup_workdays(), "2027-03-03", "a Wednesday");
  auto days = ValidateCalendarYear(r);
  ASSERT_EQ(days.status().code(), absl::StatusCode::kInvalidArgument);
  petition::v1::ErrorDetails details = GetErrorDetails(days.status());
  ASSERT_EQ(details.violations_size(), 4);
  EXPECT_EQ(details.violations(0).field(), "holidays[0].date");
  EXPECT_EQ(details.violations(1).field(), "holidays[1].date");
  EXPECT_EQ(details.violations(2).field(), "holidays[3].date");
  EXPECT_EQ(details.violations(3).field(), "makeupWorkdays[0].date");
}

TEST(CalendarYearTest, RejectsYearsOutOfRange) {
  EXPECT_FALSE(ValidateCalendarYear(Request(0)).ok());
  EXPECT_FALSE(ValidateCalendarYear(Request(12026)).ok());
}

TEST(CalendarYearTest, RejectsADayBothOffAndWorked) {
  auto r = Request(2027);
  Add(r.mutable_holidays(), "2027-02-13", "");
  Add(r.mutable_makeup_workdays(), "2027-02-13", "");
  EXPECT_EQ(ValidateCalendarYear(r).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace petition::scheduling
