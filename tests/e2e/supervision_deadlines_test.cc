// Supervision end to end: the four real binaries and PostgreSQL. Case events
// come as intake relays them (a call proven as intake); everything else goes
// through the gateway over HTTP. Dates follow scheduling's 2026 calendar
// (Spring Festival 02-15..23 with makeup days 02-14 and 02-28, Qingming
// 04-04..06, National Day 10-01..07 with makeup day 10-10).
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

absl::Time Beijing(int y, int m, int d, int hour = 10) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hour, 0, 0), absl::FixedTimeZone(8 * 3600));
}

class SupervisionDeadlinesTest : public StackTest<SupervisionDeadlinesTest> {
 public:
  static constexpr char kStackName[] = "sup";

 protected:
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& token = "") {
    auto r = stack_->Call(method, target, body, token);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }
  void ExpectError(const HttpResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(JsonString(ParseJson(r.body), "error.code"), code) << r.body;
  }
  std::string Admin() { return stack_->Token({"admin"}, "off_admin"); }
  std::string Supervisor() { return stack_->Token({"supervisor"}, "off_sup"); }
  std::string Leader() { return stack_->Token({"leader"}, "off_leader"); }

  // A stub proven as intake: how intake's relay and requestReview call.
  std::unique_ptr<sv::Supervision::Stub> AsIntake() {
    auto key = CallKey::Create(stack_->internal_secret());
    return sv::Supervision::NewStub(
        MakeChannel(absl::StrCat("127.0.0.1:", stack_->grpc_port("supervision")),
                    std::make_shared<const CallSigner>("intake", *key)));
  }

  grpc::Status Apply(const std::vector<petition::v1::CaseEvent>& events,
                     sv::ApplyCaseEventsResponse* response = nullptr) {
    sv::ApplyCaseEventsRequest request;
    for (const auto& e : events) *request.add_events() = e;
    sv::ApplyCaseEventsResponse ignored;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return AsIntake()->ApplyCaseEvents(&context, request, response ? response : &ignored);
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
  static petition::v1::CaseEvent Registered(const std::string& case_id, absl::Time at,
                                            const std::string& unit = "unit_a") {
    auto e = Event(case_id, 1, at);
    auto* r = e.mutable_registered();
    r->set_channel("VISIT");
    r->set_category("OTHER");
    r->set_source("TOWNSHIP");
    *r->mutable_received_at() = ToProtoTimestamp(at);
    r->add_handling_unit_ids(unit);
    return e;
  }
  static petition::v1::CaseEvent Accepted(const std::string& case_id, int64_t seq, absl::Time at,
                                          const std::string& complexity,
                                          const std::string& unit = "unit_a") {
    auto e = Event(case_id, seq, at);
    e.mutable_accepted()->set_complexity(complexity);
    e.mutable_accepted()->add_handling_unit_ids(unit);
    return e;
  }

  // The case's deadlines by kind, read through the gateway.
  std::map<std::string, sv::Deadline> Deadlines(const std::string& case_id) {
    HttpResponse r = Call("GET", "/v1/cases/" + case_id + "/deadlines", "", Supervisor());
    EXPECT_EQ(r.status, 200) << r.body;
    sv::CaseDeadlines parsed;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &parsed, options).ok());
    std::map<std::string, sv::Deadline> out;
    for (const auto& d : parsed.deadlines()) out[sv::DeadlineKind_Name(d.kind())] = d;
    return out;
  }

  void PutPolicy(const std::string& ordinary) {
    const std::string body = absl::StrCat(
        R"({"timeZone":"Asia/Shanghai","acceptance":{"days":15,"unit":"CALENDAR_DAYS"},)",
        R"("handling":{"SIMPLE":{"days":10,"unit":"WORKING_DAYS"},"ORDINARY":)", ordinary,
        R"(,"COMPLEX":{"days":60,"unit":"CALENDAR_DAYS"}},)",
        R"("extensionMax":{"days":30,"unit":"CALENDAR_DAYS"},)",
        R"("reviewWindow":{"days":30,"unit":"CALENDAR_DAYS"},)",
        R"("dueSoon":{"days":2,"unit":"WORKING_DAYS"},"rollToWorkingDay":true})");
    HttpResponse r = Call("PUT", "/v1/policies/deadlines", body, Admin());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  int64_t Count(const std::string& sql) {
    auto r = stack_->Query(sql);
    int64_t n = -1;
    if (r.ok()) {
      EXPECT_TRUE(absl::SimpleAtoi(*r, &n)) << *r;
    }
    return n;
  }
};

