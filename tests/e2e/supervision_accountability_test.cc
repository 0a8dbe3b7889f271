// Accountability end to end, the four real binaries and PostgreSQL:
// screening reports against scheduling's directory, escalations, the units'
// statistics after real cases through intake, escalations at fault or not,
// public criticisms and the annual assessment over cases with explicit
// dates. (A provisional due date counted again once its year is loaded:
// tests/e2e/stack_clock_test.cc, at its date.)
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/call_proof.h"
#include "common/dates.h"
#include "common/grpc_server.h"
#include "common/ids.h"
#include "common/testing/eventually.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

namespace sv = supervision::v1;

constexpr char kVisit[] = R"({
  "channel": "VISIT",
  "category": "RIGHTS_INFRINGEMENT",
  "subject": "宅基地纠纷",
  "content": "邻居占用宅基地，请求镇里协调处理。",
  "petitioners": [{"name": "张三", "idNumber": "11010519491231002X",
                   "phone": "13800138000", "address": "长乐镇东村三组12号"}]
})";

// Today by the stack's rules' clock (a run may put it at another date).
absl::CivilDay Today(const TestStack& stack) {
  return absl::ToCivilDay(stack.Now(), TownshipZone());
}

std::string ThisMonth(const TestStack& stack) {
  const absl::CivilDay d = Today(stack);
  return absl::StrFormat("%04d-%02d", d.year(), d.month());
}

template <typename M>
M Parse(const std::string& body) {
  M m;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(body, &m, options).ok()) << body;
  return m;
}

class SupervisionAccountabilityTest : public StackTest<SupervisionAccountabilityTest> {
 public:
  static constexpr char kStackName[] = "account";

