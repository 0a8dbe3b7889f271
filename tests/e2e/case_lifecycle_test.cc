// End to end over HTTP against the real processes: a case from registration
// to conclusion through the gateway, each step by the role the contract
// names, its history in GET /v1/cases/{caseId}, its events in the outbox;
// every illegal transition refused naming the current status; two concurrent
// accepts of one case, of which exactly one wins.
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/call_proof.h"
#include "common/grpc_server.h"
#include "common/testing/eventually.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "petition/v1/intake.grpc.pb.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kVisit[] = R"({
  "channel": "VISIT",
  "category": "RIGHTS_INFRINGEMENT",
  "subject": "宅基地纠纷",
  "content": "邻居占用宅基地，请求镇里协调处理。",
  "petitioners": [{"name": "张三", "idNumber": "11010519491231002X",
                   "phone": "13800138000", "address": "长乐镇东村三组12号"}]
})";

constexpr char kAccept[] =
    R"({"handlingUnitIds":["unit_land","unit_village"],"complexity":"SIMPLE","leaderId":"off_leader1"})";

class CaseLifecycleTest : public StackTest<CaseLifecycleTest> {
 public:
  static constexpr char kStackName[] = "lifecycle";

 protected:
  // Acceptance checks units and leaders against scheduling's directory.
  void SetUp() override {
    StackTest::SetUp();
    absl::Status seeded = stack_->SeedDirectory(
        {"unit_land", "unit_village", "unit_list", "unit_list2", "unit_dates"}, {"off_leader1"});
    ASSERT_TRUE(seeded.ok()) << seeded;
  }

  static std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }
  static std::string Leader() { return stack_->Token({"leader"}, "off_leader1"); }
  static std::string Handler(const std::string& unit) {
    return stack_->Token({"handler"}, "off_handler_" + unit, unit);
  }

  static std::string Register() {
    HttpResponse r = Call("POST", "/v1/cases", kVisit, Clerk());
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonString(ParseJson(r.body), "caseId");
  }

  static HttpResponse Step(const std::string& case_id, const std::string& verb,
                           const std::string& body, const std::string& token) {
    return Call("POST", absl::StrCat("/v1/cases/", case_id, ":", verb), body, token);
  }

  // Writes, submits and approves an opinion of unit_land; returns its id.
  // off_leader1 is the receiving leader of kAccept and the seeded leader in
  // charge of unit_land: one approval fills both roles.
  static std::string ApprovedOpinion(const std::string& case_id) {
    HttpResponse o =
        Call("POST", "/v1/cases/" + case_id + "/opinions",
             R"({"unitId":"unit_land","outcome":"EXPLAINED","facts":"经现场核实，界址清楚。",
                              "basis":"《土地管理法》第十四条","decision":"向信访人解释说明。"})",
             Handler("unit_land"));
    EXPECT_EQ(o.status, 200) << o.body;
    const std::string opinion_id = JsonString(ParseJson(o.body), "opinionId");
    HttpResponse submitted =
        Call("POST", "/v1/cases/" + case_id + "/opinions/" + opinion_id + ":submit", "{}",
             Handler("unit_land"));
    EXPECT_EQ(submitted.status, 200) << submitted.body;
    HttpResponse a = Call("POST", "/v1/cases/" + case_id + "/opinions/" + opinion_id + ":approve",
                          "{}", Leader());
    EXPECT_EQ(a.status, 200) << a.body;
    return opinion_id;
  }

  // The written answer reached the petitioner today (the stack's clock):
  // the review window counts from here.
  static void Deliver(const std::string& case_id) {
    absl::TimeZone shanghai;
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
    const std::string today = absl::FormatTime("%Y-%m-%d", stack_->Now(), shanghai);
    HttpResponse r =
        Step(case_id, "deliver",
             absl::StrCat(R"({"deliveredOn":")", today, R"(","method":"IN_PERSON"})"), Clerk());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(JsonString(ParseJson(r.body), "deliveredOn"), today) << r.body;
  }

  // Supervision has the case's review window (the delivery's event arrived).
  static void WaitForReviewWindow(const std::string& case_id) {
    ASSERT_TRUE(Eventually([&] {
      auto n = stack_->Query(
          "SELECT count(*) FROM supervision.deadlines WHERE kind = 'REVIEW_WINDOW' AND case_id = "
          "'" +
          case_id + "'");
      return n.ok() && *n == "1";
    })) << "supervision never opened the review window of "
        << case_id;
  }

  static std::string Q(const std::string& sql) {
    auto v = stack_->Query(sql);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : "";
  }
};

