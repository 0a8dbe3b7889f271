// The review (复查, A35) end to end, over HTTP against the real processes on
// the stack's clock: after the written answer is delivered, the petitioner's
// request for a review goes to the county (the body one level up) through
// the signed, retried county feedback channel, for a township's own case too
// (the county receives its caseId and no countyCaseId); supervision opens
// the reviewing body's REVIEW_ANSWER deadline (30 days), which never counts
// against the township's handling unit: not in its lists, not overdue
// against it, no supervision order. The county is a real HTTP receiver in
// this process.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/crypto.h"
#include "common/testing/eventually.h"
#include "common/testing/http_receiver.h"
#include "gtest/gtest.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kFeedbackSecret[] = "county-review-secret-for-tests";

HttpReceiver& County() {
  static HttpReceiver* county =
      new HttpReceiver([](const HttpReceiver::Request&, int) { return 200; });
  return *county;
}

constexpr char kVisit[] = R"({
  "channel": "VISIT",
  "category": "RIGHTS_INFRINGEMENT",
  "subject": "宅基地纠纷",
  "content": "邻居占用宅基地，请求镇里协调处理。",
  "petitioners": [{"name": "张三", "idNumber": "11010519491231002X"}]
})";

constexpr char kAccept[] =
    R"({"handlingUnitIds":["unit_rv"],"complexity":"ORDINARY","leaderId":"off_rv_leader"})";

class ReviewTest : public StackTest<ReviewTest> {
 public:
  static constexpr char kStackName[] = "review";
  // Monday 2026-03-02: answer, delivery and review request; the reviewing
  // body's 30 days end on Wednesday 2026-04-01, a working day.
  static TestStack::Options StackOptions() {
    TestStack::Options options;
    options.clock_at = TownshipTime(2026, 3, 2);
    options.intake_flags = CountyFeedbackFlags(County().url("/petition/feedback"), kFeedbackSecret);
    return options;
  }

 protected:
  void SetUp() override {
    StackTest::SetUp();
    absl::Status seeded = stack_->SeedDirectory({"unit_rv"}, {"off_rv_leader"});
    ASSERT_TRUE(seeded.ok()) << seeded;
  }

  static std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }
  static std::string Leader() { return stack_->Token({"leader"}, "off_rv_leader"); }
  static std::string Handler() { return stack_->Token({"handler"}, "off_h", "unit_rv"); }
  static std::string Supervisor() { return stack_->Token({"supervisor"}, "off_sup"); }

  static HttpResponse Step(const std::string& case_id, const std::string& verb,
                           const std::string& body) {
    return Call("POST", absl::StrCat("/v1/cases/", case_id, ":", verb), body, Clerk());
  }

  // An opinion of the unit written, submitted and approved; its id.
  static std::string ApprovedOpinion(const std::string& case_id, const std::string& decision) {
    return WriteApprovedOpinion(case_id,
                                absl::StrCat(R"({"unitId":"unit_rv","outcome":"EXPLAINED",)",
                                             R"("facts":"经现场核实。","basis":"《土地管理法》",)",
                                             R"("decision":")", decision, R"("})"),
                                Handler(), Leader());
  }

  // A township case answered and delivered today (the stack's clock), its
  // review window open in supervision.
  static std::string Delivered() {
    HttpResponse r = Call("POST", "/v1/cases", kVisit, Clerk());
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string case_id = JsonString(ParseJson(r.body), "caseId");
    EXPECT_EQ(Step(case_id, "accept", kAccept).status, 200);
    const std::string opinion = ApprovedOpinion(case_id, "解释说明。");
    HttpResponse answered =
        Step(case_id, "answer", absl::StrCat(R"({"opinionId":")", opinion, R"("})"));
    EXPECT_EQ(answered.status, 200) << answered.body;
    const std::string today = FormatCivilDay(absl::ToCivilDay(stack_->Now(), TownshipZone()));
    HttpResponse delivered =
        Step(case_id, "deliver",
             absl::StrCat(R"({"deliveredOn":")", today, R"(","method":"IN_PERSON"})"));
    EXPECT_EQ(delivered.status, 200) << delivered.body;
    Deadline(case_id, "REVIEW_WINDOW", [](const std::string& s) { return s == "OPEN"; });
    return case_id;
  }

  static std::string FormatCivilDay(absl::CivilDay d) {
    return absl::FormatCivilTime(d);  // YYYY-MM-DD
  }

  // What the county received for `case_id`, in order.
  static std::vector<HttpReceiver::Request> Received(const std::string& case_id) {
    std::vector<HttpReceiver::Request> out;
    for (const HttpReceiver::Request& r : County().requests()) {
      if (r.body.find("\"caseId\":\"" + case_id + "\"") != std::string::npos) out.push_back(r);
    }
    return out;
  }

  static std::string Q(const std::string& sql) {
    auto v = stack_->Query(sql);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : "";
  }

  // The body above pushes a decision with the county's API key.
  static HttpResponse Decide(const std::string& case_id, const std::string& stage,
                             const std::string& body) {
    return CountyCall("PUT", absl::StrCat("/v1/cases/", case_id, "/reviews/", stage), body);
  }

  static std::string ReviewChanged(const std::string& unit, const std::string& from,
                                   const std::string& to) {
    HttpResponse stats =
        Call("GET", absl::StrCat("/v1/stats/units?from=", from, "&to=", to), "", Supervisor());
    EXPECT_EQ(stats.status, 200) << stats.body;
    auto rows = ParseJson(stats.body);
    auto it = rows.fields().find("rows");
    if (it == rows.fields().end()) return "";
    for (const auto& v : it->second.list_value().values()) {
      if (JsonString(v.struct_value(), "unitId") == unit) {
        return JsonString(v.struct_value(), "reviewChanged");
      }
    }
    return "";
  }
};

