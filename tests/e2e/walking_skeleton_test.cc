// End to end over HTTP against the four real binaries and PostgreSQL:
// register a case, read it back, see supervision's ACCEPTANCE deadline
// computed with scheduling's calendar, and refuse bad input without storing
// anything.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

// A visit received 2026-09-16 10:00 in Beijing: 15 calendar days later is
// 2026-10-01, National Day, so the acceptance deadline rolls to 2026-10-08.
constexpr char kVisit[] = R"({
  "requestId": "REQ",
  "channel": "VISIT",
  "receivedAt": "2026-09-16T02:00:00Z",
  "category": "RIGHTS_INFRINGEMENT",
  "subject": "宅基地纠纷",
  "content": "邻居占用宅基地，请求镇里协调处理。",
  "petitioners": [{"name": "张三", "idNumber": "11010519491231002X",
                   "phone": "13800138000", "address": "长乐镇东村三组12号"}]
})";

std::string Visit(const std::string& request_id) {
  return absl::StrReplaceAll(kVisit, {{"REQ", request_id}});
}

class WalkingSkeletonTest : public StackTest<WalkingSkeletonTest> {
 public:
  static constexpr char kStackName[] = "e2e";

 protected:
  std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }

  int64_t CaseCount() {
    auto n = stack_->Query("SELECT count(*) FROM intake.cases");
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? std::stoll(*n) : -1;
  }

  // Waits (bounded) until supervision has applied the case's registration.
  HttpResponse AwaitDeadlines(const std::string& case_id, const std::string& token) {
    HttpResponse r;
    absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      r = Call("GET", "/v1/cases/" + case_id + "/deadlines", "", token);
      // 404: not applied yet; 503: the gateway still reconnecting to a restarted supervision.
      if (r.status != 404 && r.status != 503) break;
      absl::SleepFor(absl::Milliseconds(20));  // polling a condition, bounded
    }
    return r;
  }

  void ExpectError(const HttpResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    auto json = ParseJson(r.body);
    EXPECT_EQ(JsonString(json, "error.code"), code) << r.body;
    EXPECT_FALSE(JsonString(json, "error.message").empty()) << r.body;
    ASSERT_NE(r.headers.count("content-type"), 0u);
    EXPECT_NE(r.headers.at("content-type").find("application/json"), std::string::npos);
  }
};

TEST_F(WalkingSkeletonTest, RegisterReadAndSeeTheAcceptanceDeadline) {
  HttpResponse created = Call("POST", "/v1/cases", Visit("walk-1"), Clerk());
  ASSERT_EQ(created.status, 200) << created.body;
  auto c = ParseJson(created.body);
  const std::string case_id = JsonString(c, "caseId");
  EXPECT_EQ(case_id.rfind("case_", 0), 0u) << created.body;
  EXPECT_EQ(JsonString(c, "status"), "REGISTERED");
  EXPECT_EQ(JsonString(c, "queryCode").size(), 12u);
  EXPECT_EQ(JsonString(c, "receivedBy"), "off_clerk1");  // first-contact owner
  EXPECT_EQ(JsonString(c, "collective"), "false");
  EXPECT_FALSE(created.headers["x-request-id"].empty());

  HttpResponse got = Call("GET", "/v1/cases/" + case_id, "", Clerk());
  ASSERT_EQ(got.status, 200) << got.body;
  auto g = ParseJson(got.body);
  EXPECT_EQ(JsonString(g, "caseId"), case_id);
  EXPECT_EQ(JsonString(g, "queryCode"), JsonString(c, "queryCode"));
  EXPECT_EQ(JsonString(g, "channel"), "VISIT");
  EXPECT_NE(got.body.find("11010519491231002X"), std::string::npos);  // the clerk sees identity
  EXPECT_EQ(*stack_->Query("SELECT count(*) FROM intake.identity_reads WHERE case_id = '" +
                           case_id + "'"),
            "1");

  // A supervisor reads the case with identity masked, and that read is not an identity read.
  HttpResponse masked = Call("GET", "/v1/cases/" + case_id, "", stack_->Token({"supervisor"}));
  ASSERT_EQ(masked.status, 200) << masked.body;
  EXPECT_EQ(masked.body.find("11010519491231002X"), std::string::npos) << masked.body;
  EXPECT_NE(masked.body.find("110105********002X"), std::string::npos) << masked.body;
  EXPECT_EQ(JsonString(ParseJson(masked.body), "identityMasked"), "true");

  HttpResponse deadlines = AwaitDeadlines(case_id, Clerk());
  ASSERT_EQ(deadlines.status, 200) << deadlines.body;
  EXPECT_NE(deadlines.body.find("\"kind\":\"ACCEPTANCE\""), std::string::npos) << deadlines.body;
  EXPECT_NE(deadlines.body.find("\"startDate\":\"2026-09-16\""), std::string::npos)
      << deadlines.body;
  EXPECT_NE(deadlines.body.find("\"dueDate\":\"2026-10-08\""), std::string::npos) << deadlines.body;
}

