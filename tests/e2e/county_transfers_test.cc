// County transfers end to end, through the gateway with the county's API key:
// pushes of a transfer and an assignment, fifty identical pushes at once
// (one case), a changed push before and after acceptance, and the results
// fed back to a real HTTP receiver in this process standing in for the county
// platform (it refuses the first two attempts of a result; the third is
// signed as the README says), shown with their attempts by GET /v1/transfers.
// A result reporting the township's handling waits for the principal
// leader's review (S2 §6) unless the policy switches the review off.
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "common/testing/eventually.h"
#include "common/testing/http_receiver.h"
#include "gtest/gtest.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kFeedbackSecret[] = "county-feedback-secret-for-tests";

// The county platform: refuses the first two attempts of results of cases whose county id
// starts with "RETRY-" (503), takes every other attempt.
HttpReceiver& County() {
  static HttpReceiver* county = new HttpReceiver([](const HttpReceiver::Request& r, int) {
    const bool retry_case = r.body.find("\"countyCaseId\":\"RETRY-") != std::string::npos;
    const auto attempt = r.headers.find("x-delivery-attempt");
    if (retry_case && attempt != r.headers.end() &&
        (attempt->second == "1" || attempt->second == "2")) {
      return 503;
    }
    return 200;
  });
  return *county;
}

// A push body; `subject` varies it.
std::string PushBody(const std::string& kind, const std::string& due_date,
                     const std::string& subject = "拖欠农民工工资") {
  return absl::StrReplaceAll(R"({
  "kind": "$KIND", "dueDate": "$DUE", "channel": "ONLINE", "category": "SUPERIOR_ASSIGNED",
  "receivedAt": "2026-03-02T02:00:00Z",
  "subject": "$SUBJECT", "content": "县信访平台转来：某工地拖欠工资三个月。",
  "petitioners": [{"name": "李四", "idNumber": "11010519491231002X", "phone": "13800138000"}]
})",
                             {{"$KIND", kind}, {"$DUE", due_date}, {"$SUBJECT", subject}});
}

class CountyTransfersTest : public StackTest<CountyTransfersTest> {
 public:
  static constexpr char kStackName[] = "county";

  static TestStack::Options StackOptions() {
    TestStack::Options options;
    options.intake_flags = CountyFeedbackFlags(County().url("/petition/feedback"), kFeedbackSecret);
    return options;
  }

 protected:
  // Acceptance checks units and leaders against scheduling's directory.
  void SetUp() override {
    StackTest::SetUp();
    absl::Status seeded = stack_->SeedDirectory({"unit_labour"}, {"off_leader1", "off_principal"});
    ASSERT_TRUE(seeded.ok()) << seeded;
    HttpResponse named = Call("POST", "/v1/units/unit_seedtown:setPrincipalLeader",
                              R"({"principalLeaderId":"off_principal"})", Admin());
    ASSERT_EQ(named.status, 200) << named.body;
  }

  static std::string NewCountyId(const std::string& prefix) {
    return prefix + HexEncode(RandomBytes(6));
  }

  static HttpResponse Push(const std::string& county_id, const std::string& body) {
    return CountyCall("PUT", "/v1/transfers/" + county_id, body);
  }

  static HttpResponse GetTransfer(const std::string& county_id) {
    return CountyCall("GET", "/v1/transfers/" + county_id);
  }