TEST_F(ReviewTest, ATownshipCasesReviewRequestReachesTheCountySignedAndOpensItsAnswerDeadline) {
  const std::string case_id = Delivered();
  // The township's own answer is not the county's business.
  EXPECT_TRUE(Received(case_id).empty());

  HttpResponse requested =
      Step(case_id, "requestReview", R"({"reason":"对答复不服，请求复查。","requestId":"rv-1"})");
  ASSERT_EQ(requested.status, 200) << requested.body;
  EXPECT_EQ(JsonString(ParseJson(requested.body), "status"), "REVIEW_REQUESTED");

  // The county receives it once, signed over the raw body, naming the case
  // and no county id, with the petitioner's reason.
  std::vector<HttpReceiver::Request> got;
  ASSERT_TRUE(Eventually([&] {
    got = Received(case_id);
    return !got.empty();
  }));
  ASSERT_EQ(got.size(), 1u);
  const HttpReceiver::Request& r = got[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.headers.at("x-signature"),
            "sha256=" + HexEncode(HmacSha256(kFeedbackSecret, r.body)));
  EXPECT_EQ(r.headers.at("x-delivery-attempt"), "1");
  auto body = ParseJson(r.body);
  EXPECT_EQ(JsonString(body, "status"), "REVIEW_REQUESTED") << r.body;
  EXPECT_EQ(JsonString(body, "caseId"), case_id);
  EXPECT_EQ(JsonString(body, "countyCaseId"), "") << r.body;
  EXPECT_EQ(JsonString(body, "note"), "对答复不服，请求复查。");
  EXPECT_EQ(JsonString(body, "decision"), "解释说明。") << r.body;
  EXPECT_EQ(JsonString(body, "deliveryId"), r.headers.at("x-delivery-id"));
  // Recorded as delivered, with its attempt; keyed by the case, no county id.
  EXPECT_TRUE(Eventually([&] {
    return Q("SELECT count(*) FROM intake.county_feedback WHERE case_id = '" + case_id +
             "' AND county_case_id IS NULL AND delivered_at IS NOT NULL AND NOT "
             "review_required") == "1";
  }));
  EXPECT_EQ(Q("SELECT count(*) FROM intake.county_feedback_attempts a JOIN "
              "intake.county_feedback f ON f.id = a.feedback_id WHERE f.case_id = '" +
              case_id + "' AND a.http_status = 200"),
            "1");
  // A retry of the request is its first answer, and sends nothing again.
  HttpResponse retried =
      Step(case_id, "requestReview", R"({"reason":"对答复不服，请求复查。","requestId":"rv-1"})");
  EXPECT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(Q("SELECT count(*) FROM intake.county_feedback WHERE case_id = '" + case_id + "'"),
            "1");

  // The window is met; the reviewing body's 30 days open from the request.
  Deadline(case_id, "REVIEW_WINDOW", [](const std::string& s) { return s == "MET"; });
  auto answer =
      Deadline(case_id, "REVIEW_ANSWER", [](const std::string& s) { return s == "OPEN"; });
  EXPECT_EQ(JsonString(answer, "startDate"), "2026-03-02");
  EXPECT_EQ(JsonString(answer, "dueDate"), "2026-04-01");
  // Not the unit's: its list of deadlines leaves it out.
  HttpResponse units = Call("GET", "/v1/deadlines?unitId=unit_rv", "", Supervisor());
  ASSERT_EQ(units.status, 200) << units.body;
  EXPECT_EQ(units.body.find("REVIEW_ANSWER"), std::string::npos) << units.body;
  HttpResponse all = Call("GET", "/v1/deadlines?kind=REVIEW_ANSWER", "", Supervisor());
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_NE(all.body.find(case_id), std::string::npos) << all.body;

  // Past its due date it is overdue (the reviewing body's), yet nothing
  // falls on the township's unit: not in its overdue list, no order.
  ASSERT_TRUE(stack_->SetClock(TownshipTime(2026, 4, 2, 9)).ok());
  Deadline(case_id, "REVIEW_ANSWER", [](const std::string& s) { return s == "OVERDUE"; });
  HttpResponse overdue =
      Call("GET", "/v1/deadlines?state=OVERDUE&unitId=unit_rv", "", Supervisor());
  ASSERT_EQ(overdue.status, 200) << overdue.body;
  EXPECT_EQ(overdue.body.find(case_id), std::string::npos) << overdue.body;
  EXPECT_EQ(Q("SELECT count(*) FROM supervision.deadline_units WHERE case_id = '" + case_id +
              "' AND kind = 'REVIEW_ANSWER'"),
            "0");
  EXPECT_EQ(
      Q("SELECT count(*) FROM supervision.supervision_orders WHERE case_id = '" + case_id + "'"),
      "0");
  HttpResponse stats =
      Call("GET", "/v1/stats/units?from=2026-03-01&to=2026-04-30", "", Supervisor());
  ASSERT_EQ(stats.status, 200) << stats.body;
  auto rows = ParseJson(stats.body);
  auto it = rows.fields().find("rows");
  if (it != rows.fields().end()) {
    for (const auto& v : it->second.list_value().values()) {
      if (JsonString(v.struct_value(), "unitId") != "unit_rv") continue;
      EXPECT_EQ(JsonString(v.struct_value(), "overdue"), "0") << stats.body;
    }
  }
}