TEST_F(CaseLifecycleTest, FromRegistrationToConclusionWithHistoryAndEvents) {
  const std::string id = Register();
  HttpResponse accepted = Step(id, "accept", kAccept, Clerk());
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  auto a = ParseJson(accepted.body);
  EXPECT_EQ(JsonString(a, "status"), "ACCEPTED");
  EXPECT_EQ(JsonString(a, "complexity"), "SIMPLE");
  EXPECT_EQ(JsonString(a, "leaderId"), "off_leader1");
  EXPECT_EQ(accepted.body.find("11010519491231002X"), std::string::npos);  // steps answer masked

  // Only the unit's own handler speaks for it; units of the case only.
  ExpectRefused(
      Call("POST", "/v1/cases/" + id + "/opinions",
           R"({"unitId":"unit_land","outcome":"UPHELD","facts":"f","basis":"b","decision":"d"})",
           Handler("unit_village")),
      403, "PERMISSION_DENIED", "own unit");
  ExpectRefused(
      Call("POST", "/v1/cases/" + id + "/opinions",
           R"({"unitId":"unit_other","outcome":"UPHELD","facts":"f","basis":"b","decision":"d"})",
           Clerk()),
      400, "INVALID_ARGUMENT", "unitId");
  // A handler of a unit the case does not involve does not see the case at all.
  ExpectRefused(
      Call("POST", "/v1/cases/" + id + "/opinions",
           R"({"unitId":"unit_other","outcome":"UPHELD","facts":"f","basis":"b","decision":"d"})",
           Handler("unit_other")),
      404, "NOT_FOUND", "no such case");

  HttpResponse o =
      Call("POST", "/v1/cases/" + id + "/opinions",
           R"({"unitId":"unit_land","outcome":"EXPLAINED","facts":"经现场核实，界址清楚。",
                            "basis":"《土地管理法》第十四条","decision":"向信访人解释说明。"})",
           Handler("unit_land"));
  ASSERT_EQ(o.status, 200) << o.body;
  const std::string opinion_id = JsonString(ParseJson(o.body), "opinionId");
  ASSERT_FALSE(opinion_id.empty()) << o.body;
  // A draft: neither answered nor approved; both name the missing step.
  ExpectRefused(Step(id, "answer", absl::StrCat(R"({"opinionId":")", opinion_id, R"("})"), Clerk()),
                400, "FAILED_PRECONDITION", ":submit");
  ExpectRefused(
      Call("POST", "/v1/cases/" + id + "/opinions/" + opinion_id + ":approve", "{}", Leader()), 400,
      "FAILED_PRECONDITION", ":submit");
  // Only the unit's own handler submits for it.
  ExpectRefused(Call("POST", "/v1/cases/" + id + "/opinions/" + opinion_id + ":submit", "{}",
                     Handler("unit_village")),
                403, "PERMISSION_DENIED", "own unit");
  HttpResponse submitted = Call("POST", "/v1/cases/" + id + "/opinions/" + opinion_id + ":submit",
                                "{}", Handler("unit_land"));
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_EQ(JsonString(ParseJson(submitted.body), "submittedForApprovalBy"),
            "off_handler_unit_land");
  EXPECT_NE(submitted.body.find(R"("requiredApprovals":["RECEIVING_LEADER","LEADER_IN_CHARGE"])"),
            std::string::npos)
      << submitted.body;
  ExpectRefused(Call("POST", "/v1/cases/" + id + "/opinions/" + opinion_id + ":submit", "{}",
                     Handler("unit_land")),
                400, "FAILED_PRECONDITION", "submitted already");
  // Submitted, not approved yet: no answer with it.
  ExpectRefused(Step(id, "answer", absl::StrCat(R"({"opinionId":")", opinion_id, R"("})"), Clerk()),
                400, "FAILED_PRECONDITION", "not approved");
  // A clerk is not a leader: the call guard refuses by role.
  EXPECT_EQ(Call("POST", "/v1/cases/" + id + "/opinions/" + opinion_id + ":approve", "{}", Clerk())
                .status,
            403);
  HttpResponse approved =
      Call("POST", "/v1/cases/" + id + "/opinions/" + opinion_id + ":approve", "{}", Leader());
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(JsonString(ParseJson(approved.body), "approvedBy"), "off_leader1");
  ExpectRefused(
      Call("POST", "/v1/cases/" + id + "/opinions/" + opinion_id + ":approve", "{}", Leader()), 400,
      "FAILED_PRECONDITION", "already approved");

  HttpResponse answered =
      Step(id, "answer", absl::StrCat(R"({"opinionId":")", opinion_id, R"("})"), Clerk());
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(JsonString(ParseJson(answered.body), "status"), "ANSWERED");
  EXPECT_EQ(JsonString(ParseJson(answered.body), "answerOpinionId"), opinion_id);

  HttpResponse rated =
      Step(id, "rate", R"({"rating":"BASICALLY_SATISFIED","comment":"还行"})", Clerk());
  ASSERT_EQ(rated.status, 200) << rated.body;
  EXPECT_EQ(JsonString(ParseJson(rated.body), "rating"), "BASICALLY_SATISFIED");
  EXPECT_EQ(JsonString(ParseJson(rated.body), "status"), "ANSWERED");
  ExpectRefused(Step(id, "rate", R"({"rating":"SATISFIED"})", Clerk()), 409, "ALREADY_EXISTS",
                "already rated");

  HttpResponse concluded = Step(id, "conclude", "{}", Leader());
  ASSERT_EQ(concluded.status, 200) << concluded.body;
  EXPECT_EQ(JsonString(ParseJson(concluded.body), "status"), "CONCLUDED");

  // The history: who did each step, in order.
  HttpResponse got = Call("GET", "/v1/cases/" + id, "", Clerk());
  ASSERT_EQ(got.status, 200) << got.body;
  const std::vector<std::string> steps = {
      "REGISTER",        "ACCEPT", "SUBMIT_OPINION", "SUBMIT_FOR_APPROVAL",
      "APPROVE_OPINION", "ANSWER", "RATE",           "CONCLUDE"};
  const std::vector<std::string> actors = {"off_clerk1",
                                           "off_clerk1",
                                           "off_handler_unit_land",
                                           "off_handler_unit_land",
                                           "off_leader1",
                                           "off_clerk1",
                                           "off_clerk1",
                                           "off_leader1"};
  auto g = ParseJson(got.body);
  const auto& history = g.fields().at("history").list_value();
  ASSERT_EQ(history.values_size(), static_cast<int>(steps.size())) << got.body;
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& f = history.values(i).struct_value().fields();
    EXPECT_EQ(f.at("step").string_value(), steps[i]) << i;
    EXPECT_EQ(f.at("actor").string_value(), actors[i]) << i;
    EXPECT_FALSE(f.at("at").string_value().empty()) << i;
  }
  EXPECT_EQ(g.fields().at("opinions").list_value().values_size(), 1);

  // One event per committed change, sequence 1..8 with the kinds in order.
  EXPECT_EQ(Q("SELECT string_agg(sequence::text, ',' ORDER BY sequence) FROM intake.outbox "
              "WHERE case_id = '" +
              id + "'"),
            "1,2,3,4,5,6,7,8");

  // The documents of each step, their facts in the text, numbered without gaps.
  HttpResponse docs = Call("GET", "/v1/cases/" + id + "/documents", "", Clerk());
  ASSERT_EQ(docs.status, 200) << docs.body;
  std::map<std::string, int> kinds;
  std::set<std::string> numbers;
  std::string opinion_text, acceptance_text, opinion_doc_id;
  const auto docs_json = ParseJson(docs.body);
  ASSERT_EQ(docs_json.fields().count("documents"), 1u) << docs.body;
  for (const auto& v : docs_json.fields().at("documents").list_value().values()) {
    const auto& f = v.struct_value().fields();
    const std::string kind = f.at("kind").string_value();
    ++kinds[kind];
    numbers.insert(f.at("number").string_value());
    EXPECT_EQ(f.at("number").string_value().rfind("镇信〔", 0), 0u) << docs.body;
    EXPECT_FALSE(f.at("title").string_value().empty());
    if (kind == "HANDLING_OPINION") {
      opinion_text = f.at("text").string_value();
      opinion_doc_id = f.at("documentId").string_value();
    }
    if (kind == "ACCEPTANCE_NOTICE") acceptance_text = f.at("text").string_value();
  }
  EXPECT_EQ(kinds,
            (std::map<std::string, int>{
                {"ACCEPTANCE_NOTICE", 1}, {"ASSIGNMENT_NOTICE", 3}, {"HANDLING_OPINION", 1}}))
      << docs.body;
  EXPECT_EQ(numbers.size(), 5u);
  EXPECT_NE(acceptance_text.find("宅基地纠纷"), std::string::npos) << acceptance_text;
  // Units by the directory's names (seeded as "<id>单位").
  EXPECT_NE(acceptance_text.find("unit_land单位、unit_village单位"), std::string::npos)
      << acceptance_text;
  EXPECT_EQ(acceptance_text.rfind("张三", 0), 0u) << acceptance_text;  // addressed by name
  for (const char* fact : {"经现场核实，界址清楚。", "《土地管理法》第十四条", "向信访人解释说明。",
                           "解释说明", "30日内", "复查"}) {
    EXPECT_NE(opinion_text.find(fact), std::string::npos) << fact << "\n" << opinion_text;
  }
  HttpResponse one = Call("GET", "/v1/cases/" + id + "/documents/" + opinion_doc_id, "",
                          stack_->Token({"supervisor"}));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.body.find("张三"), std::string::npos) << one.body;  // masked for a supervisor
  EXPECT_NE(one.body.find("张*"), std::string::npos) << one.body;
  EXPECT_EQ(Call("GET", "/v1/cases/" + id + "/documents/doc_nosuchdocument", "", Clerk()).status,
            404);
  EXPECT_EQ(Q("SELECT (max(serial) = count(*))::text FROM intake.documents"), "true");
  EXPECT_EQ(Q("SELECT count(*) FROM intake.documents WHERE text LIKE '%张三%' OR "
              "recipient LIKE '%张三%'"),
            "0");  // names are filled on read, never stored

  // Nothing after the end.
  ExpectRefused(Step(id, "withdraw", R"({"reason":"不想办了"})", Clerk()), 400,
                "FAILED_PRECONDITION", "CONCLUDED");
}

