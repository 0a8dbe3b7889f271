#include "services/supervision/domain/policy_validation.h"

#include <string>

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

constexpr DayUnit kCd = DayUnit::kCalendarDays;
constexpr DayUnit kWd = DayUnit::kWorkingDays;

// The one field the refusal names ("" when accepted).
std::string Refused(const DeadlinePolicy& p) {
  absl::Status s = ValidatePolicy(p);
  if (s.ok()) return "";
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  petition::v1::ErrorDetails details = GetErrorDetails(s);
  EXPECT_EQ(details.violations_size(), 1) << s;
  return details.violations_size() > 0 ? details.violations(0).field() : "?";
}

// 团堡镇: ORDINARY 7 and COMPLEX 15 working days, the fast track within them.
DeadlinePolicy Tuanbao() {
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  p.handling_simple = {5, kWd};
  p.handling_ordinary = {7, kWd};
  p.handling_complex = {15, kWd};
  return p;
}

TEST(PolicyValidationTest, TheRegulationAndATownshipsOwnPass) {
  EXPECT_EQ(Refused(DeadlinePolicy::Regulation()), "");
  EXPECT_EQ(Refused(Tuanbao()), "");
}

TEST(PolicyValidationTest, EveryLimitIsAtLeastOneDay) {
  struct Case {
    std::string field;
    Limit DeadlinePolicy::*limit;
  };
  const Case cases[] = {
      {"acceptance.days", &DeadlinePolicy::acceptance},
      {"handling.SIMPLE.days", &DeadlinePolicy::handling_simple},
      {"handling.ORDINARY.days", &DeadlinePolicy::handling_ordinary},
      {"handling.COMPLEX.days", &DeadlinePolicy::handling_complex},
      {"extensionMax.days", &DeadlinePolicy::extension_max},
      {"reviewWindow.days", &DeadlinePolicy::review_window},
      {"dueSoon.days", &DeadlinePolicy::due_soon},
      {"objection.days", &DeadlinePolicy::objection},
  };
  for (const Case& c : cases) {
    for (int days : {0, -1}) {
      DeadlinePolicy p = DeadlinePolicy::Regulation();
      (p.*c.limit).days = days;
      EXPECT_EQ(Refused(p), c.field) << days;
    }
    DeadlinePolicy p = DeadlinePolicy::Regulation();
    (p.*c.limit).days = 1;
    // One day is allowed wherever the order of the handling limits allows it.
    if (c.field.rfind("handling.", 0) != 0) {
      EXPECT_EQ(Refused(p), "") << c.field;
    }
  }
  struct Window {
    std::string field;
    Limit OrderResponse::*limit;
  };
  const Window windows[] = {
      {"orderResponse.REMINDER.days", &OrderResponse::reminder},
      {"orderResponse.ORDER.days", &OrderResponse::order},
      {"orderResponse.LISTED.days", &OrderResponse::listed},
      {"orderResponse.SUMMONS.days", &OrderResponse::summons},
  };
  for (const Window& w : windows) {
    DeadlinePolicy p = DeadlinePolicy::Regulation();
    (p.order_response.*w.limit).days = 0;
    EXPECT_EQ(Refused(p), w.field);
    (p.order_response.*w.limit).days = -5;
    EXPECT_EQ(Refused(p), w.field);
    (p.order_response.*w.limit).days = 1;
    EXPECT_EQ(Refused(p), "");
  }
}

TEST(PolicyValidationTest, UpperBounds) {
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  p.review_window.days = 366;
  EXPECT_EQ(Refused(p), "");
  p.review_window.days = 367;
  EXPECT_EQ(Refused(p), "reviewWindow.days");
  p = DeadlinePolicy::Regulation();
  p.due_soon.days = 30;
  EXPECT_EQ(Refused(p), "");
  p.due_soon.days = 31;
  EXPECT_EQ(Refused(p), "dueSoon.days");
  p = DeadlinePolicy::Regulation();
  p.objection.days = 366;
  EXPECT_EQ(Refused(p), "");
  p.objection.days = 367;
  EXPECT_EQ(Refused(p), "objection.days");
}

// A23: 5 working days, the one limit the texts give in working days.
TEST(PolicyValidationTest, TheObjectionPeriodIsFiveWorkingDaysByDefault) {
  const DeadlinePolicy p = DeadlinePolicy::Regulation();
  EXPECT_EQ(p.objection.days, 5);
  EXPECT_EQ(p.objection.unit, kWd);
}

TEST(PolicyValidationTest, UnknownUnitsAndTimeZones) {
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  p.extension_max.unit = static_cast<DayUnit>(7);
  EXPECT_EQ(Refused(p), "extensionMax.unit");
  p = DeadlinePolicy::Regulation();
  p.order_response.listed.unit = static_cast<DayUnit>(-1);
  EXPECT_EQ(Refused(p), "orderResponse.LISTED.unit");
  p = DeadlinePolicy::Regulation();
  p.time_zone = "Mars/Olympus";
  EXPECT_EQ(Refused(p), "timeZone");
  p.time_zone = "";
  EXPECT_EQ(Refused(p), "timeZone");
}