 protected:
  static void ExpectError(const HttpResponse& r, int status, const std::string& code,
                          const std::string& in_body = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(JsonString(ParseJson(r.body), "error.code"), code) << r.body;
    if (!in_body.empty()) EXPECT_NE(r.body.find(in_body), std::string::npos) << r.body;
  }
  static std::string Admin() { return stack_->Token({"admin"}, "off_admin"); }
  static std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }
  static std::string Supervisor() { return stack_->Token({"supervisor"}, "off_sup"); }
  static std::string Handler(const std::string& unit) {
    return stack_->Token({"handler"}, "off_h_" + unit, unit);
  }

  static std::string NewUnit(const std::string& kind, const std::string& parent = "") {
    HttpResponse r =
        Call("POST", "/v1/units",
             absl::StrCat(R"({"name":"单位","kind":")", kind, R"(","location":"接待室")",
                          parent.empty() ? "" : R"(,"parentId":")" + parent + "\"", "}"),
             Admin());
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonString(ParseJson(r.body), "unitId");
  }

  static std::string Register(const std::string& body) {
    HttpResponse r = Call("POST", "/v1/cases", body, Clerk());
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonString(ParseJson(r.body), "caseId");
  }
  static void Step(const std::string& id, const std::string& verb, const std::string& body,
                   const std::string& token) {
    HttpResponse r = Call("POST", absl::StrCat("/v1/cases/", id, ":", verb), body, token);
    EXPECT_EQ(r.status, 200) << verb << ": " << r.body;
  }
  static void Accept(const std::string& id, const std::string& unit,
                     const std::string& complexity = "SIMPLE") {
    Step(id, "accept",
         absl::StrCat(R"({"handlingUnitIds":[")", unit, R"("],"complexity":")", complexity,
                      R"(","leaderId":"off_leader1"})"),
         Clerk());
  }

  // The case's deadlines once supervision has applied `kind` in `state`.
  static sv::CaseDeadlines WaitForDeadline(const std::string& id, sv::DeadlineKind kind,
                                           sv::DeadlineState state) {
    sv::CaseDeadlines seen;
    EXPECT_TRUE(Eventually([&] {
      HttpResponse r = Call("GET", "/v1/cases/" + id + "/deadlines", "", Supervisor());
      if (r.status != 200) return false;
      seen = Parse<sv::CaseDeadlines>(r.body);
      for (const auto& d : seen.deadlines()) {
        if (d.kind() == kind && d.state() == state) return true;
      }
      return false;
    })) << seen.DebugString();
    return seen;
  }

  static std::unique_ptr<sv::Supervision::Stub> AsIntake() {
    auto key = CallKey::Create(stack_->internal_secret());
    return sv::Supervision::NewStub(
        MakeChannel(absl::StrCat("127.0.0.1:", stack_->grpc_port("supervision")),
                    std::make_shared<const CallSigner>("intake", *key)));
  }

  // A case told to supervision as intake tells it, each event at 10:00 on
  // its day (township time): the dates are the test's, never today's.
  struct DatedCase {
    std::string id = NewId("case");
    int64_t sequence = 0;
  };
  static petition::v1::CaseEvent Next(DatedCase& c, absl::CivilDay day) {
    petition::v1::CaseEvent e;
    e.set_event_id(NewId("evt"));
    e.set_case_id(c.id);
    e.set_sequence(++c.sequence);
    *e.mutable_occurred_at() = ToProtoTimestamp(absl::FromCivil(
        absl::CivilSecond(day.year(), day.month(), day.day(), 10, 0, 0), TownshipZone()));
    return e;
  }
  static void Apply(const petition::v1::CaseEvent& e) {
    sv::ApplyCaseEventsRequest request;
    *request.add_events() = e;
    sv::ApplyCaseEventsResponse response;
    grpc::ClientContext context;
    grpc::Status s = AsIntake()->ApplyCaseEvents(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.applied(), 1);
  }
  // Registered on `received`; `county_due` makes it a county transfer.
  static DatedCase Registered(absl::CivilDay received, const std::string& county_due = "") {
    DatedCase c;
    petition::v1::CaseEvent e = Next(c, received);
    auto* r = e.mutable_registered();
    r->set_channel("VISIT");
    r->set_category("OTHER");
    r->set_source(county_due.empty() ? "TOWNSHIP" : "COUNTY_TRANSFER");
    r->set_county_due_date(county_due);
    *r->mutable_received_at() = e.occurred_at();
    Apply(e);
    return c;
  }
  static void Accepted(DatedCase& c, absl::CivilDay day, const std::string& unit,
                       const std::string& complexity) {
    petition::v1::CaseEvent e = Next(c, day);
    e.mutable_accepted()->add_handling_unit_ids(unit);
    e.mutable_accepted()->set_complexity(complexity);
    e.mutable_accepted()->set_leader_id("off_leader1");
    Apply(e);
  }
  static void Answered(DatedCase& c, absl::CivilDay day) {
    petition::v1::CaseEvent e = Next(c, day);
    e.mutable_answered()->set_opinion_id(NewId("op"));
    e.mutable_answered()->set_outcome("EXPLAINED");
    Apply(e);
  }
  static void Declined(DatedCase& c, absl::CivilDay day) {
    petition::v1::CaseEvent e = Next(c, day);
    e.mutable_declined()->set_route("OTHER_AUTHORITY");
    Apply(e);
  }
  // A case registered on `received` and accepted the next day.
  static DatedCase AcceptedCase(absl::CivilDay received, const std::string& unit,
                                const std::string& complexity) {
    DatedCase c = Registered(received);
    Accepted(c, received + 1, unit, complexity);
    return c;
  }

  static absl::CivilDay DueDate(const DatedCase& c, sv::DeadlineKind kind) {
    HttpResponse r = Call("GET", "/v1/cases/" + c.id + "/deadlines", "", Supervisor());
    EXPECT_EQ(r.status, 200) << r.body;
    const auto deadlines = Parse<sv::CaseDeadlines>(r.body);
    for (const auto& d : deadlines.deadlines()) {
      if (d.kind() != kind) continue;
      auto due = ParseDate(d.due_date());
      EXPECT_TRUE(due.ok()) << d.DebugString();
      if (due.ok()) return *due;
    }
    ADD_FAILURE() << c.id << " has no deadline " << sv::DeadlineKind_Name(kind) << ": " << r.body;
    return absl::CivilDay();
  }

  // POST /v1/escalations; `extra` adds fields to the body.
  static HttpResponse PostEscalation(const DatedCase& c, const std::string& level,
                                     absl::CivilDay on, const std::string& extra = "") {
    return Call("POST", "/v1/escalations",
                absl::StrCat(R"({"caseId":")", c.id, R"(","level":")", level,
                             R"(","headcount":1,"occurredOn":")", FormatDate(on), "\"", extra, "}"),
                Clerk());
  }
  static sv::Escalation Escalate(const DatedCase& c, const std::string& level, absl::CivilDay on,
                                 const std::string& extra = "") {
    HttpResponse r = PostEscalation(c, level, on, extra);
    EXPECT_EQ(r.status, 200) << r.body;
    return Parse<sv::Escalation>(r.body);
  }
  static std::vector<sv::Escalation::Fault> Faults(const sv::Escalation& e) {
    std::vector<sv::Escalation::Fault> out;
    for (int f : e.faults()) out.push_back(static_cast<sv::Escalation::Fault>(f));
    return out;
  }

  // The unit's row of GET /v1/stats/units over [from, to] (empty when none).
  static sv::UnitStatsRow StatsRow(const std::string& unit, const std::string& from,
                                   const std::string& to) {
    HttpResponse r =
        Call("GET", absl::StrCat("/v1/stats/units?from=", from, "&to=", to, "&pageSize=500"), "",
             Supervisor());
    EXPECT_EQ(r.status, 200) << r.body;
    const auto stats = Parse<sv::GetUnitStatsResponse>(r.body);
    for (const auto& row : stats.rows()) {
      if (row.unit_id() == unit) return row;
    }
    return sv::UnitStatsRow();
  }
};