TEST_F(CaseLifecycleTest, IllegalTransitionsNameTheCurrentStatus) {
  const std::string id = Register();
  ExpectRefused(Step(id, "conclude", "{}", Clerk()), 400, "FAILED_PRECONDITION", "REGISTERED");
  ExpectRefused(Step(id, "requestReview", "{}", Clerk()), 400, "FAILED_PRECONDITION", "REGISTERED");
  ExpectRefused(Step(id, "rate", R"({"rating":"SATISFIED"})", Clerk()), 400, "FAILED_PRECONDITION",
                "REGISTERED");
  ExpectRefused(
      Call("POST", "/v1/cases/" + id + "/opinions",
           R"({"unitId":"unit_land","outcome":"UPHELD","facts":"f","basis":"b","decision":"d"})",
           Clerk()),
      400, "FAILED_PRECONDITION", "REGISTERED");
  ASSERT_EQ(Step(id, "accept", kAccept, Clerk()).status, 200);
  ExpectRefused(Step(id, "accept", kAccept, Clerk()), 400, "FAILED_PRECONDITION", "ACCEPTED");
  ExpectRefused(
      Step(id, "decline", R"({"route":"LITIGATION","authority":"县人民法院","reason":"民事纠纷"})",
           Clerk()),
      400, "FAILED_PRECONDITION", "ACCEPTED");
  ExpectRefused(Step(id, "conclude", "{}", Clerk()), 400, "FAILED_PRECONDITION", "ACCEPTED");
  ASSERT_EQ(Step(id, "withdraw", R"({"reason":"信访人撤回"})", Clerk()).status, 200);
  ExpectRefused(Step(id, "withdraw", R"({"reason":"again"})", Clerk()), 400, "FAILED_PRECONDITION",
                "WITHDRAWN");
  // Refused steps wrote nothing: registration, acceptance, withdrawal.
  EXPECT_EQ(Q("SELECT count(*) FROM intake.outbox WHERE case_id = '" + id + "'"), "3");
  EXPECT_EQ(Q("SELECT count(*) FROM intake.case_steps WHERE case_id = '" + id + "'"), "3");
}