// The whole chain after the answer (A35, A36): answer → delivery → review
// requested → the county changes the answer → handling again → answered
// again → delivered → recheck requested (a hearing does not count) → the
// recheck decided → FINAL; the same person on the same matter is then
// offered the decline "不再受理" (A36) with its own notice.
TEST_F(ReviewTest, AChangedReviewReopensHandlingAndARecheckSettlesTheMatterForGood) {
  // Monday 2026-05-04.
  ASSERT_TRUE(stack_->SetClock(TownshipTime(2026, 5, 4, 9)).ok());
  const std::string case_id = Delivered();
  ASSERT_EQ(Step(case_id, "requestReview", R"({"reason":"请求复查。"})").status, 200);
  // No decision for a stage not asked for; a bad stage or outcome.
  ExpectRefused(Decide(case_id, "RECHECK", R"({"outcome":"UPHELD","decidedOn":"2026-05-04"})"), 400,
                "FAILED_PRECONDITION", "REVIEW_REQUESTED");
  ExpectRefused(Decide(case_id, "AUDIT", R"({"outcome":"UPHELD","decidedOn":"2026-05-04"})"), 400,
                "INVALID_ARGUMENT", "stage");
  ExpectRefused(Decide(case_id, "REVIEW", R"({"outcome":"MAYBE","decidedOn":"2026-05-04"})"), 400,
                "INVALID_ARGUMENT", "");
  ExpectRefused(Decide(case_id, "REVIEW", R"({"outcome":"CHANGED","decidedOn":"2026-05-05"})"), 400,
                "INVALID_ARGUMENT", "decidedOn");
  // Officials other than an administrator do not record decisions.
  EXPECT_EQ(Call("PUT", "/v1/cases/" + case_id + "/reviews/REVIEW",
                 R"({"outcome":"CHANGED","decidedOn":"2026-05-04"})", Clerk())
                .status,
            403);

  // A week later the county's review changes the answer: handling again.
  ASSERT_TRUE(stack_->SetClock(TownshipTime(2026, 5, 11, 9)).ok());
  const std::string changed =
      R"({"outcome":"CHANGED","decidedOn":"2026-05-08","summary":"原答复认定事实不清，责令重新办理。"})";
  HttpResponse decided = Decide(case_id, "REVIEW", changed);
  ASSERT_EQ(decided.status, 200) << decided.body;
  auto d = ParseJson(decided.body);
  EXPECT_EQ(JsonString(d, "status"), "ACCEPTED") << decided.body;
  EXPECT_EQ(JsonString(d, "decision.stage"), "REVIEW");
  EXPECT_EQ(JsonString(d, "decision.outcome"), "CHANGED");
  EXPECT_EQ(JsonString(d, "decision.decidedOn"), "2026-05-08");
  // PUT again: the same answer; another decision for the stage: 409.
  HttpResponse again = Decide(case_id, "REVIEW", changed);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(JsonString(ParseJson(again.body), "status"), "ACCEPTED");
  ExpectRefused(Decide(case_id, "REVIEW", R"({"outcome":"UPHELD","decidedOn":"2026-05-08"})"), 409,
                "ALREADY_EXISTS", "already recorded");
  EXPECT_EQ(Q("SELECT count(*) FROM intake.case_steps WHERE case_id = '" + case_id +
              "' AND step = 'DECIDE_REVIEW'"),
            "1");
  // The reviewing body answered; the unit's HANDLING runs again from today.
  Deadline(case_id, "REVIEW_ANSWER", [](const std::string& s) { return s == "MET"; });
  auto handling = Deadline(case_id, "HANDLING", [](const std::string& s) { return s == "OPEN"; });
  EXPECT_EQ(JsonString(handling, "startDate"), "2026-05-11");
  EXPECT_EQ(JsonString(handling, "dueDate"), "2026-07-10");
  // It counts against the unit on the day of the decision.
  EXPECT_TRUE(
      Eventually([&] { return ReviewChanged("unit_rv", "2026-05-01", "2026-05-31") == "1"; }));
  EXPECT_EQ(ReviewChanged("unit_rv", "2026-05-09", "2026-05-31"), "");

  // The opinion the review set aside is not the new answer.
  const std::string first_opinion = JsonString(
      ParseJson(Call("GET", "/v1/cases/" + case_id, "", Clerk()).body), "answerOpinionId");
  ExpectRefused(Step(case_id, "answer", absl::StrCat(R"({"opinionId":")", first_opinion, R"("})")),
                400, "INVALID_ARGUMENT", "opinionId");
  const std::string second = ApprovedOpinion(case_id, "依复查意见重新处理，予以支持。");
  HttpResponse answered =
      Step(case_id, "answer", absl::StrCat(R"({"opinionId":")", second, R"("})"));
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(JsonString(ParseJson(answered.body), "status"), "ANSWERED");
  // No second review: a recheck follows, once the new answer is delivered.
  ExpectRefused(Step(case_id, "requestReview", "{}"), 400, "FAILED_PRECONDITION",
                ":requestRecheck");
  ExpectRefused(Step(case_id, "requestRecheck", "{}"), 400, "FAILED_PRECONDITION",
                "not been delivered");
  ASSERT_EQ(Step(case_id, "deliver", R"({"deliveredOn":"2026-05-11","method":"IN_PERSON"})").status,
            200);
  auto window =
      Deadline(case_id, "RECHECK_WINDOW", [](const std::string& s) { return s == "OPEN"; });
  EXPECT_EQ(JsonString(window, "dueDate"), "2026-06-10");

  HttpResponse recheck =
      Step(case_id, "requestRecheck",
           R"({"reason":"对复查后的处理仍不服，请求复核。","requestId":"rc-1"})");
  ASSERT_EQ(recheck.status, 200) << recheck.body;
  EXPECT_EQ(JsonString(ParseJson(recheck.body), "status"), "RECHECK_REQUESTED");
  // It goes up through the county like the review request.
  ASSERT_TRUE(Eventually([&] {
    for (const HttpReceiver::Request& r : Received(case_id)) {
      if (JsonString(ParseJson(r.body), "status") == "RECHECK_REQUESTED") return true;
    }
    return false;
  }));
  Deadline(case_id, "RECHECK_WINDOW", [](const std::string& s) { return s == "MET"; });
  auto answer =
      Deadline(case_id, "RECHECK_ANSWER", [](const std::string& s) { return s == "OPEN"; });
  EXPECT_EQ(JsonString(answer, "startDate"), "2026-05-11");
  EXPECT_EQ(JsonString(answer, "dueDate"), "2026-06-10");

  // A two-day hearing (A36: its time is not counted) moves the answer's
  // due date by two days; a leadership meeting does not.
  ASSERT_TRUE(stack_->SetClock(TownshipTime(2026, 5, 14, 9)).ok());
  HttpResponse hearing =
      Call("POST", "/v1/cases/" + case_id + "/hearings",
           R"({"kind":"HEARING","heldOn":"2026-05-12","endsOn":"2026-05-13"})", Clerk());
  ASSERT_EQ(hearing.status, 200) << hearing.body;
  EXPECT_EQ(JsonString(ParseJson(hearing.body), "endsOn"), "2026-05-13");
  ASSERT_EQ(Call("POST", "/v1/cases/" + case_id + "/hearings",
                 R"({"kind":"LEADERSHIP_MEETING","heldOn":"2026-05-14"})", Clerk())
                .status,
            200);
  answer = Deadline(case_id, "RECHECK_ANSWER", [](const std::string& s) { return s == "OPEN"; });
  EXPECT_EQ(JsonString(answer, "dueDate"), "2026-06-12");

  // The recheck decided: the matter is settled for good.
  HttpResponse final_decision = Decide(
      case_id, "RECHECK", R"({"outcome":"UPHELD","decidedOn":"2026-05-14","summary":"维持。"})");
  ASSERT_EQ(final_decision.status, 200) << final_decision.body;
  EXPECT_EQ(JsonString(ParseJson(final_decision.body), "status"), "FINAL");
  Deadline(case_id, "RECHECK_ANSWER", [](const std::string& s) { return s == "MET"; });
  ExpectRefused(Step(case_id, "requestRecheck", "{}"), 400, "FAILED_PRECONDITION",
                "the case is FINAL");

  // The same person on the same matter: flagged final, offered A36.
  HttpResponse repeat = Call("POST", "/v1/cases", kVisit, Clerk());
  ASSERT_EQ(repeat.status, 200) << repeat.body;
  auto r = ParseJson(repeat.body);
  const std::string repeat_id = JsonString(r, "caseId");
  EXPECT_EQ(JsonString(r, "final"), "true") << repeat.body;
  EXPECT_NE(repeat.body.find("\"finalCaseIds\":[\"" + case_id + "\"]"), std::string::npos)
      << repeat.body;
  HttpResponse declined =
      Step(repeat_id, "decline", R"({"route":"FINAL_DECISION","reason":"同一事实和理由。"})");
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(JsonString(ParseJson(declined.body), "status"), "DECLINED");
  EXPECT_EQ(JsonString(ParseJson(declined.body), "declineRoute"), "FINAL_DECISION");
  HttpResponse documents = Call("GET", "/v1/cases/" + repeat_id + "/documents", "", Clerk());
  ASSERT_EQ(documents.status, 200) << documents.body;
  EXPECT_NE(documents.body.find("NOT_ACCEPTED_AGAIN_NOTICE"), std::string::npos) << documents.body;
  EXPECT_NE(documents.body.find("不再受理"), std::string::npos) << documents.body;
  // Another person's petition is not final: no A36 decline for it.
  HttpResponse other =
      Call("POST", "/v1/cases",
           R"({"channel":"VISIT","category":"RIGHTS_INFRINGEMENT","subject":"宅基地纠纷",)"
           R"("content":"邻居占用宅基地，请求镇里协调处理。",)"
           R"("petitioners":[{"name":"李四","idNumber":"110105195001010012"}]})",
           Clerk());
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_NE(JsonString(ParseJson(other.body), "final"), "true") << other.body;
  ExpectRefused(Step(JsonString(ParseJson(other.body), "caseId"), "decline",
                     R"({"route":"FINAL_DECISION","reason":"同一事实和理由。"})"),
                400, "FAILED_PRECONDITION", "route");
}

}  // namespace
}  // namespace petition::testing
