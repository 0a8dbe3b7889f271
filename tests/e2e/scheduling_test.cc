// Scheduling end to end over HTTP against the four real binaries and
// PostgreSQL: the directory of units and officials, reception plans and the
// sessions computed from them, substitutions, recusals.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/eventually.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

class SchedulingTest : public StackTest<SchedulingTest> {
 public:
  static constexpr char kStackName[] = "e2e_sched";

 protected:
  std::string Admin() { return stack_->Token({"admin"}, "off_admin"); }
  std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }

  // POSTs and returns the JSON answer, expecting 200.
  google::protobuf::Struct Create(const std::string& path, const std::string& body) {
    HttpResponse r = Call("POST", path, body, Admin());
    EXPECT_EQ(r.status, 200) << r.body;
    return ParseJson(r.body);
  }

  void ExpectError(const HttpResponse& r, int status, const std::string& code,
                   const std::string& field = "") {
    EXPECT_EQ(r.status, status) << r.body;
    auto json = ParseJson(r.body);
    EXPECT_EQ(JsonString(json, "error.code"), code) << r.body;
    if (!field.empty()) {
      EXPECT_NE(r.body.find(absl::StrCat("\"field\":\"", field, "\"")), std::string::npos)
          << r.body;
    }
  }

  // A new unit of `kind` (under a new township unless it is one).
  std::string NewUnit(const std::string& kind, const std::string& location = "接待室") {
    std::string parent;
    if (kind != "TOWNSHIP") parent = NewUnit("TOWNSHIP");
    auto unit = Create(
        "/v1/units",
        absl::StrCat(R"({"name":"单位","kind":")", kind, R"(","location":")", location, "\"",
                     parent.empty() ? "" : absl::StrCat(R"(,"parentId":")", parent, "\""), "}"));
    return JsonString(unit, "unitId");
  }

  std::string NewOfficial(const std::string& unit_id, const std::string& name,
                          const std::string& rank = "DEPUTY_SECTION_CHIEF") {
    auto official =
        Create("/v1/officials", absl::StrCat(R"({"name":")", name, R"(","unitId":")", unit_id,
                                             R"(","position":"副镇长","rank":")", rank, R"("})"));
    return JsonString(official, "officialId");
  }

  // POSTs a plan for the unit (the body after its `{`), returning its id.
  std::string NewPlan(const std::string& unit_id, const std::string& fields) {
    HttpResponse r = Call("POST", absl::StrCat("/v1/units/", unit_id, "/receptionPlans"),
                          absl::StrCat("{", fields), Clerk());
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonString(ParseJson(r.body), "planId");
  }

  struct Shown {
    std::string session_id;
    std::string date;
    std::vector<std::string> planned_dates;
    std::vector<std::string> officials;
    std::vector<std::string> planned_officials;
    std::string location;
    std::string first_name;
  };

  static std::vector<std::string> Strings(const google::protobuf::Value& list,
                                          const std::string& key = "") {
    std::vector<std::string> out;
    for (const auto& v : list.list_value().values()) {
      out.push_back(key.empty() ? v.string_value()
                                : v.struct_value().fields().at(key).string_value());
    }
    return out;
  }

  static Shown ShownFrom(const google::protobuf::Struct& s) {
    Shown out;
    const auto& f = s.fields();
    out.session_id = f.at("sessionId").string_value();
    out.date = f.at("date").string_value();
    if (f.count("plannedDates")) out.planned_dates = Strings(f.at("plannedDates"));
    if (f.count("officials")) {
      out.officials = Strings(f.at("officials"), "officialId");
      out.first_name = Strings(f.at("officials"), "name").front();
    }
    if (f.count("plannedOfficials")) {
      out.planned_officials = Strings(f.at("plannedOfficials"), "officialId");
    }
    if (f.count("location")) out.location = f.at("location").string_value();
    return out;
  }

  std::vector<Shown> Receptions(const std::string& unit_id, const std::string& from,
                                const std::string& to) {
    HttpResponse r =
        Call("GET", absl::StrCat("/v1/units/", unit_id, "/receptions?from=", from, "&to=", to), "",
             Clerk());
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<Shown> out;
    auto json = ParseJson(r.body);
    auto it = json.fields().find("sessions");
    if (it == json.fields().end()) return out;
    for (const auto& v : it->second.list_value().values())
      out.push_back(ShownFrom(v.struct_value()));
    return out;
  }

  static std::vector<std::string> Dates(const std::vector<Shown>& sessions) {
    std::vector<std::string> out;
    for (const Shown& s : sessions) out.push_back(s.date);
    return out;
  }

  HttpResponse Substitute(const std::string& session_id, const std::string& absent,
                          const std::string& substitute) {
    return Call("POST", absl::StrCat("/v1/receptions/", session_id, ":substitute"),
                absl::StrCat(R"({"absentOfficialId":")", absent, R"(","substituteOfficialId":")",
                             substitute, R"(","reason":"出差"})"),
                Clerk());
  }
};