TEST_F(CaseLifecycleTest, DeclineReviewAndWithdrawPaths) {
  const std::string declined = Register();
  HttpResponse d =
      Step(declined, "decline",
           R"({"route":"LITIGATION","authority":"县人民法院","reason":"属民事纠纷"})", Leader());
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(JsonString(ParseJson(d.body), "status"), "DECLINED");
  EXPECT_EQ(JsonString(ParseJson(d.body), "declineRoute"), "LITIGATION");
  EXPECT_EQ(JsonString(ParseJson(d.body), "declineAuthority"), "县人民法院");
  HttpResponse notice = Call("GET", "/v1/cases/" + declined + "/documents", "", Clerk());
  ASSERT_EQ(notice.status, 200) << notice.body;
  EXPECT_NE(notice.body.find("NON_ACCEPTANCE_NOTICE"), std::string::npos) << notice.body;
  EXPECT_NE(notice.body.find("县人民法院"), std::string::npos) << notice.body;
  EXPECT_NE(notice.body.find("诉讼"), std::string::npos) << notice.body;
  ExpectRefused(Step(declined, "withdraw", R"({"reason":"x"})", Clerk()), 400,
                "FAILED_PRECONDITION", "DECLINED");

  const std::string reviewed = Register();
  ASSERT_EQ(Step(reviewed, "accept", kAccept, Leader()).status, 200);
  const std::string opinion_id = ApprovedOpinion(reviewed);
  ASSERT_EQ(
      Step(reviewed, "answer", absl::StrCat(R"({"opinionId":")", opinion_id, R"("})"), Leader())
          .status,
      200);
  // Before delivery the window has not started: no review yet.
  ExpectRefused(Step(reviewed, "requestReview", "{}", Clerk()), 400, "FAILED_PRECONDITION",
                "not been delivered");
  Deliver(reviewed);
  // The window is supervision's: asked once it has the delivery's event.
  WaitForReviewWindow(reviewed);
  HttpResponse r = Step(reviewed, "requestReview", R"({"reason":"对处理意见不服"})", Clerk());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JsonString(ParseJson(r.body), "status"), "REVIEW_REQUESTED");
  ExpectRefused(Step(reviewed, "requestReview", "{}", Clerk()), 400, "FAILED_PRECONDITION",
                "REVIEW_REQUESTED");
  HttpResponse c = Step(reviewed, "conclude", "{}", Clerk());
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(JsonString(ParseJson(c.body), "status"), "CONCLUDED");

  // A review window that closed: supervision's window (it owns it) ended
  // the day before yesterday.
  const std::string late = Register();
  ASSERT_EQ(Step(late, "accept", kAccept, Leader()).status, 200);
  const std::string late_opinion = ApprovedOpinion(late);
  ASSERT_EQ(Step(late, "answer", absl::StrCat(R"({"opinionId":")", late_opinion, R"("})"), Leader())
                .status,
            200);
  Deliver(late);
  WaitForReviewWindow(late);
  Q("UPDATE supervision.deadlines SET start_date = current_date - 32, due_date = current_date - 2 "
    "WHERE case_id = '" +
    late + "' AND kind = 'REVIEW_WINDOW' RETURNING 1");
  ExpectRefused(Step(late, "requestReview", "{}", Clerk()), 400, "FAILED_PRECONDITION",
                "review window has closed");
  EXPECT_EQ(Q("SELECT status FROM intake.cases WHERE case_id = '" + late + "'"), "ANSWERED");
}

