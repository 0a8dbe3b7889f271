// Deciding with the right people, end to end: the handling unit submits its
// opinion (:submit meets HANDLING: the 60 days are the unit's); the leader
// approval then has its own deadline (APPROVAL, the leaders', not the unit's)
// and the answer waits for every approval the policy requires: the case's
// receiving leader and the leader in charge (分管领导) of the unit, whom the
// directory names. Dates that matter are explicit: the late approval is told
// to supervision as intake's relay tells it, with the moments of 2026.
#include <map>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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
  "subject": "土地承包纠纷",
  "content": "承包地被他人占用，请求镇里处理。",
  "petitioners": [{"name": "李四", "idNumber": "11010519491231002X", "phone": "13800138000"}]
})";

constexpr char kOpinion[] =
    R"({"unitId":"unit_apr","outcome":"EXPLAINED","facts":"经核实，承包合同有效。",
        "basis":"《农村土地承包法》","decision":"向信访人解释说明。"})";

absl::Time Beijing(int y, int m, int d, int hour = 10) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hour, 0, 0), absl::FixedTimeZone(8 * 3600));
}

class OpinionApprovalsTest : public StackTest<OpinionApprovalsTest> {
 public:
  static constexpr char kStackName[] = "approvals";

 protected:
  void SetUp() override {
    StackTest::SetUp();
    // The first official seeded is the unit's leader in charge until the
    // directory's own call names another (the first test does).
    absl::Status seeded = stack_->SeedDirectory(
        {"unit_apr"}, {"off_apr_receiver", "off_apr_incharge", "off_apr_stranger"});
    ASSERT_TRUE(seeded.ok()) << seeded;
    HttpResponse set = Call("POST", "/v1/units/unit_apr:setLeaderInCharge",
                            R"({"leaderInChargeId":"off_apr_incharge"})", Admin());
    ASSERT_EQ(set.status, 200) << set.body;
  }

  static std::string Admin() { return stack_->Token({"admin"}, "off_admin"); }
  static std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }
  static std::string Supervisor() { return stack_->Token({"supervisor"}, "off_sup"); }
  static std::string Handler() { return stack_->Token({"handler"}, "off_apr_h", "unit_apr"); }
  static std::string Leader(const std::string& id) { return stack_->Token({"leader"}, id); }

  // A registered and accepted case of unit_apr received by off_apr_receiver,
  // with a draft opinion of the unit: {caseId, opinionId}.
  static std::pair<std::string, std::string> CaseWithDraft() {
    HttpResponse r = Call("POST", "/v1/cases", kVisit, Clerk());
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string id = JsonString(ParseJson(r.body), "caseId");
    HttpResponse a = Call(
        "POST", "/v1/cases/" + id + ":accept",
        R"({"handlingUnitIds":["unit_apr"],"complexity":"ORDINARY","leaderId":"off_apr_receiver"})",
        Clerk());
    EXPECT_EQ(a.status, 200) << a.body;
    HttpResponse o = Call("POST", "/v1/cases/" + id + "/opinions", kOpinion, Handler());
    EXPECT_EQ(o.status, 200) << o.body;
    return {id, JsonString(ParseJson(o.body), "opinionId")};
  }

  static HttpResponse OpinionStep(const std::string& case_id, const std::string& opinion,
                                  const std::string& verb, const std::string& token) {
    return Call("POST", "/v1/cases/" + case_id + "/opinions/" + opinion + ":" + verb, "{}", token);
  }
  static HttpResponse Answer(const std::string& case_id, const std::string& opinion) {
    return Call("POST", "/v1/cases/" + case_id + ":answer",
                absl::StrCat(R"({"opinionId":")", opinion, R"("})"), Clerk());
  }

  // The case's deadlines by kind, read through the gateway.
  static std::map<std::string, sv::Deadline> Deadlines(const std::string& case_id) {
    HttpResponse r = Call("GET", "/v1/cases/" + case_id + "/deadlines", "", Supervisor());
    std::map<std::string, sv::Deadline> out;
    if (r.status != 200) return out;
    sv::CaseDeadlines parsed;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    if (!google::protobuf::util::JsonStringToMessage(r.body, &parsed, options).ok()) return out;
    for (const auto& d : parsed.deadlines()) out[sv::DeadlineKind_Name(d.kind())] = d;
    return out;
  }

  static std::string Policy(const std::string& approvals) {
    return absl::StrCat(
        R"({"timeZone":"Asia/Shanghai","acceptance":{"days":15,"unit":"CALENDAR_DAYS"},)",
        R"("handling":{"SIMPLE":{"days":10,"unit":"WORKING_DAYS"},)",
        R"("ORDINARY":{"days":60,"unit":"CALENDAR_DAYS"},)",
        R"("COMPLEX":{"days":60,"unit":"CALENDAR_DAYS"}},)",
        R"("extensionMax":{"days":30,"unit":"CALENDAR_DAYS"},)",
        R"("reviewWindow":{"days":30,"unit":"CALENDAR_DAYS"},)",
        R"("dueSoon":{"days":2,"unit":"WORKING_DAYS"},"rollToWorkingDay":true,)",
        R"("approval":{"days":5,"unit":"WORKING_DAYS"},"approvals":)", approvals, "}");
  }

  // A stub proven as intake: how intake's relay delivers case events.
  static grpc::Status ApplyAsIntake(const std::vector<petition::v1::CaseEvent>& events) {
    auto key = CallKey::Create(stack_->internal_secret());
    auto stub = sv::Supervision::NewStub(
        MakeChannel(absl::StrCat("127.0.0.1:", stack_->grpc_port("supervision")),
                    std::make_shared<const CallSigner>("intake", *key)));
    sv::ApplyCaseEventsRequest request;
    for (const auto& e : events) *request.add_events() = e;
    sv::ApplyCaseEventsResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return stub->ApplyCaseEvents(&context, request, &response);
  }
  static petition::v1::CaseEvent Event(const std::string& case_id, int64_t sequence,
                                       absl::Time at) {
    petition::v1::CaseEvent e;
    e.set_event_id(NewId("evt"));
    e.set_case_id(case_id);
    e.set_sequence(sequence);
    *e.mutable_occurred_at() = ToProtoTimestamp(at);
    return e;
  }
};