TEST_F(SchedulingTest, DirectoryOfUnitsAndOfficials) {
  auto town = Create("/v1/units", R"({"requestId":"unit-town","name":"长乐镇人民政府",
      "kind":"TOWNSHIP","location":"镇政府一楼信访接待室"})");
  const std::string town_id = JsonString(town, "unitId");
  ASSERT_FALSE(town_id.empty());
  EXPECT_EQ(JsonString(town, "kind"), "TOWNSHIP");
  auto village = Create("/v1/units", absl::StrCat(R"({"name":"东村村委会","kind":"VILLAGE",
      "parentId":")",
                                                  town_id, R"(","location":"东村村部"})"));
  const std::string village_id = JsonString(village, "unitId");
  auto leader = Create("/v1/officials", absl::StrCat(R"({"name":"李明","unitId":")", town_id,
                                                     R"(","position":"副镇长",
      "rank":"DEPUTY_SECTION_CHIEF"})"));
  const std::string leader_id = JsonString(leader, "officialId");
  ASSERT_FALSE(leader_id.empty());

  // Anyone signed in reads units; the petition office reads officials.
  HttpResponse unit = Call("GET", "/v1/units/" + village_id, "", Clerk());
  ASSERT_EQ(unit.status, 200) << unit.body;
  EXPECT_EQ(JsonString(ParseJson(unit.body), "parentId"), town_id);
  EXPECT_EQ(JsonString(ParseJson(unit.body), "location"), "东村村部");
  HttpResponse official = Call("GET", "/v1/officials/" + leader_id, "", Clerk());
  ASSERT_EQ(official.status, 200) << official.body;
  EXPECT_EQ(JsonString(ParseJson(official.body), "rank"), "DEPUTY_SECTION_CHIEF");
  EXPECT_EQ(JsonString(ParseJson(official.body), "position"), "副镇长");

  HttpResponse villages = Call("GET", "/v1/units?kind=VILLAGE&parentId=" + town_id, "", Clerk());
  ASSERT_EQ(villages.status, 200) << villages.body;
  EXPECT_NE(villages.body.find(village_id), std::string::npos);
  EXPECT_EQ(villages.body.find(town_id + "\",\"name\""), std::string::npos);
  HttpResponse officials = Call("GET", "/v1/officials?unitId=" + town_id, "", Clerk());
  ASSERT_EQ(officials.status, 200) << officials.body;
  EXPECT_NE(officials.body.find(leader_id), std::string::npos);

  // A retry returns the first result; the same request id for another body is 409.
  auto again = Create("/v1/units", R"({"requestId":"unit-town","name":"长乐镇人民政府",
      "kind":"TOWNSHIP","location":"镇政府一楼信访接待室"})");
  EXPECT_EQ(JsonString(again, "unitId"), town_id);
  ExpectError(Call("POST", "/v1/units",
                   R"({"requestId":"unit-town","name":"别的镇","kind":"TOWNSHIP"})", Admin()),
              409, "ALREADY_EXISTS");
}

TEST_F(SchedulingTest, DirectoryRefusesBadEntries) {
  auto count = [&](const char* table) {
    auto n = stack_->Query(absl::StrCat("SELECT count(*) FROM scheduling.", table));
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : "";
  };
  const std::string units_before = count("units");
  const std::string officials_before = count("officials");
  ExpectError(Call("POST", "/v1/units", R"({"name":"长乐镇","kind":"TOWNSHIP"})", Clerk()), 403,
              "PERMISSION_DENIED");
  ExpectError(Call("POST", "/v1/units", R"({"kind":"VILLAGE"})", Admin()), 400, "INVALID_ARGUMENT",
              "name");
  ExpectError(Call("POST", "/v1/units",
                   R"({"name":"东村","kind":"VILLAGE","parentId":"unit_none"})", Admin()),
              400, "INVALID_ARGUMENT", "parentId");
  auto town = Create("/v1/units", R"({"name":"团堡镇","kind":"TOWNSHIP"})");
  const std::string town_id = JsonString(town, "unitId");
  ExpectError(
      Call("POST", "/v1/officials",
           absl::StrCat(R"({"name":"孙","unitId":")", town_id, R"(","rank":"VILLAGE_LEADER"})"),
           Admin()),
      400, "INVALID_ARGUMENT", "rank");
  ExpectError(Call("POST", "/v1/officials", R"({"name":"孙","unitId":"unit_none","rank":"STAFF"})",
                   Admin()),
              400, "INVALID_ARGUMENT", "unitId");
  ExpectError(Call("GET", "/v1/units/unit_none", "", Clerk()), 404, "NOT_FOUND");
  ExpectError(Call("GET", "/v1/units?pageToken=%%%", "", Clerk()), 400, "INVALID_ARGUMENT");
  ExpectError(Call("GET", "/v1/units"), 401, "UNAUTHENTICATED");
  // Nothing of the refused entries was stored (one township was created).
  EXPECT_EQ(std::stoi(count("units")), std::stoi(units_before) + 1);
  EXPECT_EQ(count("officials"), officials_before);
}

using ::testing::ElementsAre;

TEST_F(SchedulingTest, WeeklyMondaysAcrossTheSpringFestivalMergeIntoOneSession) {
  const std::string town = NewUnit("TOWNSHIP", "镇信访接待室");
  const std::string a = NewOfficial(town, "王强");
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["MONDAY"]}},
      "part":"MORNING","holidayPolicy":"POSTPONE","rotation":[")",
                             a, R"("],"startDate":"2026-02-01"})"));
  // 2/16 and 2/23 are days off of the Spring Festival (2/15-2/23): both
  // move to 2/24, one session listing both planned dates.
  auto sessions = Receptions(town, "2026-02-01", "2026-03-08");
  EXPECT_THAT(Dates(sessions), ElementsAre("2026-02-02", "2026-02-09", "2026-02-24", "2026-03-02"));
  ASSERT_EQ(sessions.size(), 4u);
  EXPECT_THAT(sessions[2].planned_dates, ElementsAre("2026-02-16", "2026-02-23"));
  EXPECT_THAT(sessions[2].officials, ElementsAre(a));
  EXPECT_EQ(sessions[2].first_name, "王强");
  EXPECT_EQ(sessions[2].location, "镇信访接待室");
  // The same session id whatever range is asked.
  auto one = Receptions(town, "2026-02-24", "2026-02-24");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].session_id, sessions[2].session_id);

  HttpResponse plans = Call("GET", absl::StrCat("/v1/units/", town, "/receptionPlans"), "",
                            stack_->Token({"leader"}, "off_leader"));
  ASSERT_EQ(plans.status, 200) << plans.body;
  EXPECT_NE(plans.body.find("\"MONDAY\""), std::string::npos) << plans.body;
}

TEST_F(SchedulingTest, MonthlyPlanOnTheFifteenthAndTwentyFifthWithEachHolidayPolicy) {
  auto plan = [&](const std::string& policy) {
    const std::string unit = NewUnit("TOWNSHIP");
    const std::string official = NewOfficial(unit, "赵敏");
    NewPlan(unit,
            absl::StrCat(R"("recurrence":{"monthly":{"days":[15,25]}},"holidayPolicy":")", policy,
                         R"(","rotation":[")", official, R"("],"startDate":"2026-01-01"})"));
    return unit;
  };
  // 9/25/2026 is the Mid-Autumn Festival (a Friday).
  auto postponed = Receptions(plan("POSTPONE"), "2026-09-01", "2026-09-30");
  EXPECT_THAT(Dates(postponed), ElementsAre("2026-09-15", "2026-09-28"));
  ASSERT_EQ(postponed.size(), 2u);
  EXPECT_THAT(postponed[1].planned_dates, ElementsAre("2026-09-25"));
  EXPECT_THAT(Dates(Receptions(plan("ADVANCE"), "2026-09-01", "2026-09-30")),
              ElementsAre("2026-09-15", "2026-09-24"));
  EXPECT_THAT(Dates(Receptions(plan("SKIP"), "2026-09-01", "2026-09-30")),
              ElementsAre("2026-09-15"));
}