TEST_F(SupervisionAccountabilityTest, ScreeningReportsNameTheUnitsThatHaveNotReported) {
  const std::string town = NewUnit("TOWNSHIP");
  const std::string village = NewUnit("VILLAGE", town);
  const std::string department = NewUnit("DEPARTMENT", town);
  const std::string month = ThisMonth(*stack_);
  const std::string path = absl::StrCat("/v1/screeningReports/", village, "/", month);
  const std::string report =
      R"({"items":[{"summary":"东村三组宅基地界址纠纷","responsiblePerson":"李四",)"
      R"("dueDate":"2099-01-31"}],"requestId":"scr-1"})";

  // Validation: a zero report with items, an empty report, bad months and dates.
  ExpectError(Call("PUT", path,
                   R"({"zeroReport":true,"items":[{"summary":"a","responsiblePerson":"b",)"
                   R"("dueDate":"2099-01-01"}]})",
                   Handler(village)),
              400, "INVALID_ARGUMENT", "zeroReport");
  ExpectError(Call("PUT", path, "{}", Handler(village)), 400, "INVALID_ARGUMENT", "items");
  ExpectError(Call("PUT", absl::StrCat("/v1/screeningReports/", village, "/2026-13"),
                   R"({"zeroReport":true})", Handler(village)),
              400, "INVALID_ARGUMENT", "month");
  ExpectError(Call("PUT", path,
                   R"({"items":[{"summary":"a","responsiblePerson":"b","dueDate":"2000-01-01"}]})",
                   Handler(village)),
              400, "INVALID_ARGUMENT", "items[0].dueDate");
  // A unit reports for itself; the township itself does not report; unknown units do not exist.
  ExpectError(Call("PUT", path, report, Handler(department)), 403, "PERMISSION_DENIED");
  ExpectError(Call("PUT", path, report, Supervisor()), 403, "PERMISSION_DENIED");
  ExpectError(Call("PUT", absl::StrCat("/v1/screeningReports/", town, "/", month),
                   R"({"zeroReport":true})", Clerk()),
              400, "FAILED_PRECONDITION");
  ExpectError(Call("PUT", absl::StrCat("/v1/screeningReports/unit_nowhere/", month),
                   R"({"zeroReport":true})", Clerk()),
              404, "NOT_FOUND");

  HttpResponse put = Call("PUT", path, report, Handler(village));
  ASSERT_EQ(put.status, 200) << put.body;
  auto stored = Parse<sv::ScreeningReport>(put.body);
  EXPECT_EQ(stored.unit_id(), village);
  EXPECT_EQ(stored.month(), month);
  ASSERT_EQ(stored.items_size(), 1);
  EXPECT_EQ(stored.items(0).responsible_person(), "李四");
  EXPECT_FALSE(stored.late());
  // The same request id again: the first result; with another body: 409.
  EXPECT_EQ(Call("PUT", path, report, Handler(village)).status, 200);
  ExpectError(Call("PUT", path, R"({"zeroReport":true,"requestId":"scr-1"})", Handler(village)),
              409, "ALREADY_EXISTS");

  HttpResponse list = Call("GET", "/v1/screeningReports?month=" + month, "", Supervisor());
  ASSERT_EQ(list.status, 200) << list.body;
  auto listed = Parse<sv::ListScreeningReportsResponse>(list.body);
  ASSERT_EQ(listed.reports_size(), 1);
  EXPECT_EQ(listed.reports(0).unit_id(), village);
  std::vector<std::string> missing(listed.missing_unit_ids().begin(),
                                   listed.missing_unit_ids().end());
  EXPECT_NE(std::find(missing.begin(), missing.end(), department), missing.end());
  EXPECT_EQ(std::find(missing.begin(), missing.end(), village), missing.end());
  EXPECT_EQ(std::find(missing.begin(), missing.end(), town), missing.end());  // receives them
  ExpectError(Call("GET", "/v1/screeningReports", "", Supervisor()), 400, "INVALID_ARGUMENT");
  ExpectError(
      Call("GET", "/v1/screeningReports?month=" + month + "&pageSize=501", "", Supervisor()), 400,
      "INVALID_ARGUMENT");

  // The department reports nothing found: no longer missing; its staff see their own only.
  HttpResponse zero = Call("PUT", absl::StrCat("/v1/screeningReports/", department, "/", month),
                           R"({"zeroReport":true})", Handler(department));
  ASSERT_EQ(zero.status, 200) << zero.body;
  auto own = Parse<sv::ListScreeningReportsResponse>(
      Call("GET", "/v1/screeningReports?month=" + month, "", Handler(department)).body);
  ASSERT_EQ(own.reports_size(), 1);
  EXPECT_TRUE(own.reports(0).zero_report());
  EXPECT_EQ(own.missing_unit_ids_size(), 0);
  // Paged: one report a page.
  auto first = Parse<sv::ListScreeningReportsResponse>(
      Call("GET", "/v1/screeningReports?month=" + month + "&pageSize=1", "", Supervisor()).body);
  ASSERT_EQ(first.reports_size(), 1);
  ASSERT_FALSE(first.next_page_token().empty());
  auto second = Parse<sv::ListScreeningReportsResponse>(
      Call("GET",
           "/v1/screeningReports?month=" + month +
               "&pageSize=1&pageToken=" + first.next_page_token(),
           "", Supervisor())
          .body);
  ASSERT_EQ(second.reports_size(), 1);
  EXPECT_NE(second.reports(0).unit_id(), first.reports(0).unit_id());
}