TEST_F(SupervisionDeadlinesTest, PolicyDefaultsRolesAndValidation) {
  HttpResponse get = Call("GET", "/v1/policies/deadlines", "", Admin());
  ASSERT_EQ(get.status, 200) << get.body;
  sv::DeadlinePolicy policy;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(get.body, &policy).ok()) << get.body;
  EXPECT_EQ(policy.acceptance().days(), 15);
  EXPECT_EQ(policy.acceptance().unit(), sv::CALENDAR_DAYS);
  EXPECT_EQ(policy.handling().at("SIMPLE").days(), 10);
  EXPECT_EQ(policy.handling().at("SIMPLE").unit(), sv::WORKING_DAYS);
  EXPECT_EQ(policy.handling().at("ORDINARY").days(), 60);
  EXPECT_EQ(policy.extension_max().days(), 30);
  EXPECT_TRUE(policy.roll_to_working_day());
  ExpectError(Call("GET", "/v1/policies/deadlines", "", stack_->Token({"clerk"})), 403,
              "PERMISSION_DENIED");
  ExpectError(Call("PUT", "/v1/policies/deadlines", get.body, Supervisor()), 403,
              "PERMISSION_DENIED");
  policy.mutable_handling()->at("ORDINARY").set_days(0);
  std::string bad_body;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(policy, &bad_body).ok());
  HttpResponse refused = Call("PUT", "/v1/policies/deadlines", bad_body, Admin());
  ExpectError(refused, 400, "INVALID_ARGUMENT");
  EXPECT_NE(refused.body.find("handling.ORDINARY.days"), std::string::npos) << refused.body;
  HttpResponse after = Call("GET", "/v1/policies/deadlines", "", Admin());
  sv::DeadlinePolicy unchanged;  // nothing stored
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(after.body, &unchanged).ok());
  EXPECT_EQ(unchanged.version(), policy.version());
  EXPECT_EQ(unchanged.handling().at("ORDINARY").days(), 60);
}

// One township time zone, owned by scheduling: the policy's timeZone is
// scheduling's, absent in a PUT it is filled in, and another is refused.
TEST_F(SupervisionDeadlinesTest, ThePolicysTimeZoneIsSchedulings) {
  HttpResponse get = Call("GET", "/v1/policies/deadlines", "", Admin());
  ASSERT_EQ(get.status, 200) << get.body;
  sv::DeadlinePolicy policy;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(get.body, &policy).ok()) << get.body;
  EXPECT_EQ(policy.time_zone(), "Asia/Shanghai");
  policy.set_time_zone("Asia/Urumqi");
  std::string other;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(policy, &other).ok());
  HttpResponse refused = Call("PUT", "/v1/policies/deadlines", other, Admin());
  ExpectError(refused, 400, "FAILED_PRECONDITION");
  EXPECT_NE(refused.body.find(R"("field":"timeZone")"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("scheduling"), std::string::npos) << refused.body;
  policy.clear_time_zone();
  std::string absent;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(policy, &absent).ok());
  HttpResponse put = Call("PUT", "/v1/policies/deadlines", absent, Admin());
  ASSERT_EQ(put.status, 200) << put.body;
  sv::DeadlinePolicy stored;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(put.body, &stored).ok()) << put.body;
  EXPECT_EQ(stored.time_zone(), "Asia/Shanghai");
  EXPECT_EQ(stored.version(), policy.version() + 1);  // the refused PUT stored nothing
}

