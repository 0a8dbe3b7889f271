// After the answer, over HTTP against the real processes on the stack's clock:
// the written answer is delivered (送达) as a step of its own, the review
// window (A35: 30 days 自收到书面答复之日起) counts from the day of delivery and
// has not started before it, and a window that runs out unused is EXPIRED
// (the petitioner's right lapsed), never OVERDUE: no unit's fault, no
// supervision order, and the public lookup shows the case closed.
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/testing/eventually.h"
#include "gtest/gtest.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kVisit[] = R"({
  "channel": "VISIT",
  "category": "RIGHTS_INFRINGEMENT",
  "subject": "宅基地纠纷",
  "content": "邻居占用宅基地，请求镇里协调处理。",
  "petitioners": [{"name": "张三", "idNumber": "11010519491231002X"}]
})";

constexpr char kAccept[] =
    R"({"handlingUnitIds":["unit_dlv"],"complexity":"ORDINARY","leaderId":"off_dlv_leader"})";

class AnswerDeliveryTest : public StackTest<AnswerDeliveryTest> {
 public:
  static constexpr char kStackName[] = "delivery";
  // Monday 2026-03-02: the answer and its delivery; the window's 30 days
  // end on Wednesday 2026-04-01, a working day.
  static TestStack::Options StackOptions() {
    TestStack::Options options;
    options.clock_at = TownshipTime(2026, 3, 2);
    return options;
  }

 protected:
  void SetUp() override {
    StackTest::SetUp();
    absl::Status seeded = stack_->SeedDirectory({"unit_dlv"}, {"off_dlv_leader"});
    ASSERT_TRUE(seeded.ok()) << seeded;
  }

  static std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }
  static std::string Leader() { return stack_->Token({"leader"}, "off_dlv_leader"); }
  static std::string Handler() { return stack_->Token({"handler"}, "off_h", "unit_dlv"); }
  static std::string Supervisor() { return stack_->Token({"supervisor"}, "off_sup"); }

  static HttpResponse Step(const std::string& case_id, const std::string& verb,
                           const std::string& body) {
    return Call("POST", absl::StrCat("/v1/cases/", case_id, ":", verb), body, Clerk());
  }

  struct Answered {
    std::string case_id;
    std::string code;
  };

  // A case registered, accepted, its opinion submitted and approved, and
  // answered, all today (the stack's clock).
  static Answered AnswerOne() {
    HttpResponse r = Call("POST", "/v1/cases", kVisit, Clerk());
    EXPECT_EQ(r.status, 200) << r.body;
    Answered a{JsonString(ParseJson(r.body), "caseId"), JsonString(ParseJson(r.body), "queryCode")};
    EXPECT_EQ(Step(a.case_id, "accept", kAccept).status, 200);
    const std::string opinion =
        WriteApprovedOpinion(a.case_id,
                             R"({"unitId":"unit_dlv","outcome":"EXPLAINED","facts":"经现场核实。",
                                 "basis":"《土地管理法》","decision":"解释说明。"})",
                             Handler(), Leader());
    HttpResponse answered =
        Step(a.case_id, "answer", absl::StrCat(R"({"opinionId":")", opinion, R"("})"));
    EXPECT_EQ(answered.status, 200) << answered.body;
    return a;
  }

  static std::string Q(const std::string& sql) {
    auto v = stack_->Query(sql);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : "";
  }
};