  static std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }
  static std::string Leader() { return stack_->Token({"leader"}, "off_leader1"); }
  static std::string Principal() { return stack_->Token({"leader"}, "off_principal"); }
  static std::string Admin() { return stack_->Token({"admin"}, "off_admin"); }

  static HttpResponse ReviewReport(
      const std::string& county_id, const std::string& token,
      const std::string& body = R"({"note":"已审核，同意反馈县信访局。"})") {
    return Call("POST", "/v1/transfers/" + county_id + ":reviewReport", body, token);
  }

  // The states of the transfer's feedback deliveries, oldest first.
  static std::vector<std::string> States(const HttpResponse& transfer) {
    std::vector<std::string> states;
    auto t = ParseJson(transfer.body);
    auto it = t.fields().find("feedback");
    if (it == t.fields().end()) return states;
    for (const auto& d : it->second.list_value().values()) {
      states.push_back(JsonString(d.struct_value(), "state"));
    }
    return states;
  }

  static std::string Q(const std::string& sql) {
    auto v = stack_->Query(sql);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : "";
  }

  static void Accept(const std::string& case_id) {
    HttpResponse r = Call(
        "POST", "/v1/cases/" + case_id + ":accept",
        R"({"handlingUnitIds":["unit_labour"],"complexity":"SIMPLE","leaderId":"off_leader1"})",
        Clerk());
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_F(CountyTransfersTest, ATransferAndAnAssignmentBecomeCasesWithTheCountysDeadline) {
  for (const std::string kind : {"TRANSFER", "ASSIGNMENT"}) {
    const std::string county_id = NewCountyId("XF-");
    HttpResponse pushed = Push(county_id, PushBody(kind, "2026-03-20"));
    ASSERT_EQ(pushed.status, 200) << pushed.body;
    auto json = ParseJson(pushed.body);
    const std::string case_id = JsonString(json, "caseId");
    ASSERT_FALSE(case_id.empty()) << pushed.body;
    EXPECT_EQ(JsonString(json, "created"), "true");
    EXPECT_EQ(JsonString(json, "status"), "REGISTERED");

    HttpResponse c = Call("GET", "/v1/cases/" + case_id, "", Clerk());
    ASSERT_EQ(c.status, 200) << c.body;
    auto case_json = ParseJson(c.body);
    EXPECT_EQ(JsonString(case_json, "source"),
              kind == "TRANSFER" ? "COUNTY_TRANSFER" : "COUNTY_ASSIGNMENT");
    EXPECT_EQ(JsonString(case_json, "countyCaseId"), county_id);
    EXPECT_EQ(JsonString(case_json, "receivedBy"), "county_platform");

    // The county's due date reached supervision as the COUNTY deadline.
    HttpResponse deadlines;
    EXPECT_TRUE(Eventually([&] {
      deadlines = Call("GET", "/v1/cases/" + case_id + "/deadlines", "", Clerk());
      return deadlines.status == 200 && deadlines.body.find("\"COUNTY\"") != std::string::npos;
    })) << deadlines.body;
    EXPECT_NE(deadlines.body.find("\"2026-03-20\""), std::string::npos) << deadlines.body;

    HttpResponse again = Push(county_id, PushBody(kind, "2026-03-20"));
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(JsonString(ParseJson(again.body), "caseId"), case_id);
    EXPECT_EQ(JsonString(ParseJson(again.body), "created"), "false");
  }
}

TEST_F(CountyTransfersTest, FiftyIdenticalPushesAtOnceMakeOneCase) {
  const std::string county_id = NewCountyId("XF-RACE-");
  const std::string body = PushBody("ASSIGNMENT", "2026-04-01");
  constexpr int kPushes = 50;
  absl::Mutex mu;
  std::vector<HttpResponse> answers;
  std::vector<std::thread> threads;
  for (int i = 0; i < kPushes; ++i) {
    threads.emplace_back([&] {
      auto r = HttpRequest(stack_->http_port(), "PUT", "/v1/transfers/" + county_id, body,
                           {{"X-Api-Key", TestStack::kCountyApiKey}});
      absl::MutexLock lock(&mu);
      answers.push_back(r.ok() ? *r : HttpResponse{0, {}, std::string(r.status().message())});
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> case_ids;
  int created = 0;
  for (const HttpResponse& a : answers) {
    EXPECT_EQ(a.status, 200) << a.body;
    auto json = ParseJson(a.body);
    case_ids.insert(JsonString(json, "caseId"));
    created += JsonString(json, "created") == "true" ? 1 : 0;
  }
  EXPECT_EQ(case_ids.size(), 1u);
  EXPECT_EQ(created, 1);
  EXPECT_EQ(Q("SELECT count(*) FROM intake.cases WHERE county_case_id = '" + county_id + "'"), "1");
  EXPECT_EQ(Q("SELECT count(*) FROM intake.outbox o JOIN intake.cases c USING (case_id) "
              "WHERE c.county_case_id = '" +
              county_id + "'"),
            "1");
}

TEST_F(CountyTransfersTest, AChangedPushUpdatesTheCaseUntilItIsAccepted) {
  const std::string county_id = NewCountyId("XF-CHG-");
  HttpResponse first = Push(county_id, PushBody("TRANSFER", "2026-03-20", "第一版"));
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string case_id = JsonString(ParseJson(first.body), "caseId");

  HttpResponse changed = Push(county_id, PushBody("TRANSFER", "2026-03-27", "第二版"));
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto json = ParseJson(changed.body);
  EXPECT_EQ(JsonString(json, "caseId"), case_id);
  EXPECT_EQ(JsonString(json, "updated"), "true");
  EXPECT_EQ(JsonString(json, "created"), "false");
  HttpResponse c = Call("GET", "/v1/cases/" + case_id, "", Clerk());
  EXPECT_EQ(JsonString(ParseJson(c.body), "subject"), "第二版") << c.body;
  EXPECT_NE(c.body.find("COUNTY_UPDATE"), std::string::npos) << c.body;  // in the history
  // The moved due date reached supervision.
  HttpResponse deadlines;
  EXPECT_TRUE(Eventually([&] {
    deadlines = Call("GET", "/v1/cases/" + case_id + "/deadlines", "", Clerk());
    return deadlines.body.find("\"2026-03-27\"") != std::string::npos;
  })) << deadlines.body;

  Accept(case_id);
  HttpResponse late = Push(county_id, PushBody("TRANSFER", "2026-03-27", "第三版"));
  EXPECT_EQ(late.status, 409) << late.body;
  auto error = ParseJson(late.body);
  EXPECT_EQ(JsonString(error, "error.code"), "ABORTED") << late.body;
  EXPECT_NE(JsonString(error, "error.message").find("ACCEPTED"), std::string::npos) << late.body;
  // The push the case already has is still answered as before.
  HttpResponse same = Push(county_id, PushBody("TRANSFER", "2026-03-27", "第二版"));
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(JsonString(ParseJson(same.body), "caseId"), case_id);
  EXPECT_EQ(JsonString(ParseJson(same.body), "status"), "ACCEPTED");
}

TEST_F(CountyTransfersTest, TheResultReachesTheCountySignedAfterTwoRefusals) {
  const std::string county_id = NewCountyId("RETRY-");
  HttpResponse pushed = Push(county_id, PushBody("ASSIGNMENT", "2026-03-20"));
  ASSERT_EQ(pushed.status, 200) << pushed.body;
  const std::string case_id = JsonString(ParseJson(pushed.body), "caseId");
  HttpResponse declined =
      Call("POST", "/v1/cases/" + case_id + ":decline",
           R"({"route":"LITIGATION","authority":"县人民法院","reason":"属于民事纠纷"})", Clerk());
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(States(GetTransfer(county_id)),
            (std::vector<std::string>{"AWAITING_PRINCIPAL_REVIEW"}));
  HttpResponse reviewed = ReviewReport(county_id, Principal());
  ASSERT_EQ(reviewed.status, 200) << reviewed.body;

  HttpResponse transfer;
  ASSERT_TRUE(Eventually([&] {
    transfer = GetTransfer(county_id);
    return transfer.body.find("\"DELIVERED\"") != std::string::npos;
  })) << transfer.body;

  std::vector<HttpReceiver::Request> seen;
  for (const HttpReceiver::Request& r : County().requests()) {
    if (r.body.find(county_id) != std::string::npos) seen.push_back(r);
  }
  ASSERT_EQ(seen.size(), 3u);
  const HttpReceiver::Request& third = seen[2];
  EXPECT_EQ(third.method, "POST");
  EXPECT_EQ(third.target, "/petition/feedback");
  EXPECT_EQ(third.headers.at("x-signature"),
            "sha256=" + HexEncode(HmacSha256(kFeedbackSecret, third.body)));
  EXPECT_EQ(third.headers.at("x-delivery-id"), seen[0].headers.at("x-delivery-id"));
  auto body = ParseJson(third.body);
  EXPECT_EQ(JsonString(body, "status"), "DECLINED");
  EXPECT_EQ(JsonString(body, "declineRoute"), "LITIGATION");
  EXPECT_EQ(JsonString(body, "declineAuthority"), "县人民法院");
  EXPECT_EQ(JsonString(body, "caseId"), case_id);
  EXPECT_EQ(JsonString(body, "deliveryId"), third.headers.at("x-delivery-id"));

  auto t = ParseJson(transfer.body);
  EXPECT_EQ(JsonString(t, "status"), "DECLINED");
  EXPECT_EQ(JsonString(t, "caseId"), case_id);
  const auto& feedback = t.fields().at("feedback").list_value();
  ASSERT_EQ(feedback.values_size(), 1) << transfer.body;
  const auto& delivery = feedback.values(0).struct_value();
  EXPECT_EQ(JsonString(delivery, "state"), "DELIVERED");
  const auto& attempts = delivery.fields().at("attempts").list_value();
  ASSERT_EQ(attempts.values_size(), 3) << transfer.body;
  EXPECT_EQ(JsonString(attempts.values(0).struct_value(), "httpStatus"), "503");
  EXPECT_EQ(JsonString(attempts.values(1).struct_value(), "httpStatus"), "503");
  EXPECT_EQ(JsonString(attempts.values(2).struct_value(), "httpStatus"), "200");
}

TEST_F(CountyTransfersTest, AnAnswerAndTheConclusionReachTheCountyInOrder) {
  const std::string county_id = NewCountyId("XF-ANS-");
  HttpResponse pushed = Push(county_id, PushBody("TRANSFER", "2026-03-20"));
  ASSERT_EQ(pushed.status, 200) << pushed.body;
  const std::string case_id = JsonString(ParseJson(pushed.body), "caseId");
  Accept(case_id);
  const std::string opinion_id =
      WriteApprovedOpinion(case_id,
                           R"({"unitId":"unit_labour","outcome":"UPHELD","facts":"经核实属实。",
                               "basis":"《保障农民工工资支付条例》","decision":"责令限期支付。"})",
                           Clerk(), Leader());
  ASSERT_FALSE(HasFailure());
  HttpResponse answered = Call("POST", "/v1/cases/" + case_id + ":answer",
                               absl::StrCat(R"({"opinionId":")", opinion_id, R"("})"), Clerk());
  ASSERT_EQ(answered.status, 200) << answered.body;
  ASSERT_EQ(Call("POST", "/v1/cases/" + case_id + ":conclude", "{}", Clerk()).status, 200);
  // A rating keeps the status: it is not another result for the county.
  HttpResponse rated =
      Call("POST", "/v1/cases/" + case_id + ":rate", R"({"rating":"SATISFIED"})", Clerk());
  ASSERT_EQ(rated.status, 200) << rated.body;
  // Both reports wait; one review releases them, and they go in order.
  EXPECT_EQ(States(GetTransfer(county_id)),
            (std::vector<std::string>{"AWAITING_PRINCIPAL_REVIEW", "AWAITING_PRINCIPAL_REVIEW"}));
  HttpResponse reviewed = ReviewReport(county_id, Principal());
  ASSERT_EQ(reviewed.status, 200) << reviewed.body;

  HttpResponse transfer;
  ASSERT_TRUE(Eventually([&] {
    transfer = GetTransfer(county_id);
    auto t = ParseJson(transfer.body);
    auto it = t.fields().find("feedback");
    if (it == t.fields().end() || it->second.list_value().values_size() != 2) return false;
    for (const auto& d : it->second.list_value().values()) {
      if (JsonString(d.struct_value(), "state") != "DELIVERED") return false;
    }
    return true;
  })) << transfer.body;
  auto t = ParseJson(transfer.body);
  EXPECT_EQ(JsonString(t, "status"), "CONCLUDED");
  EXPECT_EQ(JsonString(t, "outcome"), "UPHELD");
  EXPECT_EQ(JsonString(t, "decision"), "责令限期支付。");
  std::vector<std::string> statuses;
  for (const HttpReceiver::Request& r : County().requests()) {
    if (r.body.find(county_id) != std::string::npos) {
      statuses.push_back(JsonString(ParseJson(r.body), "status"));
    }
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"ANSWERED", "CONCLUDED"}));
}