TEST_F(SupervisionAccountabilityTest, StatsCountRealCasesAndEscalations) {
  const std::string unit = NewId("unit");
  // Acceptance checks units and leaders against scheduling's directory.
  absl::Status seeded = stack_->SeedDirectory({unit}, {"off_leader1"});
  ASSERT_TRUE(seeded.ok()) << seeded;
  const std::string month_start = ThisMonth(*stack_) + "-01";
  const std::string to = FormatDate(Today(*stack_) + 90);  // every HANDLING due date of these cases
  // Three cases of one person on one matter (the later two are repeats), one collective visit.
  const std::string body_a =
      absl::StrReplaceAll(kVisit, {{"11010519491231002X", "110105198001010032"}});
  const std::string a = Register(body_a);
  const std::string b = Register(body_a);
  const std::string collective = Register(absl::StrReplaceAll(
      kVisit, {{R"("channel": "VISIT",)", R"("channel": "VISIT", "headcount": 6,)"}}));
  Accept(a, unit, "COMPLEX");  // answered below without a hearing
  for (const std::string& id : {b, collective}) Accept(id, unit);

  // a: answered, concluded, rated basically satisfied.
  HttpResponse o =
      Call("POST", "/v1/cases/" + a + "/opinions",
           absl::StrCat(R"({"unitId":")", unit,
                        R"(","outcome":"EXPLAINED","facts":"经核实。","basis":"有关规定",)"
                        R"("decision":"解释说明。"})"),
           Handler(unit));
  ASSERT_EQ(o.status, 200) << o.body;
  const std::string opinion = JsonString(ParseJson(o.body), "opinionId");
  ASSERT_EQ(Call("POST", "/v1/cases/" + a + "/opinions/" + opinion + ":submit", "{}", Handler(unit))
                .status,
            200);
  ASSERT_EQ(Call("POST", "/v1/cases/" + a + "/opinions/" + opinion + ":approve", "{}",
                 stack_->Token({"leader"}, "off_leader1"))
                .status,
            200);
  Step(a, "answer", absl::StrCat(R"({"opinionId":")", opinion, R"("})"), Clerk());
  Step(a, "conclude", "{}", Clerk());
  Step(a, "rate", R"({"rating":"BASICALLY_SATISFIED"})", Clerk());

  // The collective visit went to the city while accepted and within its limit, unreported.
  WaitForDeadline(collective, sv::HANDLING, sv::OPEN);
  ExpectError(Call("POST", "/v1/escalations",
                   absl::StrCat(R"({"caseId":")", collective, R"(","level":"CITY","headcount":0,)",
                                R"("occurredOn":"2999-01-01"})"),
                   Clerk()),
              400, "INVALID_ARGUMENT", "headcount");
  ExpectError(Call("POST", "/v1/escalations",
                   absl::StrCat(R"({"caseId":")", collective, R"(","headcount":6,"occurredOn":")",
                                FormatDate(Today(*stack_)), R"("})"),
                   Clerk()),
              400, "INVALID_ARGUMENT", "level");
  ExpectError(
      Call("POST", "/v1/escalations",
           R"({"caseId":"case_nowhere","level":"CITY","headcount":6,"occurredOn":"2026-01-01"})",
           Clerk()),
      404, "NOT_FOUND");
  const std::string escalation =
      absl::StrCat(R"({"caseId":")", collective, R"(","level":"CITY","headcount":6,)",
                   R"("reportedInAdvance":false,"occurredOn":")", FormatDate(Today(*stack_)),
                   R"(","requestId":"esc-1"})");
  ExpectError(Call("POST", "/v1/escalations", escalation, Handler(unit)), 403, "PERMISSION_DENIED");
  HttpResponse e = Call("POST", "/v1/escalations", escalation, Clerk());
  ASSERT_EQ(e.status, 200) << e.body;
  auto recorded = Parse<sv::Escalation>(e.body);
  EXPECT_EQ(recorded.unit_id(), unit);  // the case's handling unit
  // Accepted today and within its limits: recorded, not the unit's fault (A19).
  EXPECT_FALSE(recorded.over_level());
  EXPECT_EQ(recorded.faults_size(), 0);
  EXPECT_EQ(Parse<sv::Escalation>(Call("POST", "/v1/escalations", escalation, Clerk()).body)
                .escalation_id(),
            recorded.escalation_id());
  auto escalations = Parse<sv::ListEscalationsResponse>(
      Call("GET", "/v1/escalations?unitId=" + unit, "", Supervisor()).body);
  ASSERT_EQ(escalations.escalations_size(), 1);
  EXPECT_EQ(escalations.escalations(0).level(), sv::Escalation::CITY);

  // b goes to a hearing (听证会) before its decision.
  WaitForDeadline(b, sv::HANDLING, sv::OPEN);
  ExpectError(Call("POST", "/v1/cases/" + b + "/hearings",
                   absl::StrCat(R"({"heldOn":")", FormatDate(Today(*stack_)), R"("})"), Clerk()),
              400, "INVALID_ARGUMENT", "kind");
  ExpectError(Call("POST", "/v1/cases/" + b + "/hearings",
                   R"({"kind":"HEARING","heldOn":"2999-01-01"})", Clerk()),
              400, "INVALID_ARGUMENT", "heldOn");
  HttpResponse hearing =
      Call("POST", "/v1/cases/" + b + "/hearings",
           absl::StrCat(R"({"kind":"HEARING","heldOn":")", FormatDate(Today(*stack_)),
                        R"(","note":"邀请村民代表听证","requestId":"hrg-1"})"),
           Clerk());
  ASSERT_EQ(hearing.status, 200) << hearing.body;
  auto hearings = Parse<sv::ListHearingsResponse>(
      Call("GET", "/v1/cases/" + b + "/hearings", "", Handler(unit)).body);
  ASSERT_EQ(hearings.hearings_size(), 1);
  EXPECT_EQ(hearings.hearings(0).kind(), sv::Hearing::HEARING);

  // The statistics once supervision has every event (the rating is a's last).
  const std::string stats_path = absl::StrCat("/v1/stats/units?from=", month_start, "&to=", to);
  sv::UnitStatsRow row;
  EXPECT_TRUE(Eventually([&] {
    HttpResponse r = Call("GET", stats_path, "", Supervisor());
    if (r.status != 200) return false;
    const auto stats = Parse<sv::GetUnitStatsResponse>(r.body);
    for (const auto& candidate : stats.rows()) {
      if (candidate.unit_id() == unit) row = candidate;
    }
    return row.has_satisfaction_rate();
  })) << row.DebugString();
  EXPECT_EQ(row.received(), 3);
  EXPECT_EQ(row.concluded(), 1);
  // b repeats a (intake's rule); the collective visit is another person's.
  EXPECT_NE(Call("GET", "/v1/cases/" + b, "", Clerk()).body.find(a), std::string::npos);
  EXPECT_EQ(row.repeat(), 1);
  EXPECT_EQ(row.collective(), 1);
  EXPECT_EQ(row.over_level(), 0);
  EXPECT_EQ(row.over_level_not_at_fault(), 1);
  EXPECT_FALSE(row.veto());  // the annual assessment's, never the period's
  // The collective trip was not reported in advance: 通报批评 all the same.
  int unreported = 0;
  for (const auto& c : row.criticisms()) {
    if (c.reason() == sv::Criticism::UNREPORTED_COLLECTIVE_ESCALATION) {
      ++unreported;
      EXPECT_EQ(c.case_id(), collective);
      EXPECT_EQ(c.escalation_id(), recorded.escalation_id());
    }
  }
  EXPECT_EQ(unreported, 1) << row.DebugString();
  EXPECT_DOUBLE_EQ(row.satisfaction_rate(), 1.0);
  ASSERT_TRUE(row.has_on_time_rate());  // a answered today, before its due date
  EXPECT_DOUBLE_EQ(row.on_time_rate(), 1.0);
  EXPECT_EQ(row.overdue(), 0);
  EXPECT_EQ(row.complex_without_hearing(), 1);  // a: COMPLEX, answered, never heard

  ExpectError(Call("GET", "/v1/stats/units?from=2026-03-31&to=2026-03-01", "", Supervisor()), 400,
              "INVALID_ARGUMENT", "to");
  ExpectError(Call("GET", "/v1/stats/units?to=2026-03-01", "", Supervisor()), 400,
              "INVALID_ARGUMENT", "from");
  ExpectError(Call("GET", stats_path, "", Handler(unit)), 403, "PERMISSION_DENIED");
}