TEST(PolicyValidationTest, HandlingLimitsInOrderInTheSameUnit) {
  DeadlinePolicy p = Tuanbao();
  p.handling_simple = {7, kWd};  // equal to ORDINARY: allowed
  EXPECT_EQ(Refused(p), "");
  p.handling_simple = {8, kWd};  // the fast track longer than ordinary handling
  EXPECT_EQ(Refused(p), "handling.SIMPLE");
  p = Tuanbao();
  p.handling_complex = {7, kWd};  // equal: allowed
  EXPECT_EQ(Refused(p), "");
  p.handling_complex = {6, kWd};
  EXPECT_EQ(Refused(p), "handling.ORDINARY");
  // The regulation's SIMPLE 10 working days under 团堡镇's ORDINARY 7.
  p = Tuanbao();
  p.handling_simple = {10, kWd};
  EXPECT_EQ(Refused(p), "handling.SIMPLE");
  absl::Status s = ValidatePolicy(p);
  EXPECT_NE(s.message().find("fast track"), std::string::npos) << s;
}

TEST(PolicyValidationTest, AcrossUnitsOnlyWhatIsCertainlyLonger) {
  // Working days are at least as many calendar days.
  EXPECT_TRUE(LongerThan({11, kWd}, {10, kCd}));
  EXPECT_FALSE(LongerThan({10, kWd}, {10, kCd}));
  // 10 working days last at most 14 calendar days (two weekends).
  EXPECT_EQ(LongestCalendarSpan({10, kWd}), 14);
  EXPECT_EQ(LongestCalendarSpan({1, kWd}), 3);   // Friday to Monday
  EXPECT_EQ(LongestCalendarSpan({5, kWd}), 7);   // Friday to Friday
  EXPECT_EQ(LongestCalendarSpan({6, kWd}), 10);  // Friday to the next Monday
  EXPECT_EQ(LongestCalendarSpan({10, kCd}), 10);
  EXPECT_EQ(ShortestCalendarSpan({10, kWd}), 10);  // makeup workdays
  EXPECT_FALSE(LongerThan({14, kCd}, {10, kWd}));
  EXPECT_TRUE(LongerThan({15, kCd}, {10, kWd}));

  DeadlinePolicy p = DeadlinePolicy::Regulation();  // SIMPLE 10 WD, ORDINARY 60 CD
  p.handling_ordinary = {10, kCd};
  EXPECT_EQ(Refused(p), "");  // 10 working days may be 10 calendar days
  p.handling_ordinary = {9, kCd};
  EXPECT_EQ(Refused(p), "handling.SIMPLE");
  p = DeadlinePolicy::Regulation();
  p.handling_simple = {14, kCd};
  p.handling_ordinary = {10, kWd};
  p.handling_complex = {10, kWd};
  EXPECT_EQ(Refused(p), "");
  p.handling_simple = {15, kCd};
  EXPECT_EQ(Refused(p), "handling.SIMPLE");
  // ORDINARY 60 calendar days over COMPLEX 40 working days (at most 56).
  p = DeadlinePolicy::Regulation();
  p.handling_complex = {40, kWd};
  EXPECT_EQ(Refused(p), "handling.ORDINARY");
  p.handling_complex = {43, kWd};  // at most 43 + 18 = 61 calendar days
  EXPECT_EQ(Refused(p), "");
}

TEST(PolicyValidationTest, SimpleAgainstComplexEvenWhenEachPairWithOrdinaryPasses) {
  // SIMPLE 14 CD <= ORDINARY 10 WD (up to 14) and ORDINARY 10 WD <= COMPLEX
  // 10 CD (at least 10), but SIMPLE 14 CD is certainly longer than 10 CD.
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  p.handling_simple = {14, kCd};
  p.handling_ordinary = {10, kWd};
  p.handling_complex = {10, kCd};
  EXPECT_EQ(Refused(p), "handling.SIMPLE");
}

TEST(PolicyValidationTest, ExtendableComplexities) {
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  p.extendable = {"ORDINARY", "COMPLEX"};
  EXPECT_EQ(Refused(p), "");
  p.extendable = {};
  EXPECT_EQ(Refused(p), "");  // nothing may be extended
  p.extendable = {"COMPLEX", "URGENT"};
  EXPECT_EQ(Refused(p), "extendable[1]");
  p.extendable = {"COMPLEX", "COMPLEX"};
  EXPECT_EQ(Refused(p), "extendable[1]");
  p.extendable = {"complex"};
  EXPECT_EQ(Refused(p), "extendable[0]");
}

}  // namespace
}  // namespace petition::supervision