TEST_F(CountyTransfersTest, OnlyThePrincipalLeaderReleasesTheReport) {
  const std::string county_id = NewCountyId("XF-REV-");
  HttpResponse pushed = Push(county_id, PushBody("TRANSFER", "2026-03-20"));
  ASSERT_EQ(pushed.status, 200) << pushed.body;
  const std::string case_id = JsonString(ParseJson(pushed.body), "caseId");
  // Nothing has been decided yet: nothing to review.
  HttpResponse early = ReviewReport(county_id, Principal());
  EXPECT_EQ(early.status, 400) << early.body;
  EXPECT_NE(early.body.find("FAILED_PRECONDITION"), std::string::npos) << early.body;
  ASSERT_EQ(Call("POST", "/v1/cases/" + case_id + ":decline",
                 R"({"route":"OTHER_AUTHORITY","authority":"县人社局","reason":"属劳动监察职责"})",
                 Clerk())
                .status,
            200);
  HttpResponse waiting = GetTransfer(county_id);
  EXPECT_EQ(States(waiting), (std::vector<std::string>{"AWAITING_PRINCIPAL_REVIEW"}));
  EXPECT_NE(waiting.body.find(R"("reviewRequired":true)"), std::string::npos) << waiting.body;
  EXPECT_EQ(Q("SELECT count(*) FROM intake.county_feedback WHERE county_case_id = '" + county_id +
              "' AND attempts > 0"),
            "0");

  // Another leader, a clerk, the county: refused, and the report still waits.
  HttpResponse other = ReviewReport(county_id, Leader());
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_NE(other.body.find("principal leader"), std::string::npos) << other.body;
  EXPECT_EQ(ReviewReport(county_id, Clerk()).status, 403);
  auto county =
      HttpRequest(stack_->http_port(), "POST", "/v1/transfers/" + county_id + ":reviewReport", "{}",
                  {{"X-Api-Key", TestStack::kCountyApiKey}});
  ASSERT_TRUE(county.ok()) << county.status();
  EXPECT_EQ(county->status, 403) << county->body;
  HttpResponse long_note = ReviewReport(
      county_id, Principal(), absl::StrCat(R"({"note":")", std::string(2001, 'x'), R"("})"));
  EXPECT_EQ(long_note.status, 400) << long_note.body;
  EXPECT_NE(long_note.body.find("note"), std::string::npos) << long_note.body;
  EXPECT_EQ(States(GetTransfer(county_id)),
            (std::vector<std::string>{"AWAITING_PRINCIPAL_REVIEW"}));

  const std::string body = R"({"note":"同意","requestId":"rev-1"})";
  HttpResponse reviewed = ReviewReport(county_id, Principal(), body);
  ASSERT_EQ(reviewed.status, 200) << reviewed.body;
  EXPECT_NE(reviewed.body.find(R"("reviewedBy":"off_principal")"), std::string::npos)
      << reviewed.body;
  EXPECT_NE(reviewed.body.find(R"("reviewNote":"同意")"), std::string::npos) << reviewed.body;
  // A retry answers as the first call did; a new review finds nothing waiting.
  EXPECT_EQ(ReviewReport(county_id, Principal(), body).status, 200);
  HttpResponse again = ReviewReport(county_id, Principal());
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_NE(again.body.find("FAILED_PRECONDITION"), std::string::npos) << again.body;
  HttpResponse transfer;
  ASSERT_TRUE(Eventually([&] {
    transfer = GetTransfer(county_id);
    return States(transfer) == std::vector<std::string>{"DELIVERED"};
  })) << transfer.body;
  // The review is in the case's history, by whom.
  HttpResponse c = Call("GET", "/v1/cases/" + case_id, "", Clerk());
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_NE(c.body.find("REVIEW_REPORT"), std::string::npos) << c.body;
  // The principal leader is the township's.
  HttpResponse department = Call("POST", "/v1/units/unit_labour:setPrincipalLeader",
                                 R"({"principalLeaderId":"off_principal"})", Admin());
  EXPECT_EQ(department.status, 400) << department.body;
  EXPECT_NE(department.body.find("TOWNSHIP"), std::string::npos) << department.body;
}