TEST_F(OpinionApprovalsTest, TheDirectoryNamesTheLeaderInChargeOfAUnit) {
  HttpResponse unit = Call("GET", "/v1/units/unit_apr", "", Clerk());
  ASSERT_EQ(unit.status, 200) << unit.body;
  EXPECT_EQ(JsonString(ParseJson(unit.body), "leaderInChargeId"), "off_apr_incharge");
  HttpResponse unknown = Call("POST", "/v1/units/unit_apr:setLeaderInCharge",
                              R"({"leaderInChargeId":"off_nosuch"})", Admin());
  ExpectRefused(unknown, 400, "INVALID_ARGUMENT", "not an official");
  EXPECT_NE(unknown.body.find(R"("field":"leaderInChargeId")"), std::string::npos) << unknown.body;
  EXPECT_EQ(Call("POST", "/v1/units/unit_nosuch:setLeaderInCharge",
                 R"({"leaderInChargeId":"off_apr_incharge"})", Admin())
                .status,
            404);
  EXPECT_EQ(Call("POST", "/v1/units/unit_apr:setLeaderInCharge",
                 R"({"leaderInChargeId":"off_apr_stranger"})", Clerk())
                .status,
            403);
  // The refused calls changed nothing.
  EXPECT_EQ(JsonString(ParseJson(Call("GET", "/v1/units/unit_apr", "", Clerk()).body),
                       "leaderInChargeId"),
            "off_apr_incharge");
}