TEST_F(SchedulingTest, RotationOfThreeOverSixMonthsWithTwoSubstitutions) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string a = NewOfficial(town, "甲");
  const std::string b = NewOfficial(town, "乙");
  const std::string c = NewOfficial(town, "丙");
  const std::string d = NewOfficial(town, "丁");
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["WEDNESDAY"]}},
      "rotation":[")",
                             a, R"(",")", b, R"(",")", c, R"("],"startDate":"2026-03-01",
      "endDate":"2026-08-31"})"));
  auto before = Receptions(town, "2026-03-01", "2026-08-31");
  ASSERT_GE(before.size(), 24u);
  const std::vector<std::string> order = {a, b, c};
  for (size_t i = 0; i < before.size(); ++i) {
    ASSERT_THAT(before[i].officials, ElementsAre(order[i % 3])) << before[i].date;
  }
  HttpResponse first = Substitute(before[4].session_id, order[4 % 3], d);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_NE(first.body.find("出差"), std::string::npos);
  ASSERT_EQ(Substitute(before[10].session_id, order[10 % 3], a).status, 200);
  auto after = Receptions(town, "2026-03-01", "2026-08-31");
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_THAT(after[i].planned_officials, ElementsAre(order[i % 3])) << after[i].date;
    const std::string receiving = i == 4 ? d : i == 10 ? a : order[i % 3];
    EXPECT_THAT(after[i].officials, ElementsAre(receiving)) << after[i].date;
  }
  // The absent official no longer receives that session.
  EXPECT_EQ(Substitute(before[4].session_id, order[4 % 3], c).status, 400);
  ExpectError(
      Call("POST", "/v1/receptions/plan_none-20260304:substitute",
           absl::StrCat(R"({"absentOfficialId":")", a, R"(","substituteOfficialId":")", b, R"("})"),
           Clerk()),
      404, "NOT_FOUND");
}

TEST_F(SchedulingTest, JointReceptionsTakeLeadersInTurn) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string a = NewOfficial(town, "甲");
  const std::string b = NewOfficial(town, "乙");
  const std::string c = NewOfficial(town, "丙");
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["TUESDAY"]}},
      "rotation":[")",
                             a, R"(",")", b, R"(",")", c, R"("],"leadersPerSession":2,
      "startDate":"2026-03-01"})"));
  auto sessions = Receptions(town, "2026-03-01", "2026-03-24");
  ASSERT_EQ(sessions.size(), 4u);
  EXPECT_THAT(sessions[0].officials, ElementsAre(a, b));
  EXPECT_THAT(sessions[1].officials, ElementsAre(c, a));
  EXPECT_THAT(sessions[2].officials, ElementsAre(b, c));
  EXPECT_THAT(sessions[3].officials, ElementsAre(a, b));
}

TEST_F(SchedulingTest, PlansObeyTheRankRuleAndTheWeeklyMinimums) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string staff = NewOfficial(town, "小刘", "STAFF");
  HttpResponse r = Call("POST", absl::StrCat("/v1/units/", town, "/receptionPlans"),
                        absl::StrCat(R"({"recurrence":{"weekly":{"weekdays":["MONDAY"]}},
      "rotation":[")",
                                     staff, R"("],"startDate":"2026-03-01"})"),
                        Clerk());
  ExpectError(r, 400, "INVALID_ARGUMENT", "rotation[0]");
  EXPECT_NE(r.body.find("rank rule"), std::string::npos) << r.body;

  const std::string department = NewUnit("DEPARTMENT");
  const std::string clerk = NewOfficial(department, "小陈", "STAFF");
  r = Call("POST", absl::StrCat("/v1/units/", department, "/receptionPlans"),
           absl::StrCat(R"({"recurrence":{"monthly":{"days":[15]}},"rotation":[")", clerk,
                        R"("],"startDate":"2026-03-01"})"),
           Clerk());
  ExpectError(r, 400, "INVALID_ARGUMENT", "recurrence");
  EXPECT_NE(r.body.find("half a working day"), std::string::npos) << r.body;
  // Half a day a week is enough for a department.
  NewPlan(department, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["FRIDAY"]}},
      "part":"AFTERNOON","rotation":[")",
                                   clerk, R"("],"startDate":"2026-03-01"})"));

  const std::string village = NewUnit("VILLAGE");
  const std::string cadre = NewOfficial(village, "老李", "VILLAGE_LEADER");
  r = Call("POST", absl::StrCat("/v1/units/", village, "/receptionPlans"),
           absl::StrCat(R"({"recurrence":{"weekly":{"weekdays":["MONDAY"]}},"part":"MORNING",
      "rotation":[")",
                        cadre, R"("],"startDate":"2026-03-01"})"),
           Clerk());
  ExpectError(r, 400, "INVALID_ARGUMENT", "part");
  EXPECT_NE(r.body.find("one full working day"), std::string::npos) << r.body;

  ExpectError(
      Call("POST", absl::StrCat("/v1/units/", town, "/receptionPlans"),
           R"({"recurrence":{"weekly":{"weekdays":["MONDAY"]}},"startDate":"2026-3-1"})", Clerk()),
      400, "INVALID_ARGUMENT", "startDate");
  ExpectError(Call("POST", absl::StrCat("/v1/units/", town, "/receptionPlans"),
                   R"({"recurrence":{"weekly":{"weekdays":["MONDAY"]}},"startDate":"2026-03-01"})",
                   stack_->Token({"leader"}, "off_leader")),
              403, "PERMISSION_DENIED");
}