// 越级 counts against the unit only when the unit caused it; a trip while
// the case was accepted and within its limits is recorded apart (A19).
TEST_F(SupervisionAccountabilityTest, AnEscalationCountsAgainstTheUnitOnlyWhenItCausedIt) {
  const std::string unit = NewId("unit");
  const absl::CivilDay received(2026, 3, 2);

  // Answered on its HANDLING due date, and the petitioner went up that day: within the limit.
  DatedCase within = AcceptedCase(received, unit, "ORDINARY");
  const absl::CivilDay due = DueDate(within, sv::HANDLING);
  Answered(within, due);
  sv::Escalation e = Escalate(within, "CITY", due);
  EXPECT_EQ(e.unit_id(), unit);
  EXPECT_FALSE(e.over_level()) << e.DebugString();
  EXPECT_TRUE(Faults(e).empty());

  // Never answered; the petitioner went up the day after the due date.
  DatedCase late = AcceptedCase(received, unit, "ORDINARY");
  ASSERT_EQ(DueDate(late, sv::HANDLING), due);
  e = Escalate(late, "CITY", due + 1);
  EXPECT_TRUE(e.over_level());
  EXPECT_EQ(Faults(e), std::vector<sv::Escalation::Fault>{sv::Escalation::HANDLING_OVERDUE});

  // Never accepted: no handling unit, so the unit held to account is named.
  DatedCase unaccepted = Registered(received);
  const absl::CivilDay acceptance_due = DueDate(unaccepted, sv::ACCEPTANCE);
  ExpectError(PostEscalation(unaccepted, "COUNTY", acceptance_due + 1), 400, "FAILED_PRECONDITION",
              "unitId");
  e = Escalate(unaccepted, "COUNTY", acceptance_due + 1, R"(,"unitId":")" + unit + "\"");
  EXPECT_EQ(Faults(e), std::vector<sv::Escalation::Fault>{sv::Escalation::NOT_ACCEPTED_IN_TIME});

  // Declined as outside the township's remit on 03-05; the county sent it back.
  DatedCase declined = Registered(received);
  Declined(declined, absl::CivilDay(2026, 3, 5));
  const std::string overturned = R"(,"declineOverturned":true,"unitId":")" + unit + "\"";
  ExpectError(PostEscalation(declined, "COUNTY", absl::CivilDay(2026, 3, 4), overturned), 400,
              "FAILED_PRECONDITION", "declineOverturned");
  ExpectError(
      PostEscalation(within, "COUNTY", absl::CivilDay(2026, 3, 10), R"(,"declineOverturned":true)"),
      400, "FAILED_PRECONDITION", "declineOverturned");
  e = Escalate(declined, "COUNTY", absl::CivilDay(2026, 3, 10), overturned);
  EXPECT_TRUE(e.decline_overturned());
  EXPECT_EQ(Faults(e), std::vector<sv::Escalation::Fault>{sv::Escalation::DECLINE_OVERTURNED});

  // A county transfer due 03-20, answered on 04-01: the petitioner went up on 03-21.
  DatedCase transfer = Registered(received, "2026-03-20");
  Accepted(transfer, received + 1, unit, "ORDINARY");
  Answered(transfer, absl::CivilDay(2026, 4, 1));
  e = Escalate(transfer, "CITY", absl::CivilDay(2026, 3, 21));
  EXPECT_EQ(Faults(e), std::vector<sv::Escalation::Fault>{sv::Escalation::COUNTY_OVERDUE});

  // The list reads the same rule.
  auto listed = Parse<sv::ListEscalationsResponse>(
      Call("GET", "/v1/escalations?unitId=" + unit + "&pageSize=500", "", Supervisor()).body);
  ASSERT_EQ(listed.escalations_size(), 5);
  int at_fault = 0;
  for (const auto& l : listed.escalations()) at_fault += l.over_level() ? 1 : 0;
  EXPECT_EQ(at_fault, 4);

  const sv::UnitStatsRow row = StatsRow(unit, "2026-03-01", "2026-06-30");
  EXPECT_EQ(row.over_level(), 4) << row.DebugString();
  EXPECT_EQ(row.over_level_not_at_fault(), 1);
  EXPECT_FALSE(row.veto());
  // Only `late` went past its HANDLING due date without an opinion.
  ASSERT_EQ(row.criticisms_size(), 1) << row.DebugString();
  EXPECT_EQ(row.criticisms(0).reason(), sv::Criticism::OVERDUE_HANDLING_OPINION);
  EXPECT_EQ(row.criticisms(0).case_id(), late.id);
  EXPECT_EQ(row.criticisms(0).occurred_on(), FormatDate(due + 1));
  // A period that ends on the due date holds none of it.
  EXPECT_EQ(StatsRow(unit, FormatDate(due), FormatDate(due)).criticisms_size(), 0);
}