TEST_F(WalkingSkeletonTest, RetryWithTheSameRequestIdReturnsTheFirstCase) {
  HttpResponse first = Call("POST", "/v1/cases", Visit("walk-retry"), Clerk());
  ASSERT_EQ(first.status, 200) << first.body;
  int64_t before = CaseCount();
  HttpResponse again = Call("POST", "/v1/cases", Visit("walk-retry"), Clerk());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(JsonString(ParseJson(again.body), "caseId"),
            JsonString(ParseJson(first.body), "caseId"));
  std::string changed = absl::StrReplaceAll(Visit("walk-retry"), {{"宅基地纠纷", "别的事"}});
  ExpectError(Call("POST", "/v1/cases", changed, Clerk()), 409, "ALREADY_EXISTS");
  EXPECT_EQ(CaseCount(), before);
}

TEST_F(WalkingSkeletonTest, BadInputIsRefusedAndNothingIsStored) {
  const int64_t before = CaseCount();
  ExpectError(Call("POST", "/v1/cases", "{\"channel\": \"VISIT\",", Clerk()), 400,
              "INVALID_ARGUMENT");
  HttpResponse bad_id =
      Call("POST", "/v1/cases",
           absl::StrReplaceAll(Visit(""), {{"11010519491231002X", "110101199003077572"}}), Clerk());
  ExpectError(bad_id, 400, "INVALID_ARGUMENT");
  EXPECT_NE(bad_id.body.find("\"field\":\"petitioners[0].idNumber\""), std::string::npos)
      << bad_id.body;
  ExpectError(Call("POST", "/v1/cases",
                   absl::StrReplaceAll(Visit(""), {{"\"channel\": \"VISIT\"", "\"channel\": 7.5"}}),
                   Clerk()),
              400, "INVALID_ARGUMENT");
  ExpectError(Call("POST", "/v1/cases",
                   absl::StrReplaceAll(Visit(""), {{"\"channel\": \"VISIT\"",
                                                    "\"channel\": \"VISIT\", \"headcount\": "
                                                    "\"many\""}}),
                   Clerk()),
              400, "INVALID_ARGUMENT");
  ExpectError(Call("POST", "/v1/cases",
                   absl::StrReplaceAll(Visit(""), {{"\"channel\": \"VISIT\"",
                                                    "\"channel\": \"VISIT\", \"colour\": 1"}}),
                   Clerk()),
              400, "INVALID_ARGUMENT");
  ExpectError(Call("POST", "/v1/cases", Visit("")), 401, "UNAUTHENTICATED");
  ExpectError(Call("POST", "/v1/cases", Visit(""), "not.a.token"), 401, "UNAUTHENTICATED");
  ExpectError(Call("POST", "/v1/cases", Visit(""), stack_->Token({"handler"}, "h1", "unit_x")), 403,
              "PERMISSION_DENIED");
  EXPECT_EQ(CaseCount(), before);
  EXPECT_EQ(*stack_->Query("SELECT count(*) FROM intake.petitioners p LEFT JOIN intake.cases c "
                           "USING (case_id) WHERE c.case_id IS NULL"),
            "0");
}

TEST_F(WalkingSkeletonTest, RoutingErrors) {
  ExpectError(Call("GET", "/v1/nothing-here", "", Clerk()), 404, "NOT_FOUND");
  HttpResponse wrong_method = Call("DELETE", "/v1/cases", "", Clerk());
  EXPECT_EQ(wrong_method.status, 405) << wrong_method.body;
  EXPECT_NE(wrong_method.headers["allow"].find("POST"), std::string::npos);
  ExpectError(Call("GET", "/v1/cases/case_doesnotexist00000000", "", Clerk()), 404, "NOT_FOUND");
}