TEST_F(SchedulingTest, SubstitutesMustBeEligibleAndFree) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string a = NewOfficial(town, "甲");
  const std::string b = NewOfficial(town, "乙");
  const std::string staff = NewOfficial(town, "小刘", "STAFF");
  const std::string other_town = NewUnit("TOWNSHIP");
  const std::string stranger = NewOfficial(other_town, "外");
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["MONDAY"]}},"part":"MORNING",
      "rotation":[")",
                             a, R"("],"startDate":"2026-03-01"})"));
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["MONDAY"]}},
      "location":"便民服务中心","rotation":[")",
                             b, R"("],"startDate":"2026-03-01"})"));
  auto sessions = Receptions(town, "2026-03-02", "2026-03-02");
  ASSERT_EQ(sessions.size(), 2u);
  const Shown& morning = sessions[0].officials[0] == a ? sessions[0] : sessions[1];
  ExpectError(Substitute(morning.session_id, a, staff), 400, "INVALID_ARGUMENT",
              "substituteOfficialId");
  ExpectError(Substitute(morning.session_id, a, stranger), 400, "INVALID_ARGUMENT",
              "substituteOfficialId");
  // 乙 receives all day at the service centre.
  ExpectError(Substitute(morning.session_id, a, b), 409, "ALREADY_EXISTS");
  auto unchanged = Receptions(town, "2026-03-02", "2026-03-02");
  for (const Shown& s : unchanged) EXPECT_EQ(s.officials.size(), 1u);

  // 丙 has a field visit at 10:00 that Monday, 丁 one at 15:00 (after the
  // morning session).
  const std::string c = NewOfficial(town, "丙");
  const std::string d = NewOfficial(town, "丁");
  auto visit = [&](const std::string& official, const std::string& at) {
    HttpResponse r = Call("POST", "/v1/appointments",
                          absl::StrCat(R"({"kind":"FIELD_VISIT","officialIds":[")", official,
                                       R"("],"caseId":"case_s","at":")", at,
                                       R"(","durationMinutes":60,"place":"西村"})"),
                          Clerk());
    ASSERT_EQ(r.status, 200) << r.body;
  };
  visit(c, "2026-03-02T02:00:00Z");
  visit(d, "2026-03-02T07:00:00Z");
  HttpResponse busy = Substitute(morning.session_id, a, c);
  ExpectError(busy, 409, "ALREADY_EXISTS");
  EXPECT_NE(busy.body.find("appointment"), std::string::npos) << busy.body;
  HttpResponse taken = Substitute(morning.session_id, a, d);
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(ShownFrom(ParseJson(taken.body)).officials, std::vector<std::string>{d});
}

TEST_F(SchedulingTest, UnitsKeepTheirOwnDutyHours) {
  auto unit_with = [&](const std::string& hours) {
    return Call("POST", "/v1/units",
                absl::StrCat(R"({"name":"石门镇","kind":"TOWNSHIP","dutyHours":)", hours, "}"),
                Admin());
  };
  ExpectError(unit_with(R"({"morningStart":"08:30","morningEnd":"13:00",
      "afternoonStart":"12:30","afternoonEnd":"18:00"})"),
              400, "INVALID_ARGUMENT", "dutyHours.afternoonStart");
  ExpectError(unit_with(R"({"morningStart":"08:30","morningEnd":"12:00",
      "afternoonStart":"15:00","afternoonEnd":"3pm"})"),
              400, "INVALID_ARGUMENT", "dutyHours.afternoonEnd");
  ExpectError(unit_with(R"({"morningStart":"09:00","morningEnd":"08:00",
      "afternoonStart":"15:00","afternoonEnd":"18:00"})"),
              400, "INVALID_ARGUMENT", "dutyHours.morningEnd");
  HttpResponse created = unit_with(R"({"morningStart":"08:30","morningEnd":"12:00",
      "afternoonStart":"15:00","afternoonEnd":"18:00"})");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string town = JsonString(ParseJson(created.body), "unitId");
  HttpResponse unit = Call("GET", "/v1/units/" + town, "", Clerk());
  ASSERT_EQ(unit.status, 200) << unit.body;
  EXPECT_EQ(JsonString(ParseJson(unit.body), "dutyHours.afternoonStart"), "15:00");

  const std::string a = NewOfficial(town, "甲");
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["WEDNESDAY"]}},
      "part":"AFTERNOON","rotation":[")",
                             a, R"("],"startDate":"2026-03-04"})"));
  const std::string base = absl::StrCat("/v1/units/", town, "/receptions");
  // 14:45 is the default afternoon, not this unit's.
  ExpectError(Call("GET", base + ":onDuty?at=2026-03-04T14:45:00%2B08:00", "", Clerk()), 404,
              "NOT_FOUND");
  HttpResponse duty = Call("GET", base + ":onDuty?at=2026-03-04T15:10:00%2B08:00", "", Clerk());
  ASSERT_EQ(duty.status, 200) << duty.body;
  EXPECT_EQ(ShownFrom(ParseJson(duty.body)).officials, std::vector<std::string>{a});
  EXPECT_EQ(Call("GET", base + ":onDuty?at=2026-03-04T17:45:00%2B08:00", "", Clerk()).status, 200);

  // The calendar shows the unit's hours.
  HttpResponse ics = Call("GET", base + ".ics?from=2026-03-04&to=2026-03-04", "", Clerk());
  ASSERT_EQ(ics.status, 200) << ics.body;
  EXPECT_NE(ics.body.find("DTSTART;TZID=Asia/Shanghai:20260304T150000"), std::string::npos)
      << ics.body;
  EXPECT_NE(ics.body.find("DTEND;TZID=Asia/Shanghai:20260304T180000"), std::string::npos)
      << ics.body;

  // So do the clash checks: 14:00-15:00 is free, 17:30-18:30 is not.
  auto appoint = [&](const std::string& at) {
    return Call("POST", "/v1/appointments",
                absl::StrCat(R"({"kind":"APPOINTMENT","officialIds":[")", a,
                             R"("],"caseId":"case_h","at":")", at,
                             R"(","durationMinutes":60,"place":"镇政府"})"),
                Clerk());
  };
  EXPECT_EQ(appoint("2026-03-04T06:00:00Z").status, 200);
  ExpectError(appoint("2026-03-04T09:30:00Z"), 409, "ALREADY_EXISTS");
}