TEST_F(OpinionApprovalsTest, SubmitMeetsHandlingAndTheAnswerWaitsForBothLeaders) {
  const auto [id, opinion] = CaseWithDraft();
  ExpectRefused(OpinionStep(id, opinion, "approve", Leader("off_apr_receiver")), 400,
                "FAILED_PRECONDITION", ":submit");

  HttpResponse submitted = OpinionStep(id, opinion, "submit", Handler());
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_FALSE(JsonString(ParseJson(submitted.body), "submittedForApprovalAt").empty());

  // Supervision: the unit's HANDLING is met; the leaders' APPROVAL is open.
  std::map<std::string, sv::Deadline> deadlines;
  ASSERT_TRUE(Eventually([&] {
    deadlines = Deadlines(id);
    return deadlines.count("APPROVAL") == 1;
  })) << "supervision never opened APPROVAL";
  EXPECT_EQ(deadlines["HANDLING"].state(), sv::MET);
  EXPECT_EQ(deadlines["APPROVAL"].state(), sv::OPEN);
  EXPECT_EQ(deadlines["APPROVAL"].start_date(),
            FormatDate(DayOf(deadlines["HANDLING"].met_at(), absl::FixedTimeZone(8 * 3600))));

  // Someone who holds neither role is told who may approve.
  HttpResponse stranger = OpinionStep(id, opinion, "approve", Leader("off_apr_stranger"));
  ExpectRefused(stranger, 403, "PERMISSION_DENIED", "off_apr_incharge");
  EXPECT_NE(stranger.body.find("off_apr_receiver"), std::string::npos) << stranger.body;

  HttpResponse first = OpinionStep(id, opinion, "approve", Leader("off_apr_receiver"));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(JsonString(ParseJson(first.body), "approvedBy"), "");
  EXPECT_NE(first.body.find("RECEIVING_LEADER"), std::string::npos) << first.body;
  // One approval is not enough: the answer names the missing one.
  ExpectRefused(Answer(id, opinion), 400, "FAILED_PRECONDITION", "LEADER_IN_CHARGE");
  ExpectRefused(OpinionStep(id, opinion, "approve", Leader("off_apr_receiver")), 400,
                "FAILED_PRECONDITION", "already approved by off_apr_receiver");

  HttpResponse second = OpinionStep(id, opinion, "approve", Leader("off_apr_incharge"));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(JsonString(ParseJson(second.body), "approvedBy"), "off_apr_incharge");
  HttpResponse answered = Answer(id, opinion);
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(JsonString(ParseJson(answered.body), "status"), "ANSWERED");

  EXPECT_TRUE(Eventually([&] {
    deadlines = Deadlines(id);
    return deadlines["APPROVAL"].state() == sv::MET;
  })) << "APPROVAL was never met";
  // The unit's lists leave the leaders' deadline out.
  HttpResponse units = Call("GET", "/v1/deadlines?unitId=unit_apr", "", Supervisor());
  ASSERT_EQ(units.status, 200) << units.body;
  EXPECT_NE(units.body.find(id), std::string::npos) << units.body;
  EXPECT_EQ(units.body.find("APPROVAL"), std::string::npos) << units.body;
}

TEST_F(OpinionApprovalsTest, ATownshipMayRequireOneApproval) {
  HttpResponse policy = Call("GET", "/v1/policies/deadlines", "", Admin());
  ASSERT_EQ(policy.status, 200) << policy.body;
  EXPECT_NE(policy.body.find(R"("approval":{"days":5,"unit":"WORKING_DAYS"})"), std::string::npos)
      << policy.body;
  EXPECT_NE(policy.body.find(R"("approvals":["RECEIVING_LEADER","LEADER_IN_CHARGE"])"),
            std::string::npos)
      << policy.body;
  HttpResponse zero =
      Call("PUT", "/v1/policies/deadlines",
           absl::StrReplaceAll(Policy(R"(["LEADER_IN_CHARGE"])"),
                               {{R"("approval":{"days":5)", R"("approval":{"days":0)"}}),
           Admin());
  ExpectRefused(zero, 400, "INVALID_ARGUMENT", "1..366");
  EXPECT_NE(zero.body.find(R"("field":"approval.days")"), std::string::npos) << zero.body;

  ASSERT_EQ(
      Call("PUT", "/v1/policies/deadlines", Policy(R"(["LEADER_IN_CHARGE"])"), Admin()).status,
      200);
  const auto [id, opinion] = CaseWithDraft();
  HttpResponse submitted = OpinionStep(id, opinion, "submit", Handler());
  // Back to S1 for the other tests, whatever happens below.
  ASSERT_EQ(Call("PUT", "/v1/policies/deadlines",
                 Policy(R"(["RECEIVING_LEADER","LEADER_IN_CHARGE"])"), Admin())
                .status,
            200);
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_NE(submitted.body.find(R"("requiredApprovals":["LEADER_IN_CHARGE"])"), std::string::npos)
      << submitted.body;
  // The opinion keeps what was required when it was submitted.
  ExpectRefused(OpinionStep(id, opinion, "approve", Leader("off_apr_receiver")), 403,
                "PERMISSION_DENIED", "off_apr_incharge");
  ASSERT_EQ(OpinionStep(id, opinion, "approve", Leader("off_apr_incharge")).status, 200);
  EXPECT_EQ(Answer(id, opinion).status, 200);
}