TEST_F(CountyTransfersTest, WithoutTheReviewInThePolicyTheResultGoesAtOnce) {
  HttpResponse policy = Call("GET", "/v1/policies/deadlines", "", Admin());
  ASSERT_EQ(policy.status, 200) << policy.body;
  ASSERT_NE(policy.body.find(R"("countyFeedbackReview":true)"), std::string::npos) << policy.body;
  const std::string off = absl::StrReplaceAll(
      policy.body, {{R"("countyFeedbackReview":true)", R"("countyFeedbackReview":false)"}});
  ASSERT_EQ(Call("PUT", "/v1/policies/deadlines", off, Admin()).status, 200);
  const std::string county_id = NewCountyId("XF-NOREV-");
  HttpResponse pushed = Push(county_id, PushBody("TRANSFER", "2026-03-20"));
  HttpResponse declined;
  if (pushed.status == 200) {
    declined =
        Call("POST", "/v1/cases/" + JsonString(ParseJson(pushed.body), "caseId") + ":decline",
             R"({"route":"LITIGATION","authority":"县人民法院","reason":"民事纠纷"})", Clerk());
  }
  // Back to the default for the other tests, whatever happened above.
  ASSERT_EQ(Call("PUT", "/v1/policies/deadlines", policy.body, Admin()).status, 200);
  ASSERT_EQ(pushed.status, 200) << pushed.body;
  ASSERT_EQ(declined.status, 200) << declined.body;
  HttpResponse transfer;
  ASSERT_TRUE(Eventually([&] {
    transfer = GetTransfer(county_id);
    return States(transfer) == std::vector<std::string>{"DELIVERED"};
  })) << transfer.body;
  EXPECT_EQ(transfer.body.find(R"("reviewRequired":true)"), std::string::npos) << transfer.body;
}