TEST_F(SchedulingTest, OnDutyAndTheAssigneeHonouringRecusal) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string a = NewOfficial(town, "甲");
  const std::string b = NewOfficial(town, "乙");
  const std::string c = NewOfficial(town, "丙");
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["WEDNESDAY"]}},
      "part":"MORNING","rotation":[")",
                             a, R"(",")", b, R"(",")", c, R"("],"startDate":"2026-03-04"})"));
  const std::string base = absl::StrCat("/v1/units/", town, "/receptions");
  HttpResponse duty = Call("GET", base + ":onDuty?at=2026-03-04T09:15:00%2B08:00", "", Clerk());
  ASSERT_EQ(duty.status, 200) << duty.body;
  EXPECT_EQ(ShownFrom(ParseJson(duty.body)).officials, std::vector<std::string>{a});
  // 01:15Z is 09:15 in the township.
  EXPECT_EQ(Call("GET", base + ":onDuty?at=2026-03-04T01:15:00Z", "", Clerk()).status, 200);
  ExpectError(Call("GET", base + ":onDuty?at=2026-03-04T15:00:00%2B08:00", "", Clerk()), 404,
              "NOT_FOUND");
  ExpectError(Call("GET", base + ":onDuty?at=2026-03-05T09:00:00%2B08:00", "", Clerk()), 404,
              "NOT_FOUND");
  ExpectError(Call("GET", base + ":onDuty?at=yesterday", "", Clerk()), 400, "INVALID_ARGUMENT",
              "at");

  auto assignee = [&](const std::string& case_id) {
    return Call("GET", base + ":assignee?date=2026-03-04&caseId=" + case_id, "", Clerk());
  };
  HttpResponse r = assignee("case_1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JsonString(ParseJson(r.body), "official.officialId"), a);
  auto recuse = [&](const std::string& official) {
    HttpResponse rec = Call(
        "POST", "/v1/recusals",
        absl::StrCat(R"({"officialId":")", official, R"(","caseId":"case_1","reason":"亲属关系"})"),
        Clerk());
    EXPECT_EQ(rec.status, 200) << rec.body;
  };
  recuse(a);
  r = assignee("case_1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JsonString(ParseJson(r.body), "official.officialId"), b);
  r = assignee("case_2");  // other cases are not affected
  EXPECT_EQ(JsonString(ParseJson(r.body), "official.officialId"), a);
  recuse(b);
  recuse(c);
  ExpectError(assignee("case_1"), 409, "ABORTED");
  ExpectError(Call("GET", base + ":assignee?date=2026-03-05&caseId=case_2", "", Clerk()), 409,
              "ABORTED");
  HttpResponse list = Call("GET", "/v1/recusals?caseId=case_1", "", Clerk());
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(c), std::string::npos);
  ExpectError(
      Call("POST", "/v1/recusals", R"({"officialId":"off_none","caseId":"case_1"})", Clerk()), 400,
      "INVALID_ARGUMENT", "officialId");
}

TEST_F(SchedulingTest, RostersArePublishedOnceOnTimeOrLateAndListLaterChanges) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string a = NewOfficial(town, "甲");
  const std::string b = NewOfficial(town, "乙");
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["MONDAY"]}},"rotation":[")", a,
                             R"("],"startDate":"2026-01-01"})"));
  const std::string base = absl::StrCat("/v1/units/", town, "/rosters/");
  HttpResponse before = Call("GET", base + "2099-01", "", Clerk());
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.body.find("\"published\":true"), std::string::npos) << before.body;
  EXPECT_EQ(JsonString(ParseJson(before.body), "firstWorkingDay").substr(0, 9), "2099-01-0");

  // Long before the month's first working day: on time.
  HttpResponse published = Call("POST", base + "2099-01:publish", "{}", Clerk());
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_NE(published.body.find("\"published\":true"), std::string::npos) << published.body;
  EXPECT_EQ(published.body.find("\"late\":true"), std::string::npos) << published.body;
  const std::string published_at = JsonString(ParseJson(published.body), "publishedAt");
  ASSERT_FALSE(published_at.empty());

  // A substitution after publication applies and is listed as a change; the
  // published roster stays as it was.
  auto sessions = Receptions(town, "2099-01-01", "2099-01-31");
  ASSERT_FALSE(sessions.empty());
  ASSERT_EQ(Substitute(sessions[0].session_id, a, b).status, 200);
  HttpResponse after = Call("GET", base + "2099-01", "", stack_->Token({"leader"}, "off_l"));
  ASSERT_EQ(after.status, 200) << after.body;
  auto json = ParseJson(after.body);
  EXPECT_EQ(JsonString(json, "publishedAt"), published_at);
  const auto& changes = json.fields().at("changesSincePublication").list_value().values();
  ASSERT_EQ(changes.size(), 1);
  EXPECT_EQ(changes[0].struct_value().fields().at("sessionId").string_value(),
            sessions[0].session_id);
  const auto& frozen = json.fields().at("publishedSessions").list_value().values();
  ASSERT_EQ(frozen.size(), sessions.size());
  EXPECT_EQ(ShownFrom(frozen[0].struct_value()).officials, std::vector<std::string>{a});
  const auto& now = json.fields().at("sessions").list_value().values();
  EXPECT_EQ(ShownFrom(now[0].struct_value()).officials, std::vector<std::string>{b});

  // Publishing again changes nothing.
  HttpResponse again = Call("POST", base + "2099-01:publish", "{}", Clerk());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(JsonString(ParseJson(again.body), "publishedAt"), published_at);

  // A month already under way: late.
  HttpResponse late = Call("POST", base + "2026-01:publish", "{}", Clerk());
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_NE(late.body.find("\"late\":true"), std::string::npos) << late.body;
  ExpectError(Call("GET", base + "2026-13", "", Clerk()), 400, "INVALID_ARGUMENT", "month");
  ExpectError(Call("POST", base + "2099-02:publish", "{}", stack_->Token({"leader"}, "off_l")), 403,
              "PERMISSION_DENIED");
}

