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

  // A policy body: the regulation's values but for ORDINARY, SIMPLE and
  // what `extra` adds (",\"field\":..."), or `replace` a part of it.
  static std::string PolicyBody(const std::string& ordinary,
                                const std::string& simple = R"({"days":10,"unit":"WORKING_DAYS"})",
                                const std::string& extra = "") {
    return absl::StrCat(
        R"({"timeZone":"Asia/Shanghai","acceptance":{"days":15,"unit":"CALENDAR_DAYS"},)",
        R"("handling":{"SIMPLE":)", simple, R"(,"ORDINARY":)", ordinary,
        R"(,"COMPLEX":{"days":60,"unit":"CALENDAR_DAYS"}},)",
        R"("extensionMax":{"days":30,"unit":"CALENDAR_DAYS"},)",
        R"("reviewWindow":{"days":30,"unit":"CALENDAR_DAYS"},)",
        R"("dueSoon":{"days":2,"unit":"WORKING_DAYS"},"rollToWorkingDay":true)", extra, "}");
  }
  void PutPolicy(const std::string& ordinary,
                 const std::string& simple = R"({"days":10,"unit":"WORKING_DAYS"})",
                 const std::string& extra = "") {
    HttpResponse r =
        Call("PUT", "/v1/policies/deadlines", PolicyBody(ordinary, simple, extra), Admin());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // The regulation's policy again (what each test that needs it starts from).
  void PutRegulationPolicy() { PutPolicy(R"({"days":60,"unit":"CALENDAR_DAYS"})"); }

  // The error's status, code and the field its one detail names.
  void ExpectRefused(const HttpResponse& r, int status, const std::string& code,
                     const std::string& field) {
    ExpectError(r, status, code);
    auto body = ParseJson(r.body);
    ASSERT_TRUE(body.fields().count("error")) << r.body;
    const auto& error = body.fields().at("error").struct_value().fields();
    ASSERT_TRUE(error.count("details")) << r.body;
    const auto& list = error.at("details").list_value();
    ASSERT_EQ(list.values_size(), 1) << r.body;
    EXPECT_EQ(list.values(0).struct_value().fields().at("field").string_value(), field) << r.body;
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
// Festival; a later policy change leaves it alone; an ORDINARY case is not
// extended; the late answer misses HANDLING and opens the review window.
TEST_F(SupervisionDeadlinesTest, LifecycleOnThe2026Calendar) {
  const std::string fast_track = R"({"days":5,"unit":"WORKING_DAYS"})";
  PutPolicy(R"({"days":7,"unit":"WORKING_DAYS"})", fast_track);
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
  PutPolicy(R"({"days":3,"unit":"WORKING_DAYS"})", R"({"days":3,"unit":"WORKING_DAYS"})");
  EXPECT_EQ(Deadlines(id)["HANDLING"].due_date(), "2026-03-02");
  EXPECT_EQ(Deadlines(id)["HANDLING"].policy_version(), version);

  // Only a complex matter is extended (A34; the policy's extendable).
  ExpectError(Call("POST", "/v1/cases/" + id + "/extensions", R"({"days":10})", Leader()), 400,
              "INVALID_ARGUMENT");
  ExpectError(Call("POST", "/v1/cases/" + id + "/extensions",
                   R"({"days":10,"reason":"需现场勘查"})", stack_->Token({"clerk"})),
              403, "PERMISSION_DENIED");
  ExpectRefused(Call("POST", "/v1/cases/" + id + "/extensions",
                     R"({"days":10,"reason":"需现场勘查"})", Leader()),
                400, "FAILED_PRECONDITION", "complexity");
  d = Deadlines(id);
  EXPECT_EQ(d["HANDLING"].due_date(), "2026-03-02");
  EXPECT_EQ(d["HANDLING"].extended_by_days(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM supervision.outbox WHERE case_id = '" + id + "'"), 0);

  // Answered on 03-04, after its due date: HANDLING missed; the review
  // window has not started: it counts from the delivery of the written
  // answer (A35), on 03-05: 30 days, 04-04 falls in Qingming (04-04..06):
  // 04-07.
  auto answered = Event(id, 3, Beijing(2026, 3, 4));
  answered.mutable_answered()->set_outcome("UPHELD");
  ASSERT_TRUE(Apply({answered}).ok());
  d = Deadlines(id);
  EXPECT_EQ(d["HANDLING"].state(), sv::MISSED);
  EXPECT_EQ(d.count("REVIEW_WINDOW"), 0u);
  auto delivered = Event(id, 4, Beijing(2026, 3, 6));
  delivered.mutable_delivered()->set_delivered_on("2026-03-05");
  delivered.mutable_delivered()->set_method("POST");
  ASSERT_TRUE(Apply({delivered}).ok());
  d = Deadlines(id);
  EXPECT_EQ(d["REVIEW_WINDOW"].start_date(), "2026-03-05");
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
  PutRegulationPolicy();
}

// A34 through the gateway: a COMPLEX case, once, by at most extensionMax,
// only before its HANDLING due date. The granted extension is on a case
// accepted in 2058 (its due date is ahead of any day this suite runs on
// before then, whatever the stack's clock); the refused one fell due in
// 2026 (behind every such day).
TEST_F(SupervisionDeadlinesTest, ExtensionOfAComplexCaseOnceWithinTheMaximumBeforeItsDueDate) {
  PutRegulationPolicy();
  // Fell due on Friday 2026-03-06 (60 calendar days from 01-05): refused,
  // naming the due date.
  const std::string past = NewId("case");
  ASSERT_TRUE(Apply({Registered(past, Beijing(2026, 1, 2)),
                     Accepted(past, 2, Beijing(2026, 1, 5), "COMPLEX")})
                  .ok());
  ASSERT_EQ(Deadlines(past)["HANDLING"].due_date(), "2026-03-06");
  HttpResponse late = Call("POST", "/v1/cases/" + past + "/extensions",
                           R"({"days":10,"reason":"需现场勘查"})", Leader());
  ExpectRefused(late, 400, "FAILED_PRECONDITION", "dueDate");
  EXPECT_NE(late.body.find("2026-03-06"), std::string::npos) << late.body;
  EXPECT_EQ(Deadlines(past)["HANDLING"].due_date(), "2026-03-06");
  EXPECT_EQ(Deadlines(past)["HANDLING"].state(), sv::OVERDUE);  // and stays so

  // Accepted Monday 2058-07-08: 60 calendar days end Friday 09-06.
  const std::string id = NewId("case");
  ASSERT_TRUE(
      Apply({Registered(id, Beijing(2058, 7, 1)), Accepted(id, 2, Beijing(2058, 7, 8), "COMPLEX")})
          .ok());
  ASSERT_EQ(Deadlines(id)["HANDLING"].due_date(), "2058-09-06");
  const std::string path = "/v1/cases/" + id + "/extensions";
  ExpectRefused(Call("POST", path, R"({"days":31,"reason":"需现场勘查"})", Leader()), 400,
                "INVALID_ARGUMENT", "days");
  ExpectRefused(Call("POST", path, R"({"days":0,"reason":"需现场勘查"})", Leader()), 400,
                "INVALID_ARGUMENT", "days");
  const std::string body = R"({"days":10,"reason":"需会同自然资源所现场勘查","requestId":"ext-1"})";
  HttpResponse granted = Call("POST", path, body, Leader());
  ASSERT_EQ(granted.status, 200) << granted.body;
  // N + E = 70 calendar days from the same start: Monday 09-16.
  EXPECT_EQ(JsonString(ParseJson(granted.body), "newDueDate"), "2058-09-16");
  EXPECT_EQ(JsonString(ParseJson(granted.body), "reason"), "需会同自然资源所现场勘查");
  auto d = Deadlines(id);
  EXPECT_EQ(d["HANDLING"].due_date(), "2058-09-16");
  EXPECT_EQ(d["HANDLING"].extended_by_days(), 10);
  // The event for intake's notice carries the reason given.
  EXPECT_EQ(Count("SELECT count(*) FROM supervision.outbox WHERE case_id = '" + id +
                  "' AND position(convert_to('需会同自然资源所现场勘查', 'UTF8') in payload) > 0"),
            1);
  // Once: a second one (another body) is refused.
  ExpectError(Call("POST", path, R"({"days":5,"reason":"再延"})", Leader()), 409, "ALREADY_EXISTS");
  EXPECT_EQ(Deadlines(id)["HANDLING"].due_date(), "2058-09-16");

  // A retry (same caller, same requestId and body) gets its first answer,
  // even when the checks before it could not run now: scheduling down...
  stack_->Stop("scheduling");
  HttpResponse again = Call("POST", path, body, Leader());
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(JsonString(ParseJson(again.body), "newDueDate"), "2058-09-16");
  EXPECT_EQ(JsonString(ParseJson(again.body), "grantedAt"),
            JsonString(ParseJson(granted.body), "grantedAt"));
  ASSERT_TRUE(stack_->Restart("scheduling").ok());
  // ...or the case answered since (HANDLING met: no extension could start now).
  auto answered = Event(id, 3, Beijing(2058, 9, 10));
  answered.mutable_answered()->set_outcome("UPHELD");
  // Delivered the same day: the review window asks the calendar, so this
  // waits until supervision's channel to the restarted scheduling is back
  // (it may take a moment), for this test and the next.
  auto delivered = Event(id, 4, Beijing(2058, 9, 10));
  delivered.mutable_delivered()->set_delivered_on("2058-09-10");
  delivered.mutable_delivered()->set_method("IN_PERSON");
  ASSERT_TRUE(Eventually([&] { return Apply({answered, delivered}).ok(); }, absl::Seconds(30)));
  ASSERT_EQ(Deadlines(id)["HANDLING"].state(), sv::MET);
  again = Call("POST", path, body, Leader());
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(JsonString(ParseJson(again.body), "newDueDate"), "2058-09-16");
  // The same id with another body: 409; the same id from another caller is
  // another request, and gets nothing of the first.
  ExpectError(
      Call("POST", path, R"({"days":9,"reason":"需现场勘查","requestId":"ext-1"})", Leader()), 409,
      "ALREADY_EXISTS");
  HttpResponse other = Call("POST", path, body, stack_->Token({"leader"}, "off_leader2"));
  EXPECT_NE(other.status, 200) << other.body;
  EXPECT_EQ(other.body.find("2058-09-16"), std::string::npos) << other.body;
  EXPECT_EQ(Count("SELECT count(*) FROM supervision.extensions WHERE case_id = '" + id + "'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM supervision.outbox WHERE case_id = '" + id + "'"), 1);
}

// PUT /v1/policies/deadlines refuses, naming the field, and stores nothing.
TEST_F(SupervisionDeadlinesTest, PolicyRefusalsNameTheField) {
  PutRegulationPolicy();
  HttpResponse before = Call("GET", "/v1/policies/deadlines", "", Admin());
  ASSERT_EQ(before.status, 200) << before.body;
  const std::string version = JsonString(ParseJson(before.body), "version");
  const std::string wd7 = R"({"days":7,"unit":"WORKING_DAYS"})";
  auto put = [&](const std::string& body) {
    return Call("PUT", "/v1/policies/deadlines", body, Admin());
  };
  // The fast track longer than ordinary handling (10 > 7 working days).
  ExpectRefused(put(PolicyBody(wd7)), 400, "INVALID_ARGUMENT", "handling.SIMPLE");
  // ORDINARY 60 calendar days over COMPLEX's (replaced) 40 working days,
  // which last at most 56 calendar days.
  std::string body = PolicyBody(R"({"days":60,"unit":"CALENDAR_DAYS"})");
  std::string complex_40 = body;
  complex_40.replace(complex_40.find(R"("COMPLEX":{"days":60,"unit":"CALENDAR_DAYS"})"),
                     std::string(R"("COMPLEX":{"days":60,"unit":"CALENDAR_DAYS"})").size(),
                     R"("COMPLEX":{"days":40,"unit":"WORKING_DAYS"})");
  ExpectRefused(put(complex_40), 400, "INVALID_ARGUMENT", "handling.ORDINARY");
  // Zero and negative values.
  auto with = [&](const std::string& from, const std::string& to) {
    std::string b = PolicyBody(R"({"days":60,"unit":"CALENDAR_DAYS"})");
    const size_t at = b.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) b.replace(at, from.size(), to);
    return b;
  };
  ExpectRefused(put(with(R"("dueSoon":{"days":2)", R"("dueSoon":{"days":0)")), 400,
                "INVALID_ARGUMENT", "dueSoon.days");
  ExpectRefused(put(with(R"("extensionMax":{"days":30)", R"("extensionMax":{"days":-30)")), 400,
                "INVALID_ARGUMENT", "extensionMax.days");
  ExpectRefused(put(with(R"("reviewWindow":{"days":30)", R"("reviewWindow":{"days":0)")), 400,
                "INVALID_ARGUMENT", "reviewWindow.days");
  ExpectRefused(put(with(R"("acceptance":{"days":15)", R"("acceptance":{"days":-1)")), 400,
                "INVALID_ARGUMENT", "acceptance.days");
  ExpectRefused(put(PolicyBody(
                    R"({"days":60,"unit":"CALENDAR_DAYS"})", R"({"days":10,"unit":"WORKING_DAYS"})",
                    R"(,"orderResponse":{"REMINDER":{"days":0,"unit":"WORKING_DAYS"}})")),
                400, "INVALID_ARGUMENT", "orderResponse.REMINDER.days");
  // Units: unknown, or none.
  HttpResponse unknown = put(
      with(R"("unit":"CALENDAR_DAYS"},"reviewWindow")", R"("unit":"FORTNIGHTS"},"reviewWindow")"));
  ExpectError(unknown, 400, "INVALID_ARGUMENT");
  EXPECT_NE(unknown.body.find("extensionMax"), std::string::npos) << unknown.body;
  ExpectRefused(put(with(R"("reviewWindow":{"days":30,"unit":"CALENDAR_DAYS"})",
                         R"("reviewWindow":{"days":30})")),
                400, "INVALID_ARGUMENT", "reviewWindow.unit");
  ExpectRefused(put(PolicyBody(R"({"days":60,"unit":"CALENDAR_DAYS"})",
                               R"({"days":10,"unit":"WORKING_DAYS"})",
                               R"(,"orderResponse":{"LISTED":{"days":2}})")),
                400, "INVALID_ARGUMENT", "orderResponse.LISTED.unit");
  ExpectRefused(put(PolicyBody(R"({"days":60,"unit":"CALENDAR_DAYS"})",
                               R"({"days":10,"unit":"WORKING_DAYS"})",
                               R"(,"extendable":["COMPLEX","URGENT"])")),
                400, "INVALID_ARGUMENT", "extendable[1]");
  // Nothing was stored.
  HttpResponse after = Call("GET", "/v1/policies/deadlines", "", Admin());
  EXPECT_EQ(JsonString(ParseJson(after.body), "version"), version);

  // 团堡镇, with its own extendable complexities and order windows: stored,
  // and read back.
  HttpResponse stored = put(PolicyBody(
      wd7, R"({"days":5,"unit":"WORKING_DAYS"})",
      R"(,"extendable":["ORDINARY","COMPLEX"],"orderResponse":{"REMINDER":{"days":7,"unit":"CALENDAR_DAYS"}})"));
  ASSERT_EQ(stored.status, 200) << stored.body;
  sv::DeadlinePolicy policy;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(stored.body, &policy).ok());
  EXPECT_EQ(std::vector<std::string>(policy.extendable().begin(), policy.extendable().end()),
            (std::vector<std::string>{"ORDINARY", "COMPLEX"}));
  EXPECT_EQ(policy.order_response().at("REMINDER").days(), 7);
  EXPECT_EQ(policy.order_response().at("REMINDER").unit(), sv::CALENDAR_DAYS);
  EXPECT_EQ(policy.order_response().at("ORDER").days(), 3);  // the default
  EXPECT_EQ(policy.order_response().at("ORDER").unit(), sv::WORKING_DAYS);
  PutRegulationPolicy();
  HttpResponse get = Call("GET", "/v1/policies/deadlines", "", Admin());
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(get.body, &policy).ok());
  EXPECT_EQ(std::vector<std::string>(policy.extendable().begin(), policy.extendable().end()),
            std::vector<std::string>{"COMPLEX"});
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
  PutRegulationPolicy();
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

// An official with a unit writes for that unit only, whatever the role: reading
// every case (a leader) is not answering for every unit.
TEST_F(SupervisionDeadlinesTest, WritesAreForTheCallersOwnUnit) {
  const std::string id = NewId("case");
  ASSERT_TRUE(Apply({Registered(id, Beijing(2058, 7, 1), "unit_own"),
                     Accepted(id, 2, Beijing(2058, 7, 8), "COMPLEX", "unit_own")})
                  .ok());
  HttpResponse created =
      Call("POST", "/v1/supervisionOrders",
           absl::StrCat(R"({"caseId":")", id, R"(","unitId":"unit_own","level":"REMINDER"})"),
           Supervisor());
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string order =
      "/v1/supervisionOrders/" + JsonString(ParseJson(created.body), "orderId");
  const std::string extension = "/v1/cases/" + id + "/extensions";
  const std::string ext_body = R"({"days":5,"reason":"需现场勘查"})";
  for (const char* role : {"leader", "clerk", "supervisor", "admin"}) {
    const std::string stranger = stack_->Token({role}, std::string("off_") + role, "unit_else");
    ExpectError(Call("POST", order + ":respond", R"({"response":"x"})", stranger), 403,
                "PERMISSION_DENIED");
    ExpectError(Call("POST", extension, ext_body, stranger), 403, "PERMISSION_DENIED");
  }
  // A handler of another unit does not even see the order (and no handler extends).
  const std::string handler = stack_->Token({"handler"}, "off_h9", "unit_else");
  ExpectError(Call("POST", order + ":respond", R"({"response":"x"})", handler), 404, "NOT_FOUND");
  ExpectError(Call("POST", extension, ext_body, handler), 403, "PERMISSION_DENIED");
  EXPECT_EQ(Count("SELECT count(*) FROM supervision.extensions WHERE case_id = '" + id + "'"), 0);
  // The unit's own leader, and a township leader without a unit, may.
  const std::string own = stack_->Token({"leader"}, "off_lead_own", "unit_own");
  HttpResponse responded = Call("POST", order + ":respond", R"({"response":"已处理"})", own);
  EXPECT_EQ(responded.status, 200) << responded.body;
  HttpResponse extended = Call("POST", extension, ext_body, Leader());
  EXPECT_EQ(extended.status, 200) << extended.body;
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
  // The request id is the caller's: another supervisor's same id makes an
  // order of its own; the same id with another body is refused.
  HttpResponse theirs =
      Call("POST", "/v1/supervisionOrders", body, stack_->Token({"supervisor"}, "off_sup_other"));
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_NE(JsonString(ParseJson(theirs.body), "orderId"), order_id);
  ExpectError(
      Call("POST", "/v1/supervisionOrders",
           absl::StrCat(R"({"caseId":")", id, R"(","unitId":"unit_ord","level":"REMINDER",)",
                        R"("requestId":"ord-1"})"),
           Supervisor()),
      409, "ALREADY_EXISTS");
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

// An order's due date is the policy's window for its level, counted from
// the day it is opened (the stack's own day, read back from createdAt), and
// never a day off. No assertion depends on which day that is: the window
// is chosen to end on the first day off after it.
TEST_F(SupervisionDeadlinesTest, AnOrdersDueDateFromThePolicyRolledOffADayOff) {
  PutRegulationPolicy();
  const std::string id = NewId("case");
  ASSERT_TRUE(Apply({Registered(id, Beijing(2026, 9, 1), "unit_win"),
                     Accepted(id, 2, Beijing(2026, 9, 2), "ORDINARY", "unit_win")})
                  .ok());
  auto open_order = [&](const std::string& level) {
    HttpResponse r = Call("POST", "/v1/supervisionOrders",
                          absl::StrCat(R"({"caseId":")", id, R"(","unitId":"unit_win","level":")",
                                       level, R"(","note":"请按期报告"})"),
                          Supervisor());
    EXPECT_EQ(r.status, 200) << r.body;
    return r;
  };
  auto day_of = [](const HttpResponse& order) {
    absl::Time at;
    std::string error;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, JsonString(ParseJson(order.body), "createdAt"),
                                &at, &error))
        << error;
    return absl::ToCivilDay(at, absl::FixedTimeZone(8 * 3600));
  };
  auto add_working_days = [&](absl::CivilDay from, int n) {
    HttpResponse r = Call(
        "GET", absl::StrCat("/v1/calendar:addWorkingDays?from=", FormatDate(from), "&days=", n), "",
        Admin());
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonString(ParseJson(r.body), "date");
  };
  auto working = [&](absl::CivilDay day) {
    HttpResponse r = Call("GET", "/v1/calendar/days/" + FormatDate(day), "", Admin());
    EXPECT_EQ(r.status, 200) << r.body;
    // proto3 JSON leaves `working: false` out.
    const auto body = ParseJson(r.body);
    auto it = body.fields().find("working");
    return it != body.fields().end() && it->second.bool_value();
  };

  // By default, working days: ORDER's 3 from the day it is opened.
  HttpResponse order = open_order("ORDER");
  EXPECT_EQ(JsonString(ParseJson(order.body), "dueDate"), add_working_days(day_of(order), 3));

  // REMINDER in calendar days, as many as reach the first day off after
  // today: the window ends on it and rolls to the next working day. (Tried
  // again should the day turn between the two calls.)
  bool checked = false;
  for (int attempt = 0; attempt < 3 && !checked; ++attempt) {
    const absl::CivilDay today = day_of(open_order("LISTED"));
    absl::CivilDay off = today + 1;
    while (working(off) && off - today < 30) ++off;
    ASSERT_FALSE(working(off)) << FormatDate(off);
    const int n = static_cast<int>(off - today);
    PutPolicy(R"({"days":60,"unit":"CALENDAR_DAYS"})", R"({"days":10,"unit":"WORKING_DAYS"})",
              absl::StrCat(R"(,"orderResponse":{"REMINDER":{"days":)", n,
                           R"(,"unit":"CALENDAR_DAYS"}})"));
    HttpResponse reminder = open_order("REMINDER");
    if (day_of(reminder) != today) continue;
    const std::string due = JsonString(ParseJson(reminder.body), "dueDate");
    EXPECT_NE(due, FormatDate(off));
    // The first working day after the day off (on or after `off`).
    EXPECT_EQ(due, add_working_days(off, 1));
    checked = true;
  }
  EXPECT_TRUE(checked);
  PutRegulationPolicy();
}

}  // namespace
}  // namespace petition::testing