// 团堡镇's ORDINARY 7 working days, accepted on the Friday before the Spring
// Festival; a later policy change leaves it alone; one extension; the answer
// meets HANDLING and opens the review window.
TEST_F(SupervisionDeadlinesTest, LifecycleOnThe2026Calendar) {
  PutPolicy(R"({"days":7,"unit":"WORKING_DAYS"})");
  const std::string id = NewId("case");
  const absl::Time friday = Beijing(2026, 2, 13);
  ASSERT_TRUE(Apply({Registered(id, friday), Accepted(id, 2, friday, "ORDINARY")}).ok());
  auto d = Deadlines(id);
  // 15 calendar days from 02-13 is 02-28, a makeup workday: no roll.
  EXPECT_EQ(d["ACCEPTANCE"].due_date(), "2026-02-28");
  EXPECT_EQ(d["ACCEPTANCE"].state(), sv::MET);
  // 7 working days: 02-14 (makeup), 02-24..27, 02-28 (makeup), 03-02.
  EXPECT_EQ(d["HANDLING"].due_date(), "2026-03-02");
  const int64_t version = d["HANDLING"].policy_version();
  EXPECT_GT(version, 0);

  // A stricter policy now: the running deadline keeps its own.
  PutPolicy(R"({"days":3,"unit":"WORKING_DAYS"})");
  EXPECT_EQ(Deadlines(id)["HANDLING"].due_date(), "2026-03-02");
  EXPECT_EQ(Deadlines(id)["HANDLING"].policy_version(), version);

  // One extension of 10 calendar days on top of 7 working days: 03-12.
  ExpectError(
      Call("POST", "/v1/cases/" + id + "/extensions", R"({"days":31,"reason":"x"})", Leader()), 400,
      "INVALID_ARGUMENT");
  ExpectError(Call("POST", "/v1/cases/" + id + "/extensions", R"({"days":10})", Leader()), 400,
              "INVALID_ARGUMENT");
  ExpectError(Call("POST", "/v1/cases/" + id + "/extensions",
                   R"({"days":10,"reason":"需现场勘查"})", stack_->Token({"clerk"})),
              403, "PERMISSION_DENIED");
  HttpResponse granted = Call("POST", "/v1/cases/" + id + "/extensions",
                              R"({"days":10,"reason":"需现场勘查","requestId":"ext-1"})", Leader());
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_EQ(JsonString(ParseJson(granted.body), "newDueDate"), "2026-03-12");
  // The same request again: its first result; another: 409.
  HttpResponse again = Call("POST", "/v1/cases/" + id + "/extensions",
                            R"({"days":10,"reason":"需现场勘查","requestId":"ext-1"})", Leader());
  EXPECT_EQ(again.status, 200) << again.body;
  ExpectError(
      Call("POST", "/v1/cases/" + id + "/extensions", R"({"days":5,"reason":"再延"})", Leader()),
      409, "ALREADY_EXISTS");
  d = Deadlines(id);
  EXPECT_EQ(d["HANDLING"].due_date(), "2026-03-12");
  EXPECT_EQ(d["HANDLING"].extended_by_days(), 10);
  // The notice event waits in supervision's outbox for intake.
  EXPECT_EQ(Count("SELECT count(*) FROM supervision.outbox WHERE case_id = '" + id + "'"), 1);

  // Answered on 03-05: HANDLING met; the review window is 30 days, 04-04
  // falls in Qingming (04-04..06): 04-07.
  auto answered = Event(id, 3, Beijing(2026, 3, 5));
  answered.mutable_answered()->set_outcome("UPHELD");
  ASSERT_TRUE(Apply({answered}).ok());
  d = Deadlines(id);
  EXPECT_EQ(d["HANDLING"].state(), sv::MET);
  EXPECT_EQ(d["REVIEW_WINDOW"].due_date(), "2026-04-07");
  auto check = [&](absl::Time at) {
    sv::CheckReviewWindowRequest request;
    request.set_case_id(id);
    *request.mutable_at() = ToProtoTimestamp(at);
    sv::CheckReviewWindowResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(AsIntake()->CheckReviewWindow(&context, request, &response).ok());
    return response.open();
  };
  EXPECT_TRUE(check(Beijing(2026, 4, 7, 23)));
  EXPECT_FALSE(check(Beijing(2026, 4, 8, 0)));
  // Not for the gateway: CheckReviewWindow has no REST mapping.
  HttpResponse none = Call("GET", "/v1/cases/" + id + "/deadlines:checkReviewWindow", "", Admin());
  EXPECT_NE(none.status, 200);
}

TEST_F(SupervisionDeadlinesTest, CalendarDaysRollOverNationalDay) {
  PutPolicy(R"({"days":60,"unit":"CALENDAR_DAYS"})");
  // Registered 09-25: 15 days is 10-10, a makeup workday: no roll.
  const std::string a = NewId("case");
  ASSERT_TRUE(Apply({Registered(a, Beijing(2026, 9, 25))}).ok());
  EXPECT_EQ(Deadlines(a)["ACCEPTANCE"].due_date(), "2026-10-10");
  // Registered 09-20: 15 days is 10-05, a holiday: rolled to 10-08.
  const std::string b = NewId("case");
  ASSERT_TRUE(Apply({Registered(b, Beijing(2026, 9, 20))}).ok());
  EXPECT_EQ(Deadlines(b)["ACCEPTANCE"].due_date(), "2026-10-08");
  // COMPLEX 60 calendar days accepted 08-02 end 10-01 (holiday): 10-08.
  ASSERT_TRUE(Apply({Accepted(b, 2, Beijing(2026, 8, 2), "COMPLEX")}).ok());
  EXPECT_EQ(Deadlines(b)["HANDLING"].due_date(), "2026-10-08");
}