TEST_F(SchedulingTest, AppointmentsDoNotClashWithSessionsOrEachOther) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string a = NewOfficial(town, "甲");
  const std::string b = NewOfficial(town, "乙");
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["WEDNESDAY"]}},
      "part":"MORNING","rotation":[")",
                             a, R"("],"startDate":"2026-03-04"})"));
  auto appoint = [&](const std::string& kind, const std::string& official, const std::string& at) {
    return Call("POST", "/v1/appointments",
                absl::StrCat(R"({"kind":")", kind, R"(","officialIds":[")", official,
                             R"("],"caseId":"case_a","at":")", at,
                             R"(","durationMinutes":60,"place":"东村张某家"})"),
                Clerk());
  };
  // 10:00 in the township: 甲 receives petitioners that morning.
  HttpResponse clash = appoint("APPOINTMENT", a, "2026-03-04T02:00:00Z");
  ExpectError(clash, 409, "ALREADY_EXISTS");
  EXPECT_NE(clash.body.find("reception session"), std::string::npos) << clash.body;
  HttpResponse ok = appoint("APPOINTMENT", a, "2026-03-04T07:00:00Z");  // 15:00
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_FALSE(JsonString(ParseJson(ok.body), "appointmentId").empty());
  ExpectError(appoint("FIELD_VISIT", a, "2026-03-04T07:30:00Z"), 409, "ALREADY_EXISTS");
  ASSERT_EQ(appoint("FIELD_VISIT", b, "2026-03-04T07:30:00Z").status, 200);
  ExpectError(appoint("VISIT", b, "2026-03-05T07:30:00Z"), 400, "INVALID_ARGUMENT");
  HttpResponse list = Call("GET", "/v1/appointments?officialId=" + a, "", Clerk());
  ASSERT_EQ(list.status, 200) << list.body;
  auto json = ParseJson(list.body);
  ASSERT_EQ(json.fields().at("appointments").list_value().values_size(), 1) << list.body;
  EXPECT_NE(list.body.find("东村张某家"), std::string::npos);
}

// Two bookings of one official at one time, sent at once: a substitution
// that puts 丙 into a morning session and an appointment of 丙 that morning,
// or two appointments of 丙. The clash is checked under a lock on 丙 in the
// transaction that books, so exactly one passes and the other is 409, in
// every round.
TEST_F(SchedulingTest, ConcurrentBookingsOfOneOfficialNeverBothPass) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string a = NewOfficial(town, "甲");
  const std::string c = NewOfficial(town, "丙");
  NewPlan(town,
          absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["WEDNESDAY"]}},)",
                       R"("part":"MORNING","rotation":[")", a, R"("],"startDate":"2026-03-04"})"));
  const std::vector<Shown> sessions = Receptions(town, "2026-03-11", "2026-04-29");
  ASSERT_EQ(sessions.size(), 8u);
  auto race = [&](const std::string& first_path, const std::string& first_body,
                  const std::string& second_path, const std::string& second_body) {
    absl::Notification go;
    HttpResponse results[2];
    std::thread one([&] {
      go.WaitForNotification();
      auto r = stack_->Call("POST", first_path, first_body, Clerk());
      if (r.ok()) results[0] = *r;
    });
    std::thread two([&] {
      go.WaitForNotification();
      auto r = stack_->Call("POST", second_path, second_body, Clerk());
      if (r.ok()) results[1] = *r;
    });
    go.Notify();
    one.join();
    two.join();
    return std::pair<HttpResponse, HttpResponse>(results[0], results[1]);
  };
  auto appointment = [&](const std::string& date, const std::string& place) {
    // 10:00 in the township, within the morning session.
    return absl::StrCat(R"({"kind":"APPOINTMENT","officialIds":[")", c, R"("],"at":")", date,
                        R"(T02:00:00Z","durationMinutes":60,"place":")", place, R"("})");
  };
  int substitutions_won = 0;
  int appointments_won = 0;
  for (size_t round = 0; round < 4; ++round) {
    const Shown& session = sessions[round];
    auto [sub, appt] =
        race(absl::StrCat("/v1/receptions/", session.session_id, ":substitute"),
             absl::StrCat(R"({"absentOfficialId":")", a, R"(","substituteOfficialId":")", c,
                          R"(","reason":"出差"})"),
             "/v1/appointments", appointment(session.date, "东村"));
    SCOPED_TRACE(absl::StrCat("round ", round, ": ", sub.body, " / ", appt.body));
    ASSERT_TRUE((sub.status == 200) != (appt.status == 200));
    if (sub.status == 200) {
      ++substitutions_won;
      ExpectError(appt, 409, "ALREADY_EXISTS");
      EXPECT_NE(appt.body.find("reception session"), std::string::npos);
    } else {
      ++appointments_won;
      ExpectError(sub, 409, "ALREADY_EXISTS");
      EXPECT_NE(sub.body.find("appointment"), std::string::npos);
    }
    // What is stored agrees: 丙 either receives that morning or has the appointment.
    const bool receives =
        Receptions(town, session.date, session.date).at(0).officials == std::vector<std::string>{c};
    HttpResponse listed =
        Call("GET", "/v1/appointments?officialId=" + c + "&pageSize=500", "", Clerk());
    const bool booked = listed.body.find(session.date) != std::string::npos;
    EXPECT_NE(receives, booked) << listed.body;
  }
  EXPECT_EQ(substitutions_won + appointments_won, 4);
  for (size_t round = 4; round < 8; ++round) {
    const Shown& session = sessions[round];
    // Afternoon: no session; two appointments of 丙 at once.
    const std::string at = absl::StrCat(R"(T07:00:00Z","durationMinutes":60,"place":")");
    auto [one, two] = race("/v1/appointments",
                           absl::StrCat(R"({"kind":"APPOINTMENT","officialIds":[")", c,
                                        R"("],"at":")", session.date, at, R"(西村"})"),
                           "/v1/appointments",
                           absl::StrCat(R"({"kind":"FIELD_VISIT","officialIds":[")", c,
                                        R"("],"at":")", session.date, at, R"(北村"})"));
    SCOPED_TRACE(absl::StrCat("round ", round, ": ", one.body, " / ", two.body));
    ASSERT_TRUE((one.status == 200) != (two.status == 200));
    ExpectError(one.status == 200 ? two : one, 409, "ALREADY_EXISTS");
  }
}