TEST_F(AnswerDeliveryTest, TheReviewWindowCountsFromDeliveryAndLapsesAsExpired) {
  const Answered a = AnswerOne();
  // Supervision has the answer, and no window: it has not started.
  EXPECT_TRUE(Eventually([&] {
    return Q("SELECT count(*) FROM supervision.case_tracks WHERE case_id = '" + a.case_id +
             "' AND answered_at IS NOT NULL") == "1";
  }));
  EXPECT_EQ(Q("SELECT count(*) FROM supervision.deadlines WHERE case_id = '" + a.case_id +
              "' AND kind = 'REVIEW_WINDOW'"),
            "0");
  ExpectRefused(Step(a.case_id, "requestReview", "{}"), 400, "FAILED_PRECONDITION",
                "not been delivered");

  // Delivery: a method, by post with its receipt, between the answer and today.
  ExpectRefused(Step(a.case_id, "deliver", R"({"deliveredOn":"2026-03-02","method":"POST"})"), 400,
                "INVALID_ARGUMENT", "receiptNumber");
  ExpectRefused(Step(a.case_id, "deliver", R"({"deliveredOn":"2026-03-02"})"), 400,
                "INVALID_ARGUMENT", "method");
  ExpectRefused(Step(a.case_id, "deliver", R"({"deliveredOn":"2026-03-03","method":"IN_PERSON"})"),
                400, "INVALID_ARGUMENT", "after today");
  ExpectRefused(Step(a.case_id, "deliver", R"({"deliveredOn":"2026-03-01","method":"IN_PERSON"})"),
                400, "INVALID_ARGUMENT", "before the answer");
  EXPECT_EQ(Call("POST", "/v1/cases/" + a.case_id + ":deliver",
                 R"({"deliveredOn":"2026-03-02","method":"IN_PERSON"})", Handler())
                .status,
            403);
  const std::string body =
      R"({"deliveredOn":"2026-03-02","method":"POST","receiptNumber":"XA123456789CN",)"
      R"("requestId":"dlv-1"})";
  HttpResponse delivered = Step(a.case_id, "deliver", body);
  ASSERT_EQ(delivered.status, 200) << delivered.body;
  auto c = ParseJson(delivered.body);
  EXPECT_EQ(JsonString(c, "status"), "ANSWERED");
  EXPECT_EQ(JsonString(c, "deliveredOn"), "2026-03-02");
  EXPECT_EQ(JsonString(c, "deliveryMethod"), "POST");
  EXPECT_EQ(JsonString(c, "deliveryReceiptNumber"), "XA123456789CN");
  // The same request again is the first answer; another delivery is refused.
  HttpResponse retried = Step(a.case_id, "deliver", body);
  EXPECT_EQ(retried.status, 200) << retried.body;
  ExpectRefused(Step(a.case_id, "deliver", R"({"deliveredOn":"2026-03-02","method":"IN_PERSON"})"),
                400, "FAILED_PRECONDITION", "already delivered");
  EXPECT_EQ(Q("SELECT count(*) FROM intake.case_steps WHERE case_id = '" + a.case_id +
              "' AND step = 'DELIVER'"),
            "1");

  // The window: 30 calendar days from the delivery, the day itself not counted.
  auto window =
      Deadline(a.case_id, "REVIEW_WINDOW", [](const std::string& s) { return s == "OPEN"; });
  EXPECT_EQ(JsonString(window, "startDate"), "2026-03-02");
  EXPECT_EQ(JsonString(window, "dueDate"), "2026-04-01");

  // The day after its last day: EXPIRED (the scanner's pass at the new
  // clock), never OVERDUE, counted against nobody.
  ASSERT_TRUE(stack_->SetClock(TownshipTime(2026, 4, 2, 9)).ok());
  Deadline(a.case_id, "REVIEW_WINDOW", [](const std::string& s) { return s == "EXPIRED"; });
  EXPECT_TRUE(Eventually([&] {
    return Q("SELECT state FROM supervision.deadlines WHERE case_id = '" + a.case_id +
             "' AND kind = 'REVIEW_WINDOW'") == "EXPIRED";
  }));
  EXPECT_EQ(Q("SELECT count(*) FROM supervision.deadline_transitions WHERE case_id = '" +
              a.case_id + "' AND to_state = 'OVERDUE'"),
            "0");
  EXPECT_EQ(
      Q("SELECT count(*) FROM supervision.supervision_orders WHERE case_id = '" + a.case_id + "'"),
      "0");
  HttpResponse overdue =
      Call("GET", "/v1/deadlines?state=OVERDUE&unitId=unit_dlv", "", Supervisor());
  ASSERT_EQ(overdue.status, 200) << overdue.body;
  EXPECT_EQ(overdue.body.find(a.case_id), std::string::npos) << overdue.body;
  HttpResponse expired = Call("GET", "/v1/deadlines?state=EXPIRED", "", Supervisor());
  ASSERT_EQ(expired.status, 200) << expired.body;
  EXPECT_NE(expired.body.find(a.case_id), std::string::npos) << expired.body;

  // The matter is settled for good (A36): supervision tells intake, and
  // the case is FINAL; too late for a review. The public view shows it
  // closed from the day after the window's last day.
  EXPECT_TRUE(Eventually([&] {
    return Q("SELECT status FROM intake.cases WHERE case_id = '" + a.case_id + "'") == "FINAL";
  }));
  EXPECT_EQ(Q("SELECT actor || ' ' || note FROM intake.case_steps WHERE case_id = '" + a.case_id +
              "' AND step = 'FINALIZE'"),
            "supervision REVIEW_WINDOW lapsed after 2026-04-01");
  ExpectRefused(Step(a.case_id, "requestReview", "{}"), 400, "FAILED_PRECONDITION",
                "the case is FINAL");
  HttpResponse lookup = Call("GET", "/v1/lookup/" + a.code, "", "");
  ASSERT_EQ(lookup.status, 200) << lookup.body;
  auto view = ParseJson(lookup.body);
  EXPECT_EQ(JsonString(view, "deadline.kind"), "REVIEW_WINDOW") << lookup.body;
  EXPECT_EQ(JsonString(view, "deadline.state"), "EXPIRED") << lookup.body;
  EXPECT_EQ(JsonString(view, "closedDate"), "2026-04-02") << lookup.body;
}

}  // namespace
}  // namespace petition::testing