TEST_F(SupervisionDeadlinesTest, CountyUrgentRedeliveryAndOrder) {
  const std::string id = NewId("case");
  auto reg = Registered(id, Beijing(2026, 9, 1));
  reg.mutable_registered()->set_county_due_date("2026-09-20");
  reg.mutable_registered()->set_urgent(true);
  ASSERT_TRUE(Apply({reg}).ok());
  auto d = Deadlines(id);
  EXPECT_EQ(d["COUNTY"].due_date(), "2026-09-20");
  EXPECT_TRUE(d["COUNTY"].urgent());
  EXPECT_TRUE(d["ACCEPTANCE"].urgent());
  // Out of order: refused, nothing kept.
  auto third = Event(id, 3, Beijing(2026, 9, 10));
  third.mutable_answered();
  EXPECT_EQ(Apply({third}).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  auto accepted = Accepted(id, 2, Beijing(2026, 9, 2), "SIMPLE");
  sv::ApplyCaseEventsResponse response;
  ASSERT_TRUE(Apply({accepted, third}, &response).ok());
  EXPECT_EQ(response.applied(), 2);
  // Redelivered: duplicates.
  ASSERT_TRUE(Apply({reg, accepted, third}, &response).ok());
  EXPECT_EQ(response.applied(), 0);
  EXPECT_EQ(response.duplicates(), 3);
  d = Deadlines(id);
  EXPECT_EQ(d["COUNTY"].state(), sv::MET);
  EXPECT_EQ(d["HANDLING"].state(), sv::MET);
  EXPECT_TRUE(d["HANDLING"].urgent());
  // SIMPLE: the fast track, 10 working days from 09-02 is 09-16.
  EXPECT_EQ(d["HANDLING"].due_date(), "2026-09-16");
  // Urgent deadlines are counted on their own for the dashboards.
  std::string text;
  EXPECT_TRUE(Eventually([&] {
    auto r = HttpRequest(stack_->metrics_port("supervision"), "GET", "/metrics");
    text = r.ok() ? r->body : "";
    return absl::StrContains(text, R"(petition_deadlines_urgent{kind="COUNTY",state="MET"} )");
  })) << text;
}

TEST_F(SupervisionDeadlinesTest, OverdueListPerUnitWithVisibilityAndPages) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(NewId("case"));
    // Registered in March 2026: long overdue by the time this runs.
    ASSERT_TRUE(Apply({Registered(ids.back(), Beijing(2026, 3, 2 + i), "unit_list")}).ok());
  }
  ASSERT_TRUE(Apply({Registered(NewId("case"), Beijing(2026, 3, 2), "unit_other")}).ok());
  const std::string query = "/v1/deadlines?state=OVERDUE&kind=ACCEPTANCE&unitId=unit_list";
  // Past due: OVERDUE whether or not the scanner has passed since.
  sv::ListDeadlinesResponse list;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  HttpResponse r = Call("GET", query, "", Supervisor());
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &list, options).ok());
  ASSERT_EQ(list.deadlines_size(), 3);
  EXPECT_EQ(list.deadlines(0).case_id(), ids[0]);
  // Pages of one.
  std::vector<std::string> seen;
  std::string token;
  do {
    HttpResponse r =
        Call("GET", query + "&pageSize=1" + (token.empty() ? "" : "&pageToken=" + token), "",
             Supervisor());
    ASSERT_EQ(r.status, 200) << r.body;
    sv::ListDeadlinesResponse page;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &page, options).ok());
    for (const auto& d : page.deadlines()) seen.push_back(d.case_id());
    token = page.next_page_token();
  } while (!token.empty() && seen.size() < 10);
  EXPECT_EQ(seen, ids);
  // A unit's staff: their unit only.
  HttpResponse own = Call("GET", "/v1/deadlines?state=OVERDUE&kind=ACCEPTANCE", "",
                          stack_->Token({"handler"}, "off_h", "unit_list"));
  ASSERT_EQ(own.status, 200);
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(own.body, &list, options).ok());
  EXPECT_EQ(list.deadlines_size(), 3);
  HttpResponse other = Call("GET", query, "", stack_->Token({"handler"}, "off_h2", "unit_other"));
  ASSERT_EQ(other.status, 200);
  list.Clear();
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(other.body, &list, options).ok());
  EXPECT_EQ(list.deadlines_size(), 0);
  ExpectError(Call("GET", "/v1/deadlines?pageToken=garbage!", "", Supervisor()), 400,
              "INVALID_ARGUMENT");
}