// 通报批评, each reason with its case and day [S2].
TEST_F(SupervisionAccountabilityTest, EveryReasonForPublicCriticismIsListedWithItsCase) {
  const std::string unit = NewId("unit");
  const absl::CivilDay received(2026, 3, 2);
  // p: SIMPLE, never answered; to the province the day after its due date, then to Beijing.
  DatedCase p = AcceptedCase(received, unit, "SIMPLE");
  const absl::CivilDay due = DueDate(p, sv::HANDLING);
  const sv::Escalation province = Escalate(p, "PROVINCE", due + 1);
  EXPECT_TRUE(province.over_level());
  const sv::Escalation beijing = Escalate(p, "NATIONAL", due + 2);
  // q: answered; eight people to the county, not reported in advance.
  DatedCase q = AcceptedCase(received, unit, "ORDINARY");
  Answered(q, absl::CivilDay(2026, 3, 20));
  const sv::Escalation group =
      Escalate(q, "COUNTY", absl::CivilDay(2026, 3, 25), R"(,"headcount":8)");
  // r: to the province within its limits, and a reported group: neither is criticised.
  DatedCase r = AcceptedCase(received, unit, "ORDINARY");
  EXPECT_FALSE(Escalate(r, "PROVINCE", absl::CivilDay(2026, 3, 10)).over_level());
  DatedCase s = AcceptedCase(received, unit, "ORDINARY");
  Escalate(s, "COUNTY", absl::CivilDay(2026, 3, 11), R"(,"headcount":30,"reportedInAdvance":true)");

  const sv::UnitStatsRow row = StatsRow(unit, "2026-03-01", "2026-04-30");
  EXPECT_EQ(row.over_level(), 2) << row.DebugString();
  EXPECT_EQ(row.over_level_not_at_fault(), 3);
  struct Expected {
    sv::Criticism::Reason reason;
    std::string case_id;
    absl::CivilDay on;
    std::string escalation_id;
  };
  const std::vector<Expected> expected = {
      {sv::Criticism::OVER_LEVEL_TO_PROVINCE_OR_BEIJING, p.id, due + 1, province.escalation_id()},
      {sv::Criticism::OVERDUE_HANDLING_OPINION, p.id, due + 1, ""},
      {sv::Criticism::OVER_LEVEL_TO_PROVINCE_OR_BEIJING, p.id, due + 2, beijing.escalation_id()},
      {sv::Criticism::REPEATED_ESCALATION, p.id, due + 2, beijing.escalation_id()},
      {sv::Criticism::UNREPORTED_COLLECTIVE_ESCALATION, q.id, absl::CivilDay(2026, 3, 25),
       group.escalation_id()},
  };
  ASSERT_EQ(row.criticisms_size(), static_cast<int>(expected.size())) << row.DebugString();
  for (size_t i = 0; i < expected.size(); ++i) {
    const sv::Criticism& c = row.criticisms(static_cast<int>(i));
    EXPECT_EQ(c.reason(), expected[i].reason) << i;
    EXPECT_EQ(c.case_id(), expected[i].case_id) << i;
    EXPECT_EQ(c.occurred_on(), FormatDate(expected[i].on)) << i;
    EXPECT_EQ(c.escalation_id(), expected[i].escalation_id) << i;
  }
  // JSON: the reasons by name.
  HttpResponse json =
      Call("GET", "/v1/stats/units?from=2026-03-01&to=2026-04-30&pageSize=500", "", Supervisor());
  EXPECT_NE(json.body.find(R"("reason":"REPEATED_ESCALATION")"), std::string::npos) << json.body;
  EXPECT_NE(json.body.find(R"("overLevelNotAtFault":3)"), std::string::npos) << json.body;
}