// The dates of a late approval, as intake's relay tells them: the unit
// submitted on time, the leaders approved late. APPROVAL is MISSED; the
// unit's statistics count its HANDLING on time.
TEST_F(OpinionApprovalsTest, ALateApprovalCountsAgainstTheLeadersNotTheUnit) {
  const std::string id = NewId("case");
  const std::string unit = NewId("unit");
  auto registered = Event(id, 1, Beijing(2026, 3, 2));
  registered.mutable_registered()->set_channel("VISIT");
  registered.mutable_registered()->set_category("OTHER");
  registered.mutable_registered()->set_source("TOWNSHIP");
  *registered.mutable_registered()->mutable_received_at() = ToProtoTimestamp(Beijing(2026, 3, 2));
  registered.mutable_registered()->add_handling_unit_ids(unit);
  auto accepted = Event(id, 2, Beijing(2026, 3, 2));
  accepted.mutable_accepted()->set_complexity("SIMPLE");  // 10 working days: 2026-03-16
  accepted.mutable_accepted()->add_handling_unit_ids(unit);
  accepted.mutable_accepted()->set_leader_id("off_apr_receiver");
  auto submitted = Event(id, 3, Beijing(2026, 3, 10));  // APPROVAL: 5 working days, 03-17
  submitted.mutable_opinion_submitted()->set_opinion_id("op_late");
  submitted.mutable_opinion_submitted()->set_unit_id(unit);
  submitted.mutable_opinion_submitted()->add_required_approvals("RECEIVING_LEADER");
  submitted.mutable_opinion_submitted()->add_required_approvals("LEADER_IN_CHARGE");
  auto first = Event(id, 4, Beijing(2026, 3, 16));
  first.mutable_opinion_approved()->set_opinion_id("op_late");
  first.mutable_opinion_approved()->add_roles("RECEIVING_LEADER");
  auto last = Event(id, 5, Beijing(2026, 3, 20));
  last.mutable_opinion_approved()->set_opinion_id("op_late");
  last.mutable_opinion_approved()->add_roles("LEADER_IN_CHARGE");
  last.mutable_opinion_approved()->set_complete(true);
  auto answered = Event(id, 6, Beijing(2026, 3, 20));
  answered.mutable_answered()->set_opinion_id("op_late");
  grpc::Status applied = ApplyAsIntake({registered, accepted, submitted, first});
  ASSERT_TRUE(applied.ok()) << applied.error_message();
  // One approval of two: APPROVAL still pending.
  auto deadlines = Deadlines(id);
  EXPECT_FALSE(deadlines["APPROVAL"].has_met_at());
  applied = ApplyAsIntake({last, answered});
  ASSERT_TRUE(applied.ok()) << applied.error_message();

  deadlines = Deadlines(id);
  EXPECT_EQ(deadlines["HANDLING"].due_date(), "2026-03-16");
  EXPECT_EQ(deadlines["HANDLING"].state(), sv::MET);  // met on 03-10, by the unit
  EXPECT_EQ(deadlines["APPROVAL"].start_date(), "2026-03-10");
  EXPECT_EQ(deadlines["APPROVAL"].due_date(), "2026-03-17");
  EXPECT_EQ(deadlines["APPROVAL"].state(), sv::MISSED);  // met on 03-20, by the leaders

  HttpResponse stats =
      Call("GET", "/v1/stats/units?from=2026-03-01&to=2026-03-31", "", Supervisor());
  ASSERT_EQ(stats.status, 200) << stats.body;
  sv::GetUnitStatsResponse parsed;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(stats.body, &parsed, options).ok());
  bool found = false;
  for (const sv::UnitStatsRow& row : parsed.rows()) {
    if (row.unit_id() != unit) continue;
    found = true;
    EXPECT_EQ(row.overdue(), 0) << row.DebugString();
    ASSERT_TRUE(row.has_on_time_rate()) << row.DebugString();
    EXPECT_DOUBLE_EQ(row.on_time_rate(), 1.0);
  }
  EXPECT_TRUE(found) << stats.body;
}

}  // namespace
}  // namespace petition::testing