// Every list pages: pageSize up to 500 (more is 400), nextPageToken until the last page.
TEST_F(SchedulingTest, EveryListPagesWithTokens) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string a = NewOfficial(town, "王强");
  const std::string b = NewOfficial(town, "李娜");
  for (int i = 0; i < 3; ++i) {
    NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["MONDAY"]}},)",
                               R"("part":"MORNING","rotation":[")", a, R"(",")", b,
                               R"("],"startDate":"2026-03-0)", i + 1, R"("})"));
    Create("/v1/recusals", absl::StrCat(R"({"officialId":")", a, R"(","caseId":"case_pag)", i,
                                        R"(","reason":"亲属"})"));
    Create("/v1/appointments",
           absl::StrCat(R"({"kind":"FIELD_VISIT","officialIds":[")", b, R"("],"at":"2026-05-0)",
                        i + 4, R"(T07:00:00Z","place":"东村"})"));
  }
  struct List {
    std::string path;  // with its filter
    std::string items;
    std::string id;
  };
  for (const List& list :
       {List{absl::StrCat("/v1/units/", town, "/receptionPlans?"), "plans", "planId"},
        List{absl::StrCat("/v1/recusals?officialId=", a, "&"), "recusals", "recusalId"},
        List{absl::StrCat("/v1/appointments?officialId=", b, "&"), "appointments", "appointmentId"},
        List{absl::StrCat("/v1/units/", town, "/receptions?from=2026-03-01&to=2026-03-31&"),
             "sessions", "sessionId"}}) {
    HttpResponse whole = Call("GET", list.path + "pageSize=500", "", Clerk());
    ASSERT_EQ(whole.status, 200) << list.path << whole.body;
    std::vector<std::string> all = Strings(ParseJson(whole.body).fields().at(list.items), list.id);
    ASSERT_GE(all.size(), 3u) << whole.body;
    EXPECT_EQ(JsonString(ParseJson(whole.body), "nextPageToken"), "") << whole.body;
    std::vector<std::string> paged;
    std::string token;
    for (int pages = 0; pages < 100; ++pages) {
      HttpResponse r =
          Call("GET", absl::StrCat(list.path, "pageSize=2&pageToken=", token), "", Clerk());
      ASSERT_EQ(r.status, 200) << list.path << r.body;
      auto json = ParseJson(r.body);
      std::vector<std::string> page = Strings(json.fields().at(list.items), list.id);
      EXPECT_LE(page.size(), 2u);
      paged.insert(paged.end(), page.begin(), page.end());
      token = JsonString(json, "nextPageToken");
      if (token.empty()) break;
    }
    EXPECT_EQ(paged, all) << list.path;
    ExpectError(Call("GET", list.path + "pageSize=501", "", Clerk()), 400, "INVALID_ARGUMENT",
                "pageSize");
    ExpectError(Call("GET", list.path + "pageToken=bm90LWEtdG9rZW4", "", Clerk()), 400,
                "INVALID_ARGUMENT", "pageToken");
  }
  ExpectError(Call("GET",
                   absl::StrCat("/v1/units/", town,
                                "/receptions.ics?from=2026-03-01&to=2026-03-31&pageSize=1"),
                   "", Clerk()),
              400, "INVALID_ARGUMENT", "pageSize");
}

// requestId (AIP-155) on every mutation: the same id and body answers the first result and
// changes nothing more; the same id with another body is 409.
TEST_F(SchedulingTest, MutationsAreIdempotentByRequestId) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string a = NewOfficial(town, "王强");
  const std::string b = NewOfficial(town, "李娜");
  const std::string c = NewOfficial(town, "赵敏");
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["MONDAY"]}},)",
                             R"("part":"MORNING","rotation":[")", a, R"(",")", b,
                             R"("],"startDate":"2026-03-01"})"));
  const std::string session = Receptions(town, "2026-03-02", "2026-03-02").at(0).session_id;
  const std::string substitute =
      absl::StrCat(R"({"requestId":"sub-1","absentOfficialId":")", a,
                   R"(","substituteOfficialId":")", c, R"(","reason":"出差"})");
  const std::string path = absl::StrCat("/v1/receptions/", session, ":substitute");
  HttpResponse first = Call("POST", path, substitute, Clerk());
  ASSERT_EQ(first.status, 200) << first.body;
  HttpResponse again = Call("POST", path, substitute, Clerk());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(ParseJson(again.body).fields().at("substitutions").list_value().values_size(), 1);
  ExpectError(Call("POST", path,
                   absl::StrCat(R"({"requestId":"sub-1","absentOfficialId":")", b,
                                R"(","substituteOfficialId":")", c, R"("})"),
                   Clerk()),
              409, "ALREADY_EXISTS");

  const std::string appointment =
      absl::StrCat(R"({"requestId":"appt-1","kind":"APPOINTMENT","officialIds":[")", b,
                   R"("],"caseId":"case_idem","at":"2026-05-06T07:00:00Z","place":"镇政府"})");
  HttpResponse made = Call("POST", "/v1/appointments", appointment, Clerk());
  ASSERT_EQ(made.status, 200) << made.body;
  HttpResponse remade = Call("POST", "/v1/appointments", appointment, Clerk());
  ASSERT_EQ(remade.status, 200) << remade.body;
  EXPECT_EQ(JsonString(ParseJson(remade.body), "appointmentId"),
            JsonString(ParseJson(made.body), "appointmentId"));
  HttpResponse listed = Call("GET", absl::StrCat("/v1/appointments?caseId=case_idem"), "", Clerk());
  EXPECT_EQ(ParseJson(listed.body).fields().at("appointments").list_value().values_size(), 1)
      << listed.body;
  // Another caller's same id is another request (here: a clash with the first appointment).
  ExpectError(Call("POST", "/v1/appointments", appointment, Admin()), 409, "ALREADY_EXISTS");

  const std::string recusal = absl::StrCat(R"({"requestId":"rec-1","officialId":")", a,
                                           R"(","caseId":"case_idem","reason":"亲属"})");
  HttpResponse recused = Call("POST", "/v1/recusals", recusal, Clerk());
  ASSERT_EQ(recused.status, 200) << recused.body;
  EXPECT_EQ(Call("POST", "/v1/recusals", recusal, Clerk()).body, recused.body);
  ExpectError(
      Call("POST", "/v1/recusals",
           absl::StrCat(R"({"requestId":"rec-1","officialId":")", b, R"(","caseId":"case_idem"})"),
           Clerk()),
      409, "ALREADY_EXISTS");

  const std::string publish_path = absl::StrCat("/v1/units/", town, "/rosters/2026-04:publish");
  HttpResponse published = Call("POST", publish_path, R"({"requestId":"pub-1"})", Clerk());
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_EQ(Call("POST", publish_path, R"({"requestId":"pub-1"})", Clerk()).body, published.body);
  ExpectError(Call("POST", absl::StrCat("/v1/units/", town, "/rosters/2026-05:publish"),
                   R"({"requestId":"pub-1"})", Clerk()),
              409, "ALREADY_EXISTS");

  // A retried PUT of a calendar does not undo a later change.
  const std::string calendar =
      R"({"requestId":"cal-1","holidays":[{"date":"2031-01-01","name":"元旦"}]})";
  ASSERT_EQ(Call("PUT", "/v1/calendars/2031", calendar, Admin()).status, 200);
  ASSERT_EQ(Call("PUT", "/v1/calendars/2031",
                 R"({"holidays":[{"date":"2031-01-02","name":"元旦"}]})", Admin())
                .status,
            200);
  HttpResponse retried = Call("PUT", "/v1/calendars/2031", calendar, Admin());
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_NE(retried.body.find("2031-01-02"), std::string::npos) << retried.body;
  EXPECT_EQ(
      JsonString(ParseJson(Call("GET", "/v1/calendar/days/2031-01-02", "", Clerk()).body), "kind"),
      "HOLIDAY");
  ExpectError(Call("PUT", "/v1/calendars/2031", R"({"requestId":"cal-1"})", Admin()), 409,
              "ALREADY_EXISTS");
}