// 年度信访工作目标考核 and 一票否决: the year's targets, each unit measured.
TEST_F(SupervisionAccountabilityTest, TheAnnualAssessmentVetoesAUnitThatFailsATarget) {
  // Targets: admin only, validated, per year.
  const std::string path = "/v1/assessments/2026/targets";
  const std::string targets =
      R"({"maxOverLevel":0,"minOnTimeRate":0.5,"noUnreportedCollective":true,"requestId":"tgt-1"})";
  ExpectError(Call("PUT", path, targets, Clerk()), 403, "PERMISSION_DENIED");
  ExpectError(Call("PUT", path, "{}", Admin()), 400, "INVALID_ARGUMENT", "targets");
  ExpectError(Call("PUT", path, R"({"minOnTimeRate":1.5})", Admin()), 400, "INVALID_ARGUMENT",
              "minOnTimeRate");
  ExpectError(Call("PUT", path, R"({"maxOverLevel":-1})", Admin()), 400, "INVALID_ARGUMENT",
              "maxOverLevel");
  ExpectError(Call("PUT", "/v1/assessments/1999/targets", R"({"maxOverLevel":1})", Admin()), 400,
              "INVALID_ARGUMENT", "year");
  ExpectError(Call("GET", "/v1/assessments/2031/targets", "", Supervisor()), 404, "NOT_FOUND",
              "2031");
  ExpectError(Call("GET", "/v1/assessments/2031", "", Supervisor()), 404, "NOT_FOUND");

  HttpResponse put = Call("PUT", path, targets, Admin());
  ASSERT_EQ(put.status, 200) << put.body;
  auto stored = Parse<sv::AssessmentTargets>(put.body);
  EXPECT_EQ(stored.year(), 2026);
  EXPECT_EQ(stored.max_over_level(), 0);
  EXPECT_TRUE(stored.has_max_over_level());
  EXPECT_DOUBLE_EQ(stored.min_on_time_rate(), 0.5);
  EXPECT_FALSE(stored.has_min_satisfaction_rate());
  EXPECT_TRUE(stored.no_unreported_collective());
  EXPECT_EQ(stored.updated_by(), "off_admin");
  EXPECT_EQ(Call("PUT", path, targets, Admin()).status, 200);
  ExpectError(Call("PUT", path, R"({"maxOverLevel":3,"requestId":"tgt-1"})", Admin()), 409,
              "ALREADY_EXISTS");
  HttpResponse got = Call("GET", path, "", stack_->Token({"leader"}, "off_leader1"));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Parse<sv::AssessmentTargets>(got.body).min_on_time_rate(), 0.5);
  EXPECT_NE(got.body.find(R"("maxOverLevel":0)"), std::string::npos) << got.body;

  // good: answered on time; the petitioner went up within the limit. bad: never answered,
  // went up the day after its due date.
  const std::string good = NewId("unit");
  const std::string bad = NewId("unit");
  DatedCase g = AcceptedCase(absl::CivilDay(2026, 3, 2), good, "SIMPLE");
  Answered(g, absl::CivilDay(2026, 3, 10));
  Escalate(g, "COUNTY", absl::CivilDay(2026, 3, 10));
  DatedCase b = AcceptedCase(absl::CivilDay(2026, 3, 2), bad, "SIMPLE");
  Escalate(b, "COUNTY", DueDate(b, sv::HANDLING) + 1);

  ExpectError(Call("GET", "/v1/assessments/2026", "", Handler(bad)), 403, "PERMISSION_DENIED");
  HttpResponse assessed = Call("GET", "/v1/assessments/2026?pageSize=500", "", Supervisor());
  ASSERT_EQ(assessed.status, 200) << assessed.body;
  const auto assessment = Parse<sv::Assessment>(assessed.body);
  EXPECT_EQ(assessment.year(), 2026);
  sv::UnitAssessment passed, failed;
  for (const auto& u : assessment.units()) {
    if (u.unit_id() == good) passed = u;
    if (u.unit_id() == bad) failed = u;
  }
  ASSERT_EQ(passed.targets_size(), 3) << assessed.body;
  ASSERT_EQ(failed.targets_size(), 3) << assessed.body;
  EXPECT_FALSE(passed.veto());
  for (const auto& t : passed.targets()) EXPECT_TRUE(t.passed()) << t.DebugString();
  EXPECT_TRUE(failed.veto());
  EXPECT_EQ(failed.targets(0).target(), sv::AssessedTarget::MAX_OVER_LEVEL);
  EXPECT_EQ(failed.targets(0).limit(), 0);
  EXPECT_EQ(failed.targets(0).measured(), 1);
  EXPECT_FALSE(failed.targets(0).passed());
  EXPECT_EQ(failed.targets(1).target(), sv::AssessedTarget::MIN_ON_TIME_RATE);
  EXPECT_EQ(failed.targets(1).measured(), 0);
  EXPECT_FALSE(failed.targets(1).passed());
  EXPECT_EQ(failed.targets(2).target(), sv::AssessedTarget::NO_UNREPORTED_COLLECTIVE);
  EXPECT_TRUE(failed.targets(2).passed());
  EXPECT_NE(assessed.body.find(R"("target":"MAX_OVER_LEVEL")"), std::string::npos);
  // The veto is the year's: the period statistics never set it.
  EXPECT_FALSE(StatsRow(bad, "2026-01-01", "2026-12-31").veto());
  EXPECT_EQ(StatsRow(bad, "2026-01-01", "2026-12-31").over_level(), 1);
}