TEST_F(WalkingSkeletonTest, CalendarThroughTheGateway) {
  std::string token = Clerk();
  HttpResponse day = Call("GET", "/v1/calendar/days/2026-02-14", "", token);
  ASSERT_EQ(day.status, 200) << day.body;
  auto d = ParseJson(day.body);
  EXPECT_EQ(JsonString(d, "kind"), "MAKEUP_WORKDAY");
  EXPECT_EQ(JsonString(d, "working"), "true");

  HttpResponse add = Call("GET", "/v1/calendar:addWorkingDays?from=2026-02-13&days=2", "", token);
  ASSERT_EQ(add.status, 200) << add.body;
  EXPECT_EQ(JsonString(ParseJson(add.body), "date"), "2026-02-24");
  EXPECT_EQ(JsonString(ParseJson(add.body), "provisional"), "false");
  ExpectError(Call("GET", "/v1/calendar:addWorkingDays?from=2026-02-30&days=2", "", token), 400,
              "INVALID_ARGUMENT");

  // 2027 has no notice yet: its statutory holidays are estimated (补假 2/9).
  HttpResponse estimated = Call("GET", "/v1/calendar/days/2027-02-09", "", token);
  ASSERT_EQ(estimated.status, 200) << estimated.body;
  auto e = ParseJson(estimated.body);
  EXPECT_EQ(JsonString(e, "kind"), "HOLIDAY");
  EXPECT_EQ(JsonString(e, "estimated"), "true");
  EXPECT_EQ(JsonString(e, "provisional"), "true");

  const std::string notice =
      R"({"holidays":[{"date":"2027-01-01","name":"元旦"}],"makeupWorkdays":[]})";
  ExpectError(Call("PUT", "/v1/calendars/2027", notice, token), 403, "PERMISSION_DENIED");
  HttpResponse put = Call("PUT", "/v1/calendars/2027", notice, stack_->Token({"admin"}));
  ASSERT_EQ(put.status, 200) << put.body;
  HttpResponse get = Call("GET", "/v1/calendars/2027", "", token);
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_NE(get.body.find("2027-01-01"), std::string::npos);
  HttpResponse ny = Call("GET", "/v1/calendar/days/2027-01-01", "", token);
  EXPECT_EQ(JsonString(ParseJson(ny.body), "kind"), "HOLIDAY") << ny.body;
  HttpResponse loaded = Call("GET", "/v1/calendar/days/2027-02-09", "", token);
  EXPECT_EQ(JsonString(ParseJson(loaded.body), "kind"), "WEEKDAY") << loaded.body;
  EXPECT_EQ(JsonString(ParseJson(loaded.body), "estimated"), "false") << loaded.body;
}

TEST_F(WalkingSkeletonTest, EventsWaitWhileSupervisionIsDownAndArriveAfter) {
  stack_->Stop("supervision");
  HttpResponse created = Call("POST", "/v1/cases", Visit("walk-outage"), Clerk());
  ASSERT_EQ(created.status, 200) << created.body;  // registering does not need supervision
  const std::string case_id = JsonString(ParseJson(created.body), "caseId");
  ASSERT_TRUE(stack_->Restart("supervision").ok());
  HttpResponse deadlines = AwaitDeadlines(case_id, Clerk());
  ASSERT_EQ(deadlines.status, 200) << deadlines.body;
  EXPECT_NE(deadlines.body.find("\"dueDate\":\"2026-10-08\""), std::string::npos);
}

// What the fixture relies on for independence: a process a test stopped (or that crashed) is
// running again before the next test.
TEST_F(WalkingSkeletonTest, AStoppedProcessIsStartedAgainForTheNextTest) {
  stack_->Stop("intake");
  absl::Status running = stack_->EnsureRunning();
  ASSERT_TRUE(running.ok()) << running;
  EXPECT_EQ(Call("POST", "/v1/cases", Visit("walk-after-restart"), Clerk()).status, 200);
  EXPECT_EQ(Call("GET", "/readyz").status, 200);
}

TEST_F(WalkingSkeletonTest, MetricsAndHealth) {
  ASSERT_EQ(Call("POST", "/v1/cases", Visit("walk-metrics"), Clerk()).status, 200);
  for (const char* service : {"intake", "scheduling", "supervision", "gateway"}) {
    auto r = HttpRequest(stack_->metrics_port(service), "GET", "/metrics");
    ASSERT_TRUE(r.ok()) << service;
    EXPECT_EQ(r->status, 200) << service;
  }
  auto intake = HttpRequest(stack_->metrics_port("intake"), "GET", "/metrics");
  ASSERT_TRUE(intake.ok());
  EXPECT_NE(intake->body.find("grpc_server_handled_total{grpc_code=\"OK\",grpc_method="
                              "\"RegisterCase\",grpc_service=\"petition.intake.v1.Intake\"}"),
            std::string::npos)
      << intake->body.substr(0, 2000);
  EXPECT_NE(intake->body.find("grpc_server_handling_seconds_bucket"), std::string::npos);
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(Call("GET", "/readyz").status, 200);
}

}  // namespace
}  // namespace petition::testing