TEST_F(SupervisionDeadlinesTest, OrdersAndSixDuties) {
  const std::string id = NewId("case");
  auto accepted = Accepted(id, 2, Beijing(2026, 9, 2), "ORDINARY", "unit_ord");
  accepted.mutable_accepted()->set_leader_id("off_leader9");
  ASSERT_TRUE(Apply({Registered(id, Beijing(2026, 9, 1), "unit_ord"), accepted}).ok());
  const std::string body =
      absl::StrCat(R"({"caseId":")", id, R"(","unitId":"unit_ord","level":"ORDER",)",
                   R"("note":"请三日内报告进展","requestId":"ord-1"})");
  ExpectError(Call("POST", "/v1/supervisionOrders", body, stack_->Token({"clerk"})), 403,
              "PERMISSION_DENIED");
  HttpResponse created = Call("POST", "/v1/supervisionOrders", body, Supervisor());
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string order_id = JsonString(ParseJson(created.body), "orderId");
  EXPECT_EQ(JsonString(ParseJson(created.body), "level"), "ORDER");
  EXPECT_EQ(JsonString(ParseJson(created.body), "state"), "OPEN");
  // The same request again: the same order.
  HttpResponse again = Call("POST", "/v1/supervisionOrders", body, Supervisor());
  EXPECT_EQ(JsonString(ParseJson(again.body), "orderId"), order_id);
  ExpectError(Call("POST", "/v1/supervisionOrders",
                   absl::StrCat(R"({"caseId":")", id, R"(","unitId":"u","level":"ORDER",)",
                                R"("dueDate":"2026-02-30"})"),
                   Supervisor()),
              400, "INVALID_ARGUMENT");
  // The unit's staff see it and respond; another unit's staff do not.
  const std::string own = stack_->Token({"handler"}, "off_h", "unit_ord");
  const std::string other = stack_->Token({"handler"}, "off_h2", "unit_else");
  HttpResponse listed = Call("GET", "/v1/supervisionOrders?caseId=" + id, "", own);
  ASSERT_EQ(listed.status, 200);
  EXPECT_NE(listed.body.find(order_id), std::string::npos);
  HttpResponse hidden = Call("GET", "/v1/supervisionOrders?caseId=" + id, "", other);
  EXPECT_EQ(hidden.body.find(order_id), std::string::npos);
  ExpectError(
      Call("POST", "/v1/supervisionOrders/" + order_id + ":respond", R"({"response":"x"})", other),
      404, "NOT_FOUND");
  HttpResponse responded = Call("POST", "/v1/supervisionOrders/" + order_id + ":respond",
                                R"({"response":"已约见信访人，正在协调"})", own);
  ASSERT_EQ(responded.status, 200) << responded.body;
  EXPECT_EQ(JsonString(ParseJson(responded.body), "state"), "RESPONDED");
  ExpectError(Call("POST", "/v1/supervisionOrders/" + order_id + ":respond",
                   R"({"response":"again"})", own),
              400, "FAILED_PRECONDITION");
  HttpResponse closed = Call("POST", "/v1/supervisionOrders/" + order_id + ":close",
                             R"({"note":"办结"})", Supervisor());
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(JsonString(ParseJson(closed.body), "state"), "CLOSED");

  // 六包: the leader from the acceptance, six duties, who marked each.
  HttpResponse duties = Call("GET", "/v1/cases/" + id + "/responsibility", "", Leader());
  ASSERT_EQ(duties.status, 200) << duties.body;
  sv::Responsibility r;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(duties.body, &r).ok());
  EXPECT_EQ(r.leader_id(), "off_leader9");
  ASSERT_EQ(r.duties_size(), 6);
  EXPECT_FALSE(r.duties(0).done());
  HttpResponse marked =
      Call("PUT", "/v1/cases/" + id + "/responsibility",
           R"({"duties":[{"duty":"RECEPTION","done":true,"note":"已接访"}]})", Leader());
  ASSERT_EQ(marked.status, 200) << marked.body;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(marked.body, &r).ok());
  EXPECT_EQ(r.duties(0).duty(), "RECEPTION");
  EXPECT_TRUE(r.duties(0).done());
  EXPECT_EQ(r.duties(0).marked_by(), "off_leader");
  ExpectError(Call("PUT", "/v1/cases/" + id + "/responsibility",
                   R"({"duties":[{"duty":"LUNCH","done":true}]})", Leader()),
              400, "INVALID_ARGUMENT");
  ExpectError(Call("GET", "/v1/cases/" + id + "/responsibility", "", other), 404, "NOT_FOUND");
}

}  // namespace
}  // namespace petition::testing