TEST_F(CountyTransfersTest, BadPushesAndOtherCallersAreRefused) {
  HttpResponse bad = Push("XF-BAD-1", R"({"kind":"TRANSFER","dueDate":"2026-13-01"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("dueDate"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("petitioners"), std::string::npos) << bad.body;
  EXPECT_EQ(Q("SELECT count(*) FROM intake.county_transfers WHERE county_case_id = 'XF-BAD-1'"),
            "0");
  // Only the county pushes; officials read.
  HttpResponse clerk_push =
      Call("PUT", "/v1/transfers/XF-CLERK-1", PushBody("TRANSFER", "2026-03-20"), Clerk());
  EXPECT_EQ(clerk_push.status, 403) << clerk_push.body;
  EXPECT_EQ(GetTransfer("XF-NEVER-PUSHED").status, 404);
  const std::string county_id = NewCountyId("XF-READ-");
  ASSERT_EQ(Push(county_id, PushBody("TRANSFER", "2026-03-20")).status, 200);
  HttpResponse read = Call("GET", "/v1/transfers/" + county_id, "", Clerk());
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.body.find("11010519491231002X"), std::string::npos);  // no identity in it
  HttpResponse handler =
      Call("GET", "/v1/transfers/" + county_id, "", stack_->Token({"handler"}, "off_h", "unit_a"));
  EXPECT_EQ(handler.status, 403) << handler.body;
}

}  // namespace
}  // namespace petition::testing