// Supervision owns the review window: while it cannot be asked, a request
// for review is UNAVAILABLE (retryable), never decided without it.
TEST_F(CaseLifecycleTest, RequestReviewIsUnavailableWithoutSupervision) {
  const std::string id = Register();
  ASSERT_EQ(Step(id, "accept", kAccept, Leader()).status, 200);
  const std::string opinion = ApprovedOpinion(id);
  ASSERT_EQ(
      Step(id, "answer", absl::StrCat(R"({"opinionId":")", opinion, R"("})"), Leader()).status,
      200);
  Deliver(id);
  WaitForReviewWindow(id);
  stack_->Stop("supervision");
  // The gateway words a 503 itself: "retry later".
  ExpectRefused(Step(id, "requestReview", "{}", Clerk()), 503, "UNAVAILABLE", "retry later");
  EXPECT_EQ(Q("SELECT status FROM intake.cases WHERE case_id = '" + id + "'"), "ANSWERED");
  ASSERT_TRUE(stack_->Restart("supervision").ok());
  // Back once intake's channel has reconnected (its backoff is short).
  HttpResponse r;
  EXPECT_TRUE(Eventually([&] {
    r = Step(id, "requestReview", "{}", Clerk());
    return r.status != 503;
  }));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(CaseLifecycleTest, RolesAndValidation) {
  const std::string id = Register();
  // Handlers and supervisors do not accept; the guard refuses by role.
  EXPECT_EQ(Step(id, "accept", kAccept, Handler("unit_land")).status, 403);
  EXPECT_EQ(Step(id, "accept", kAccept, stack_->Token({"supervisor"})).status, 403);
  EXPECT_EQ(Step(id, "accept", kAccept, "").status, 401);
  HttpResponse bad = Step(id, "accept", R"({"handlingUnitIds":[],"complexity":"SIMPLE"})", Clerk());
  ExpectRefused(bad, 400, "INVALID_ARGUMENT", "handlingUnitIds");
  EXPECT_NE(bad.body.find(R"("field":"leaderId")"), std::string::npos) << bad.body;
  ExpectRefused(Step(id, "decline", R"({"route":"LITIGATION"})", Clerk()), 400, "INVALID_ARGUMENT",
                "authority");
  ExpectRefused(Step("case_nosuchcase", "accept", kAccept, Clerk()), 404, "NOT_FOUND",
                "no such case");
  ExpectRefused(Step("case_BAD", "accept", kAccept, Clerk()), 400, "INVALID_ARGUMENT", "caseId");
  EXPECT_EQ(Q("SELECT status FROM intake.cases WHERE case_id = '" + id + "'"), "REGISTERED");
}

TEST_F(CaseLifecycleTest, TwoConcurrentAcceptsOneWins) {
  for (int round = 0; round < 5; ++round) {
    const std::string id = Register();
    absl::Notification go;
    HttpResponse results[2];
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        go.WaitForNotification();
        auto r = stack_->Call("POST", absl::StrCat("/v1/cases/", id, ":accept"), kAccept,
                              i == 0 ? Clerk() : Leader());
        if (r.ok()) results[i] = *r;
      });
    }
    go.Notify();
    for (auto& t : threads) t.join();
    int won = 0;
    for (const HttpResponse& r : results) {
      if (r.status == 200) {
        ++won;
      } else {
        ExpectRefused(r, 400, "FAILED_PRECONDITION", "ACCEPTED");
      }
    }
    EXPECT_EQ(won, 1) << results[0].body << " / " << results[1].body;
    EXPECT_EQ(Q("SELECT count(*) FROM intake.outbox WHERE case_id = '" + id + "'"), "2");
    EXPECT_EQ(Q("SELECT count(*) FROM intake.case_steps WHERE case_id = '" + id +
                "' AND step = 'ACCEPT'"),
              "1");
    EXPECT_EQ(Q("SELECT count(*) FROM intake.documents WHERE case_id = '" + id + "'"), "4");
    EXPECT_EQ(Q("SELECT (max(serial) = count(*))::text FROM intake.documents"), "true");
  }
}

// A case of the person with `id_number`, accepted for `unit`.
std::string RegisterAccepted(TestStack* stack, const std::string& id_number,
                             const std::string& unit, const std::string& received_at = "") {
  std::string body = absl::StrReplaceAll(kVisit, {{"11010519491231002X", id_number}});
  if (!received_at.empty()) {
    body = absl::StrReplaceAll(
        body, {{R"("channel")", absl::StrCat(R"("receivedAt":")", received_at, R"(","channel")")}});
  }
  auto r = stack->Call("POST", "/v1/cases", body, stack->Token({"clerk"}, "off_clerk1"));
  EXPECT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.status().ToString());
  const std::string id = r.ok() ? JsonString(ParseJson(r->body), "caseId") : "";
  auto a = stack->Call("POST", "/v1/cases/" + id + ":accept",
                       absl::StrCat(R"({"handlingUnitIds":[")", unit,
                                    R"("],"complexity":"ORDINARY","leaderId":"off_leader1"})"),
                       stack->Token({"clerk"}, "off_clerk1"));
  EXPECT_TRUE(a.ok() && a->status == 200) << (a.ok() ? a->body : a.status().ToString());
  return id;
}

std::vector<std::string> CaseIds(const std::string& body) {
  std::vector<std::string> ids;
  auto json = ParseJson(body);
  auto it = json.fields().find("cases");
  if (it == json.fields().end()) return ids;
  for (const auto& v : it->second.list_value().values()) {
    ids.push_back(v.struct_value().fields().at("caseId").string_value());
  }
  return ids;
}

TEST_F(CaseLifecycleTest, RepeatPetitionsAreTheSamePersonOnTheSameMatter) {
  const std::string person = "110105198001010032";
  auto registered = [&](const std::string& id_number, const std::string& subject,
                        const std::string& content) {
    std::string body =
        absl::StrReplaceAll(kVisit, {{"11010519491231002X", id_number},
                                     {"宅基地纠纷", subject},
                                     {"邻居占用宅基地，请求镇里协调处理。", content}});
    HttpResponse r = Call("POST", "/v1/cases", body, Clerk());
    EXPECT_EQ(r.status, 200) << r.body;
    return ParseJson(r.body);
  };
  auto repeats = [](const google::protobuf::Struct& c) {
    std::vector<std::string> ids;
    auto it = c.fields().find("repeatOfCaseIds");
    if (it == c.fields().end()) return ids;
    for (const auto& v : it->second.list_value().values()) ids.push_back(v.string_value());
    return ids;
  };
  auto first = registered(person, "村口水渠堵塞", "村口水渠长期堵塞，雨天淹没农田，请求清理疏通。");
  EXPECT_TRUE(repeats(first).empty());
  auto again =
      registered(person, "村口水渠堵塞", "村口水渠堵塞仍未处理，雨天淹没农田，请求尽快疏通。");
  EXPECT_EQ(repeats(again), std::vector<std::string>{JsonString(first, "caseId")});
  // The same person on another matter, another person on the same matter: no repeat.
  auto other_matter = registered(person, "低保申请", "家中老人患病，申请办理最低生活保障。");
  EXPECT_TRUE(repeats(other_matter).empty());
  auto other_person = registered("11010519491231002X", "村口水渠堵塞",
                                 "村口水渠长期堵塞，雨天淹没农田，请求清理疏通。");
  for (const std::string& id : repeats(other_person)) {
    EXPECT_NE(id, JsonString(first, "caseId"));
    EXPECT_NE(id, JsonString(again, "caseId"));
  }
  // Registered once, like any case.
  EXPECT_EQ(
      Q("SELECT count(*) FROM intake.outbox WHERE case_id = '" + JsonString(again, "caseId") + "'"),
      "1");
}