// Registered on 2026-12-20 before 2027's notice is loaded: 15 calendar days
// end on 2027-01-04, provisional. The notice makes 01-04 a holiday: the
// scanner counts it again and records the change.
// AIP-155 on the order steps and the six duties: the same id and body again
// answers as the first time did, another body with it is 409.
TEST_F(SupervisionAccountabilityTest, RetriedOrderStepsAndDutiesAnswerTheFirstResult) {
  const std::string id = NewId("case");
  petition::v1::CaseEvent e;
  e.set_event_id(NewId("evt"));
  e.set_case_id(id);
  e.set_sequence(1);
  auto* r = e.mutable_registered();
  r->set_channel("VISIT");
  r->set_category("OTHER");
  r->set_source("TOWNSHIP");
  *r->mutable_received_at() = ToProtoTimestamp(stack_->Now());
  r->add_handling_unit_ids("unit_retry");
  sv::ApplyCaseEventsRequest request;
  *request.add_events() = e;
  sv::ApplyCaseEventsResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(AsIntake()->ApplyCaseEvents(&context, request, &response).ok());

  HttpResponse order =
      Call("POST", "/v1/supervisionOrders",
           absl::StrCat(R"({"caseId":")", id, R"(","unitId":"unit_retry"})"), Supervisor());
  ASSERT_EQ(order.status, 200) << order.body;
  const std::string order_id = JsonString(ParseJson(order.body), "orderId");
  const std::string respond = "/v1/supervisionOrders/" + order_id + ":respond";
  const std::string body = R"({"response":"已约谈信访人","requestId":"resp-1"})";
  HttpResponse first = Call("POST", respond, body, Handler("unit_retry"));
  ASSERT_EQ(first.status, 200) << first.body;
  HttpResponse again = Call("POST", respond, body, Handler("unit_retry"));
  EXPECT_EQ(again.status, 200) << again.body;  // not "the order is not OPEN"
  EXPECT_EQ(JsonString(ParseJson(again.body), "state"), "RESPONDED");
  ExpectError(Call("POST", respond, R"({"response":"另一答复","requestId":"resp-1"})",
                   Handler("unit_retry")),
              409, "ALREADY_EXISTS");
  ExpectError(Call("POST", respond, R"({"response":"再答复"})", Handler("unit_retry")), 400,
              "FAILED_PRECONDITION");

  const std::string close = "/v1/supervisionOrders/" + order_id + ":close";
  ASSERT_EQ(Call("POST", close, R"({"note":"办结","requestId":"close-1"})", Supervisor()).status,
            200);
  EXPECT_EQ(Call("POST", close, R"({"note":"办结","requestId":"close-1"})", Supervisor()).status,
            200);
  ExpectError(Call("POST", close, R"({"note":"x"})", Supervisor()), 400, "FAILED_PRECONDITION");

  const std::string duties = "/v1/cases/" + id + "/responsibility";
  const std::string mark =
      R"({"duties":[{"duty":"RECEPTION","done":true,"note":"已接访"}],"requestId":"duty-1"})";
  ASSERT_EQ(Call("PUT", duties, mark, Supervisor()).status, 200);
  EXPECT_EQ(Call("PUT", duties, mark, Supervisor()).status, 200);
  ExpectError(
      Call("PUT", duties, R"({"duties":[{"duty":"RECEPTION","done":false}],"requestId":"duty-1"})",
           Supervisor()),
      409, "ALREADY_EXISTS");
  ExpectError(Call("GET", "/v1/supervisionOrders?pageSize=501", "", Supervisor()), 400,
              "INVALID_ARGUMENT");
  ExpectError(Call("GET", "/v1/escalations?pageSize=501", "", Supervisor()), 400,
              "INVALID_ARGUMENT");
}

}  // namespace
}  // namespace petition::testing