// Runs `command`, returning what it printed (empty when it failed).
std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  return pclose(pipe) == 0 ? out : "";
}

TEST_F(SchedulingTest, TheReceptionCalendarReadsBackWithIcalJs) {
  const std::string town = NewUnit("TOWNSHIP", "镇政府一楼, 信访接待室");
  const std::string a = NewOfficial(town, "王强");
  const std::string b = NewOfficial(town, "李娜");
  NewPlan(town,
          absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["MONDAY"]}},"part":"MORNING",
      "rotation":[")",
                       a, R"(",")", b, R"("],"leadersPerSession":2,"startDate":"2026-02-01"})"));
  HttpResponse r =
      Call("GET", absl::StrCat("/v1/units/", town, "/receptions.ics?from=2026-02-01&to=2026-03-08"),
           "", Clerk());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/calendar; charset=utf-8");
  EXPECT_EQ(r.body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u) << r.body;

  const char* source = std::getenv("PETITION_SOURCE_DIR");
  ASSERT_NE(source, nullptr) << "PETITION_SOURCE_DIR is not set";
  const std::string file = absl::StrCat(::testing::TempDir(), "receptions_", town, ".ics");
  {
    FILE* f = fopen(file.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    fwrite(r.body.data(), 1, r.body.size(), f);
    fclose(f);
  }
  const std::string printed =
      RunCommand(absl::StrCat("node ", source, "/tests/e2e/scheduling_ics_check.mjs ", file));
  ASSERT_FALSE(printed.empty()) << "ical.js could not read the calendar:\n" << r.body;
  auto json = ParseJson(printed);
  EXPECT_EQ(JsonString(json, "version"), "2.0");
  EXPECT_EQ(JsonString(json, "timezone"), "Asia/Shanghai");
  const auto& events = json.fields().at("events").list_value().values();
  auto sessions = Receptions(town, "2026-02-01", "2026-03-08");
  ASSERT_EQ(events.size(), static_cast<int>(sessions.size()));
  ASSERT_EQ(events.size(), 4);
  const auto& merged = events[2].struct_value().fields();
  EXPECT_EQ(merged.at("uid").string_value(), sessions[2].session_id + "@receptions.petition");
  EXPECT_EQ(merged.at("start").string_value(), "2026-02-24T08:30:00");
  EXPECT_EQ(merged.at("end").string_value(), "2026-02-24T12:00:00");
  EXPECT_EQ(merged.at("startUtc").string_value(), "2026-02-24T00:30:00.000Z");
  EXPECT_EQ(merged.at("location").string_value(), "镇政府一楼, 信访接待室");
  EXPECT_NE(merged.at("summary").string_value().find("王强（副镇长）"), std::string::npos);
  EXPECT_NE(merged.at("description").string_value().find("2026-02-16、2026-02-23"),
            std::string::npos);
  EXPECT_EQ(Strings(merged.at("attendees")).size(), 2u);

  // The same session keeps its UID in another export.
  HttpResponse again =
      Call("GET", absl::StrCat("/v1/units/", town, "/receptions.ics?from=2026-02-24&to=2026-02-24"),
           "", Clerk());
  EXPECT_NE(again.body.find(absl::StrCat("UID:", sessions[2].session_id)), std::string::npos);
  std::remove(file.c_str());
}

// The dashboard's "receptions this week": scheduling's gauge counts the same
// sessions the API serves for the current week (Monday to Sunday, Beijing time).
TEST_F(SchedulingTest, ThisWeeksSessionsGaugeCountsWhatTheApiServes) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string a = NewOfficial(town, "甲");
  NewPlan(town, absl::StrCat(R"("recurrence":{"weekly":{"weekdays":["MONDAY","TUESDAY",
      "WEDNESDAY","THURSDAY","FRIDAY","SATURDAY","SUNDAY"]}},"holidayPolicy":"SKIP",
      "rotation":[")",
                             a, R"("],"startDate":"2026-01-01"})"));
  const absl::TimeZone beijing = absl::FixedTimeZone(8 * 3600);
  const absl::CivilDay today = absl::ToCivilDay(stack_->Now(), beijing);
  const absl::CivilDay monday = absl::PrevWeekday(today + 1, absl::Weekday::monday);
  const size_t served =
      Receptions(town, absl::FormatCivilTime(monday), absl::FormatCivilTime(monday + 6)).size();
  const std::string series =
      absl::StrCat("petition_reception_sessions_this_week{unit=\"", town, "\"} ", served, "\n");
  std::string text;
  EXPECT_TRUE(Eventually([&] {
    auto r = HttpRequest(stack_->metrics_port("scheduling"), "GET", "/metrics");
    text = r.ok() ? r->body : "";
    return text.find(series) != std::string::npos;
  })) << "no "
      << series << "in\n"
      << text;
}

}  // namespace
}  // namespace petition::testing