// Supervision's extension arrives through the internal RPC, as supervision
// (proven): intake issues the extension notice, once however often it comes.
TEST_F(CaseLifecycleTest, AnExtensionFromSupervisionIssuesTheExtensionNoticeOnce) {
  const std::string id = Register();
  ASSERT_EQ(Step(id, "accept", kAccept, Clerk()).status, 200);
  auto stub = intake::v1::Intake::NewStub(
      MakeChannel(absl::StrCat("127.0.0.1:", stack_->grpc_port("intake")),
                  std::make_shared<const CallSigner>("supervision",
                                                     *CallKey::Create(stack_->internal_secret()))));
  intake::v1::ApplySupervisionEventsRequest request;
  petition::v1::SupervisionEvent* e = request.add_events();
  e->set_event_id("sevt_" + id);
  e->set_case_id(id);
  e->mutable_extension_granted()->set_days(30);
  e->mutable_extension_granted()->set_reason("涉及多个部门，需进一步调查核实");
  e->mutable_extension_granted()->set_new_due_date("2027-01-15");
  for (int delivery = 0; delivery < 2; ++delivery) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    intake::v1::ApplySupervisionEventsResponse response;
    grpc::Status status = stub->ApplySupervisionEvents(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.applied(), delivery == 0 ? 1 : 0);
    EXPECT_EQ(response.duplicates(), delivery == 0 ? 0 : 1);
  }
  HttpResponse docs = Call("GET", "/v1/cases/" + id + "/documents", "", Clerk());
  ASSERT_EQ(docs.status, 200) << docs.body;
  EXPECT_EQ(Q("SELECT count(*) FROM intake.documents WHERE case_id = '" + id +
              "' AND kind = 'EXTENSION_NOTICE'"),
            "1");
  for (const char* fact : {"EXTENSION_NOTICE", "延长30日", "2027年1月15日", "涉及多个部门"}) {
    EXPECT_NE(docs.body.find(fact), std::string::npos) << fact << "\n" << docs.body;
  }
}

TEST_F(CaseLifecycleTest, AuditListsEveryReadThatShowedIdentity) {
  const std::string id = Register();
  ASSERT_EQ(Call("GET", "/v1/cases/" + id, "", Clerk()).status, 200);  // shown
  ASSERT_EQ(Call("GET", "/v1/cases/" + id, "", stack_->Token({"supervisor"})).status,
            200);  // masked: not an identity read
  ASSERT_EQ(Call("GET", "/v1/cases/" + id, "", Leader()).status, 200);  // shown
  EXPECT_EQ(Call("GET", "/v1/audit?caseId=" + id, "", Clerk()).status, 403);
  const std::string admin = stack_->Token({"admin"}, "off_admin");
  HttpResponse first = Call("GET", "/v1/audit?pageSize=1&caseId=" + id, "", admin);
  ASSERT_EQ(first.status, 200) << first.body;
  auto f = ParseJson(first.body);
  const auto& reads = f.fields().at("reads").list_value();
  ASSERT_EQ(reads.values_size(), 1) << first.body;
  EXPECT_EQ(reads.values(0).struct_value().fields().at("subject").string_value(), "off_clerk1");
  EXPECT_EQ(reads.values(0).struct_value().fields().at("purpose").string_value(), "GetCase");
  const std::string token = JsonString(f, "nextPageToken");
  ASSERT_FALSE(token.empty());
  HttpResponse second =
      Call("GET", "/v1/audit?pageSize=1&caseId=" + id + "&pageToken=" + token, "", admin);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_NE(second.body.find("off_leader1"), std::string::npos) << second.body;
  EXPECT_EQ(JsonString(ParseJson(second.body), "nextPageToken"), "") << second.body;
  ExpectRefused(Call("GET", "/v1/audit", "", admin), 400, "INVALID_ARGUMENT", "caseId");
}

