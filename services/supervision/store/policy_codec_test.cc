#include "services/supervision/store/policy_codec.h"

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

std::string Field(const absl::Status& s) {
  petition::v1::ErrorDetails details = GetErrorDetails(s);
  return details.violations_size() == 1 ? details.violations(0).field() : "";
}

TEST(PolicyCodecTest, ExtendableAndOrderWindowsRoundTrip) {
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  p.extendable = {"ORDINARY", "COMPLEX"};
  p.order_response.reminder = {7, DayUnit::kCalendarDays};
  p.order_response.summons = {1, DayUnit::kWorkingDays};
  auto back = PolicyFromJson(PolicyToJson(p));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->extendable, p.extendable);
  EXPECT_EQ(back->order_response.reminder.days, 7);
  EXPECT_EQ(back->order_response.reminder.unit, DayUnit::kCalendarDays);
  EXPECT_EQ(back->order_response.order.days, 3);
  EXPECT_EQ(back->order_response.summons.days, 1);
  v1::DeadlinePolicy m = PolicyToProto(DeadlinePolicy::Regulation());
  ASSERT_EQ(m.extendable_size(), 1);
  EXPECT_EQ(m.extendable(0), "COMPLEX");
  EXPECT_EQ(m.order_response().at("REMINDER").days(), 5);
  EXPECT_EQ(m.order_response().at("REMINDER").unit(), v1::WORKING_DAYS);
  EXPECT_EQ(m.order_response().at("LISTED").days(), 2);
}

// REVIEW_ANSWER's limit (A35: the reviewing body answers within 30 days):
// 30 calendar days when absent (a policy stored before it), a township's
// own when set, and its unit checked like every other limit's.
TEST(PolicyCodecTest, TheReviewAnswerLimitDefaultsToThirtyCalendarDays) {
  v1::DeadlinePolicy m = PolicyToProto(DeadlinePolicy::Regulation());
  EXPECT_EQ(m.review_answer().days(), 30);
  EXPECT_EQ(m.review_answer().unit(), v1::CALENDAR_DAYS);
  m.clear_review_answer();
  auto absent = PolicyFromProto(m);
  ASSERT_TRUE(absent.ok()) << absent.status();
  EXPECT_EQ(absent->review_answer.days, 30);
  EXPECT_EQ(absent->review_answer.unit, DayUnit::kCalendarDays);
  m.mutable_review_answer()->set_days(20);
  m.mutable_review_answer()->set_unit(v1::WORKING_DAYS);
  auto set = PolicyFromJson(PolicyToJson(*PolicyFromProto(m)));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->review_answer.days, 20);
  EXPECT_EQ(set->review_answer.unit, DayUnit::kWorkingDays);
  m.mutable_review_answer()->set_unit(v1::DAY_UNIT_UNSPECIFIED);
  EXPECT_EQ(Field(PolicyFromProto(m).status()), "reviewAnswer.unit");
}

TEST(PolicyCodecTest, TheObjectionPeriodDefaultsToFiveWorkingDays) {
  v1::DeadlinePolicy m = PolicyToProto(DeadlinePolicy::Regulation());
  EXPECT_EQ(m.objection().days(), 5);
  EXPECT_EQ(m.objection().unit(), v1::WORKING_DAYS);
  m.clear_objection();  // a policy stored before objections
  auto absent = PolicyFromProto(m);
  ASSERT_TRUE(absent.ok()) << absent.status();
  EXPECT_EQ(absent->objection.days, 5);
  EXPECT_EQ(absent->objection.unit, DayUnit::kWorkingDays);
  m.mutable_objection()->set_days(7);
  m.mutable_objection()->set_unit(v1::CALENDAR_DAYS);
  auto set = PolicyFromJson(PolicyToJson(*PolicyFromProto(m)));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->objection.days, 7);
  EXPECT_EQ(set->objection.unit, DayUnit::kCalendarDays);
  m.mutable_objection()->set_unit(v1::DAY_UNIT_UNSPECIFIED);
  EXPECT_EQ(Field(PolicyFromProto(m).status()), "objection.unit");
}

// A client that does not know the new fields, and a policy stored before
// them: the defaults.
TEST(PolicyCodecTest, AbsentNewFieldsTakeTheirDefaults) {
  v1::DeadlinePolicy m = PolicyToProto(DeadlinePolicy::Regulation());
  m.clear_extendable();
  m.mutable_order_response()->clear();
  (*m.mutable_order_response())["ORDER"].set_days(4);
  (*m.mutable_order_response())["ORDER"].set_unit(v1::CALENDAR_DAYS);
  auto p = PolicyFromProto(m);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->extendable, std::vector<std::string>{"COMPLEX"});
  EXPECT_EQ(p->order_response.order.days, 4);
  EXPECT_EQ(p->order_response.order.unit, DayUnit::kCalendarDays);
  EXPECT_EQ(p->order_response.reminder.days, 5);
  EXPECT_EQ(p->order_response.reminder.unit, DayUnit::kWorkingDays);
}

TEST(PolicyCodecTest, UnknownLevelsAndUnitsAreNamed) {
  v1::DeadlinePolicy m = PolicyToProto(DeadlinePolicy::Regulation());
  (*m.mutable_order_response())["SCOLDING"].set_days(1);
  EXPECT_EQ(Field(PolicyFromProto(m).status()), "orderResponse");
  m = PolicyToProto(DeadlinePolicy::Regulation());
  (*m.mutable_order_response())["LISTED"].set_unit(v1::DAY_UNIT_UNSPECIFIED);
  EXPECT_EQ(Field(PolicyFromProto(m).status()), "orderResponse.LISTED.unit");
  m = PolicyToProto(DeadlinePolicy::Regulation());
  (*m.mutable_handling())["SIMPLE"].set_unit(static_cast<v1::DayUnit>(9));
  EXPECT_EQ(Field(PolicyFromProto(m).status()), "handling.SIMPLE.unit");
}

// Decoding does not judge values: a version stored under older rules (a
// due-soon of 0 days, limits out of order) keeps counting its deadlines.
TEST(PolicyCodecTest, AStoredPolicyDecodesAsItWasStored) {
  DeadlinePolicy p = DeadlinePolicy::Regulation();
  p.due_soon = {0, DayUnit::kWorkingDays};
  p.handling_simple = {10, DayUnit::kWorkingDays};
  p.handling_ordinary = {7, DayUnit::kWorkingDays};
  auto back = PolicyFromJson(PolicyToJson(p));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->due_soon.days, 0);
  EXPECT_EQ(back->handling_ordinary.days, 7);
}

}  // namespace
}  // namespace petition::supervision