TEST_F(CaseLifecycleTest, ListFiltersPagesStablyAndMasksAsASingleRead) {
  const std::string person = "110105198001010016";
  std::set<std::string> mine;
  for (int i = 0; i < 7; ++i) mine.insert(RegisterAccepted(stack_, person, "unit_list"));
  const std::string other_person_case =
      RegisterAccepted(stack_, "110105198001010024", "unit_list2");

  // Pages of 3 across the unit's 7 cases; a case registered between pages
  // (the newest, so before the first page) neither repeats nor hides one.
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    HttpResponse page = Call("GET",
                             absl::StrCat("/v1/cases?unitId=unit_list&pageSize=3",
                                          token.empty() ? "" : "&pageToken=", token),
                             "", Clerk());
    ASSERT_EQ(page.status, 200) << page.body << " page " << pages << " token " << token;
    for (const std::string& id : CaseIds(page.body)) seen.push_back(id);
    token = JsonString(ParseJson(page.body), "nextPageToken");
    if (++pages == 1) RegisterAccepted(stack_, person, "unit_list");
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), mine);

  // The person's history, identity shown to the clerk and audited per case.
  const std::string audits_before =
      Q("SELECT count(*) FROM intake.identity_reads WHERE purpose = 'ListCases'");
  HttpResponse history =
      Call("GET", "/v1/cases?pageSize=500&petitionerIdNumber=" + person, "", Clerk());
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(CaseIds(history.body).size(), 8u);
  EXPECT_NE(history.body.find(person), std::string::npos);
  EXPECT_EQ(history.body.find(other_person_case), std::string::npos);
  EXPECT_EQ(std::stoi(Q("SELECT count(*) FROM intake.identity_reads WHERE purpose = 'ListCases'")) -
                std::stoi(audits_before),
            8);
  // Searching by identity is for those who may see identity.
  ExpectRefused(
      Call("GET", "/v1/cases?petitionerIdNumber=" + person, "", stack_->Token({"supervisor"})), 403,
      "PERMISSION_DENIED", "petitionerIdNumber");

  // A supervisor lists masked; a handler only its unit's cases, masked.
  HttpResponse sup = Call("GET", "/v1/cases?unitId=unit_list", "", stack_->Token({"supervisor"}));
  ASSERT_EQ(sup.status, 200) << sup.body;
  EXPECT_EQ(sup.body.find(person), std::string::npos);
  EXPECT_NE(sup.body.find("110105********0016"), std::string::npos) << sup.body;
  HttpResponse own = Call("GET", "/v1/cases?pageSize=500", "", Handler("unit_list"));
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(CaseIds(own.body).size(), 8u);
  EXPECT_EQ(own.body.find(person), std::string::npos);
  HttpResponse foreign = Call("GET", "/v1/cases?unitId=unit_list", "", Handler("unit_list2"));
  ASSERT_EQ(foreign.status, 200) << foreign.body;
  EXPECT_TRUE(CaseIds(foreign.body).empty()) << foreign.body;

  // Status and date filters.
  const std::string withdrawn = *mine.begin();
  ASSERT_EQ(Step(withdrawn, "withdraw", R"({"reason":"撤回"})", Clerk()).status, 200);
  HttpResponse w = Call("GET", "/v1/cases?unitId=unit_list&status=WITHDRAWN", "", Clerk());
  ASSERT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(CaseIds(w.body), std::vector<std::string>{withdrawn});
  const std::string old = RegisterAccepted(stack_, person, "unit_dates", "2026-09-16T02:00:00Z");
  RegisterAccepted(stack_, person, "unit_dates");
  HttpResponse dated =
      Call("GET", "/v1/cases?unitId=unit_dates&receivedFrom=2026-09-16&receivedTo=2026-09-16", "",
           Clerk());
  ASSERT_EQ(dated.status, 200) << dated.body;
  EXPECT_EQ(CaseIds(dated.body), std::vector<std::string>{old});

  // Bad input names the field.
  ExpectRefused(Call("GET", "/v1/cases?pageSize=501", "", Clerk()), 400, "INVALID_ARGUMENT",
                "pageSize");
  ExpectRefused(Call("GET", "/v1/cases?pageToken=bm90LWEtdG9rZW4", "", Clerk()), 400,
                "INVALID_ARGUMENT", "pageToken");
  ExpectRefused(Call("GET", "/v1/cases?receivedFrom=2026-02-30", "", Clerk()), 400,
                "INVALID_ARGUMENT", "receivedFrom");
}

// The whole way round: supervision grants the extension (REST), its outbox
// relay delivers ExtensionGranted to intake, and the notice is in the case's
// documents; the deadline moved to N + E from the same start. Only a
// complex matter is extended (A34), before its due date: accepted now.
TEST_F(CaseLifecycleTest, AnExtensionGrantedInSupervisionReachesTheCaseDocuments) {
  const std::string id = Register();
  const std::string complex_accept =
      R"({"handlingUnitIds":["unit_land"],"complexity":"COMPLEX","leaderId":"off_leader1"})";
  ASSERT_EQ(Step(id, "accept", complex_accept, Clerk()).status, 200);
  // Supervision learns of the acceptance through intake's relay.
  ASSERT_TRUE(Eventually(
      [&] {
        HttpResponse d = Call("GET", "/v1/cases/" + id + "/deadlines", "", Clerk());
        return d.status == 200 && d.body.find("HANDLING") != std::string::npos;
      },
      absl::Seconds(30)));
  HttpResponse granted = Call("POST", "/v1/cases/" + id + "/extensions",
                              R"({"days":5,"reason":"需会同多个部门核实"})", Leader());
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_TRUE(Eventually(
      [&] {
        return Q("SELECT count(*) FROM intake.documents WHERE case_id = '" + id +
                 "' AND kind = 'EXTENSION_NOTICE'") == "1";
      },
      absl::Seconds(30)))
      << "the extension notice did not reach intake";
  HttpResponse docs = Call("GET", "/v1/cases/" + id + "/documents", "", Clerk());
  EXPECT_NE(docs.body.find("需会同多个部门核实"), std::string::npos) << docs.body;
}

// AIP-155: a retried :accept is answered from the first answer before
// scheduling is asked anything, so it is the same 200 while scheduling is
// down; a new acceptance then cannot check its leader and is 503.
TEST_F(CaseLifecycleTest, ARetriedAcceptGetsItsFirstAnswerWhileSchedulingIsDown) {
  const std::string id = Register();
  const std::string other = Register();
  const std::string body = absl::StrCat(
      R"({"requestId":"accept-once-)", id,
      R"(","handlingUnitIds":["unit_land"],"complexity":"ORDINARY","leaderId":"off_leader1"})");
  HttpResponse first = Step(id, "accept", body, Clerk());
  ASSERT_EQ(first.status, 200) << first.body;
  stack_->Stop("scheduling");
  HttpResponse again = Step(id, "accept", body, Clerk());
  EXPECT_EQ(again.status, 200) << again.body;
  auto a = ParseJson(first.body);
  auto b = ParseJson(again.body);
  EXPECT_EQ(JsonString(b, "status"), "ACCEPTED");
  EXPECT_EQ(JsonString(b, "updatedAt"), JsonString(a, "updatedAt"));
  EXPECT_EQ(JsonString(b, "leaderId"), "off_leader1");
  // The same id with another body is still another request.
  ExpectRefused(Step(id, "accept", absl::StrReplaceAll(body, {{"ORDINARY", "COMPLEX"}}), Clerk()),
                409, "ALREADY_EXISTS", "requestId");
  // A first request cannot be checked against the directory now.
  EXPECT_EQ(Step(other, "accept", kAccept, Clerk()).status, 503);
  ASSERT_TRUE(stack_->Restart("scheduling").ok());
  // Once intake's channel has reconnected, the first request goes through.
  EXPECT_TRUE(Eventually([&] { return Step(other, "accept", kAccept, Clerk()).status == 200; }));
  EXPECT_EQ(
      Q("SELECT count(*) FROM intake.case_steps WHERE case_id = '" + id + "' AND step = 'ACCEPT'"),
      "1");
}

// Recusal (回避) and rank wherever a person decides: a leader recused from the
// case is neither its receiving leader nor an approver of its opinion; the
// township's receiving leader is DEPUTY_SECTION_CHIEF or above ([S1]).
TEST_F(CaseLifecycleTest, ARecusedOrJuniorLeaderNeitherReceivesNorApproves) {
  const std::string admin = stack_->Token({"admin"}, "off_admin");
  HttpResponse town = Call("POST", "/v1/units", R"({"name":"镇政府","kind":"TOWNSHIP"})", admin);
  ASSERT_EQ(town.status, 200) << town.body;
  const std::string town_id = JsonString(ParseJson(town.body), "unitId");
  auto official = [&](const std::string& name, const std::string& rank) {
    HttpResponse r = Call("POST", "/v1/officials",
                          absl::StrCat(R"({"name":")", name, R"(","unitId":")", town_id,
                                       R"(","position":"副镇长","rank":")", rank, R"("})"),
                          admin);
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonString(ParseJson(r.body), "officialId");
  };
  const std::string deputy = official("王副镇长", "DEPUTY_SECTION_CHIEF");
  const std::string staff = official("李科员", "STAFF");
  const std::string id = Register();
  HttpResponse recused = Call("POST", "/v1/recusals",
                              absl::StrCat(R"({"officialId":")", deputy, R"(","caseId":")", id,
                                           R"(","reason":"信访人系其亲属"})"),
                              Clerk());
  ASSERT_EQ(recused.status, 200) << recused.body;
  auto accept = [&](const std::string& leader) {
    return Step(id, "accept",
                absl::StrCat(R"({"handlingUnitIds":["unit_land"],"complexity":"SIMPLE",)",
                             R"("leaderId":")", leader, R"("})"),
                Clerk());
  };
  HttpResponse by_recused = accept(deputy);
  ExpectRefused(by_recused, 400, "INVALID_ARGUMENT", "recused");
  EXPECT_NE(by_recused.body.find(R"("field":"leaderId")"), std::string::npos) << by_recused.body;
  EXPECT_NE(by_recused.body.find("信访人系其亲属"), std::string::npos) << by_recused.body;
  HttpResponse by_staff = accept(staff);
  ExpectRefused(by_staff, 400, "INVALID_ARGUMENT", "DEPUTY_SECTION_CHIEF");
  EXPECT_NE(by_staff.body.find(R"("field":"leaderId")"), std::string::npos) << by_staff.body;
  EXPECT_EQ(Q("SELECT status FROM intake.cases WHERE case_id = '" + id + "'"), "REGISTERED");
  // The same deputy receives another case, from which it is not recused.
  const std::string unrelated = Register();
  EXPECT_EQ(Step(unrelated, "accept",
                 absl::StrCat(R"({"handlingUnitIds":["unit_land"],"complexity":"SIMPLE",)",
                              R"("leaderId":")", deputy, R"("})"),
                 Clerk())
                .status,
            200);

  ASSERT_EQ(accept("off_leader1").status, 200);
  HttpResponse o = Call(
      "POST", "/v1/cases/" + id + "/opinions",
      R"({"unitId":"unit_land","outcome":"EXPLAINED","facts":"经现场核实。","basis":"《土地管理法》",
               "decision":"解释说明。"})",
      Handler("unit_land"));
  ASSERT_EQ(o.status, 200) << o.body;
  const std::string opinion =
      "/v1/cases/" + id + "/opinions/" + JsonString(ParseJson(o.body), "opinionId");
  HttpResponse submitted = Call("POST", opinion + ":submit", "{}", Handler("unit_land"));
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  const std::string approve = opinion + ":approve";
  HttpResponse refused = Call("POST", approve, "{}", stack_->Token({"leader"}, deputy));
  ExpectRefused(refused, 400, "FAILED_PRECONDITION", "recused");
  EXPECT_NE(refused.body.find(R"("field":"approvedBy")"), std::string::npos) << refused.body;
  EXPECT_EQ(Q("SELECT count(*) FROM intake.case_steps WHERE case_id = '" + id +
              "' AND step = 'APPROVE_OPINION'"),
            "0");
  // A leader who is not recused approves; so may one the directory does not know.
  EXPECT_EQ(Call("POST", approve, "{}", Leader()).status, 200);
}

}  // namespace
}  // namespace petition::testing
