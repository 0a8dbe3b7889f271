// The township's objection to a county transfer (异议, A23) end to end: a
// transfer pushed with the county's API key on a Monday (the stack's clock)
// is objected to within its 5 working days (OBJECTED; supervision's
// OBJECTION deadline MET; the county's receiver gets the objection with its
// reason and the competent authority at once, without the principal
// leader's review), a retry answers the same, and a push after it changes
// nothing. On another transfer the clock moves past the 5 working days:
// :object is 409 naming the day the period ended, and nothing changed. A
// township's own case and a county assignment cannot be objected to; an
// accepted transfer's objection period no longer shows as pending.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "common/testing/eventually.h"
#include "common/testing/http_receiver.h"
#include "gtest/gtest.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kFeedbackSecret[] = "county-objection-secret-for-tests";

// The county platform: takes every result.
HttpReceiver& County() {
  static HttpReceiver* county =
      new HttpReceiver([](const HttpReceiver::Request&, int) { return 200; });
  return *county;
}

// Monday 2 March 2026, 10:00 in the township: the push's day. Its 5 working
// days end on Monday 9 March.
absl::Time PushDay() { return TownshipTime(2026, 3, 2); }

// A push body (no receivedAt: the push's moment on the stack's clock).
std::string PushBody(const std::string& kind, const std::string& subject = "劳动报酬争议") {
  return absl::StrReplaceAll(R"({
  "kind": "$KIND", "dueDate": "2026-03-31", "channel": "ONLINE", "category": "SUPERIOR_ASSIGNED",
  "subject": "$SUBJECT", "content": "县信访平台转来：某企业拖欠工资，请求处理。",
  "petitioners": [{"name": "李四", "idNumber": "11010519491231002X", "phone": "13800138000"}]
})",
                             {{"$KIND", kind}, {"$SUBJECT", subject}});
}

constexpr char kObjection[] =
    R"({"reason":"属于劳动争议，依法应申请劳动仲裁，不属于本镇职权范围",)"
    R"("competentAuthority":"县劳动人事争议仲裁委员会","requestId":"$RID"})";

class CountyObjectionTest : public StackTest<CountyObjectionTest> {
 public:
  static constexpr char kStackName[] = "objection";

  static TestStack::Options StackOptions() {
    TestStack::Options options;
    options.intake_flags = CountyFeedbackFlags(County().url("/petition/feedback"), kFeedbackSecret);
    options.clock_at = PushDay();
    return options;
  }

 protected:
  void SetUp() override {
    StackTest::SetUp();
    // Every test starts on the push's day (one of them moves the clock on).
    if (absl::ToCivilDay(stack_->Now(), TownshipZone()) != absl::CivilDay(2026, 3, 2)) {
      absl::Status set = stack_->SetClock(PushDay());
      ASSERT_TRUE(set.ok()) << set;
    }
    absl::Status seeded = stack_->SeedDirectory({"unit_labour"}, {"off_leader1"});
    ASSERT_TRUE(seeded.ok()) << seeded;
  }

  static std::string NewCountyId() { return "OBJ-" + HexEncode(RandomBytes(6)); }

  static HttpResponse Push(const std::string& county_id, const std::string& body) {
    return CountyCall("PUT", "/v1/transfers/" + county_id, body);
  }

  static HttpResponse GetTransfer(const std::string& county_id) {
    return CountyCall("GET", "/v1/transfers/" + county_id);
  }

  // The case a new push of `kind` registered, once supervision has opened its deadlines.
  static std::string PushedCase(const std::string& county_id, const std::string& kind) {
    HttpResponse pushed = Push(county_id, PushBody(kind));
    EXPECT_EQ(pushed.status, 200) << pushed.body;
    const std::string case_id = JsonString(ParseJson(pushed.body), "caseId");
    Deadline(case_id, "ACCEPTANCE", [](const std::string& s) { return s == "OPEN"; });
    return case_id;
  }

  static HttpResponse Object(const std::string& case_id, const std::string& request_id,
                             const std::string& token = "") {
    return Call("POST", "/v1/cases/" + case_id + ":object",
                absl::StrReplaceAll(kObjection, {{"$RID", request_id}}),
                token.empty() ? Clerk() : token);
  }

  static std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }
};

TEST_F(CountyObjectionTest, AnObjectionInTimeGoesToTheCountyAtOnce) {
  const std::string county_id = NewCountyId();
  const std::string case_id = PushedCase(county_id, "TRANSFER");
  auto period = Deadline(case_id, "OBJECTION", [](const std::string& s) { return s == "OPEN"; });
  EXPECT_EQ(JsonString(period, "startDate"), "2026-03-02");
  EXPECT_EQ(JsonString(period, "dueDate"), "2026-03-09");

  const std::string rid = "obj-" + HexEncode(RandomBytes(4));
  HttpResponse objected = Object(case_id, rid);
  ASSERT_EQ(objected.status, 200) << objected.body;
  auto c = ParseJson(objected.body);
  EXPECT_EQ(JsonString(c, "status"), "OBJECTED");
  EXPECT_EQ(JsonString(c, "objection.competentAuthority"), "县劳动人事争议仲裁委员会");
  EXPECT_EQ(JsonString(c, "objection.reason"),
            "属于劳动争议，依法应申请劳动仲裁，不属于本镇职权范围");
  EXPECT_EQ(JsonString(c, "objection.objectedBy"), "off_clerk1");

  // The same request again: the first answer, nothing done twice.
  HttpResponse again = Object(case_id, rid);
  ASSERT_EQ(again.status, 200) << again.body;
  auto c2 = ParseJson(again.body);
  EXPECT_EQ(JsonString(c2, "status"), "OBJECTED");
  EXPECT_EQ(JsonString(c2, "objection.objectedAt"), JsonString(c, "objection.objectedAt"));
  EXPECT_EQ(c2.fields().at("history").list_value().values_size(),
            c.fields().at("history").list_value().values_size());
  // Another request on the objected case: its status refuses it.
  HttpResponse other = Object(case_id, rid + "-other");
  EXPECT_EQ(other.status, 400) << other.body;

  // Supervision: the period met; ACCEPTANCE and COUNTY met by the objection.
  auto met = Deadline(case_id, "OBJECTION", [](const std::string& s) { return s == "MET"; });
  EXPECT_EQ(JsonString(met, "dueDate"), "2026-03-09");
  Deadline(case_id, "ACCEPTANCE", [](const std::string& s) { return s == "MET"; });
  Deadline(case_id, "COUNTY", [](const std::string& s) { return s == "MET"; });

  // The county hears it at once (the policy's countyFeedbackReview is on,
  // and it does not wait), with the reason and the competent authority.
  HttpResponse transfer;
  ASSERT_TRUE(Eventually([&] {
    transfer = GetTransfer(county_id);
    return transfer.body.find("\"DELIVERED\"") != std::string::npos;
  })) << transfer.body;
  auto t = ParseJson(transfer.body);
  EXPECT_EQ(JsonString(t, "status"), "OBJECTED");
  const auto& feedback = t.fields().at("feedback").list_value();
  ASSERT_EQ(feedback.values_size(), 1) << transfer.body;
  std::vector<HttpReceiver::Request> seen;
  for (const HttpReceiver::Request& r : County().requests()) {
    if (r.body.find(county_id) != std::string::npos) seen.push_back(r);
  }
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].headers.at("x-signature"),
            "sha256=" + HexEncode(HmacSha256(kFeedbackSecret, seen[0].body)));
  auto body = ParseJson(seen[0].body);
  EXPECT_EQ(JsonString(body, "status"), "OBJECTED");
  EXPECT_EQ(JsonString(body, "kind"), "TRANSFER");
  EXPECT_EQ(JsonString(body, "countyCaseId"), county_id);
  EXPECT_EQ(JsonString(body, "objection.reason"),
            "属于劳动争议，依法应申请劳动仲裁，不属于本镇职权范围");
  EXPECT_EQ(JsonString(body, "objection.competentAuthority"), "县劳动人事争议仲裁委员会");

  // The county pushing the same transfer again (a retry): the case as it
  // stands. A changed push: refused, the objection is the county's to decide.
  HttpResponse same = Push(county_id, PushBody("TRANSFER"));
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(JsonString(ParseJson(same.body), "status"), "OBJECTED");
  HttpResponse changed = Push(county_id, PushBody("TRANSFER", "另一事项"));
  EXPECT_EQ(changed.status, 409) << changed.body;
  EXPECT_EQ(JsonString(ParseJson(changed.body), "error.code"), "ABORTED");
}

TEST_F(CountyObjectionTest, AfterFiveWorkingDaysTheObjectionIsRefusedAndNothingChanges) {
  const std::string county_id = NewCountyId();
  const std::string case_id = PushedCase(county_id, "TRANSFER");
  Deadline(case_id, "OBJECTION", [](const std::string& s) { return s == "OPEN"; });
  HttpResponse before = Call("GET", "/v1/cases/" + case_id, "", Clerk());
  ASSERT_EQ(before.status, 200) << before.body;
  // Tuesday 10 March: the day after the 5th working day.
  ASSERT_TRUE(stack_->SetClock(TownshipTime(2026, 3, 10)).ok());

  HttpResponse late = Object(case_id, "obj-late-" + HexEncode(RandomBytes(4)));
  ASSERT_EQ(late.status, 409) << late.body;
  auto e = ParseJson(late.body);
  EXPECT_EQ(JsonString(e, "error.code"), "ABORTED");
  EXPECT_NE(JsonString(e, "error.message").find("2026-03-09"), std::string::npos) << late.body;

  HttpResponse got = Call("GET", "/v1/cases/" + case_id, "", Clerk());
  ASSERT_EQ(got.status, 200) << got.body;
  auto c = ParseJson(got.body);
  EXPECT_EQ(JsonString(c, "status"), "REGISTERED");
  EXPECT_EQ(c.fields().count("objection"), 0u) << got.body;
  auto b = ParseJson(before.body);
  EXPECT_EQ(c.fields().at("history").list_value().values_size(),
            b.fields().at("history").list_value().values_size())
      << got.body;
  EXPECT_EQ(JsonString(c, "updatedAt"), JsonString(b, "updatedAt"));
  // The right lapsed: EXPIRED, never OVERDUE; nothing went to the county.
  Deadline(case_id, "OBJECTION", [](const std::string& s) { return s == "EXPIRED"; });
  EXPECT_EQ(JsonString(ParseJson(GetTransfer(county_id).body), "status"), "REGISTERED");
  for (const HttpReceiver::Request& r : County().requests()) {
    EXPECT_EQ(r.body.find(county_id), std::string::npos) << r.body;
  }
}

TEST_F(CountyObjectionTest, OnlyACountyTransferStillRegisteredMayBeObjectedTo) {
  // The township's own case.
  HttpResponse own = Call("POST", "/v1/cases", R"({
  "channel": "VISIT", "category": "RIGHTS_INFRINGEMENT", "subject": "宅基地纠纷",
  "content": "邻居占用宅基地，请求镇里协调处理。",
  "petitioners": [{"name": "张三", "idNumber": "11010519491231002X"}]
})",
                          Clerk());
  ASSERT_EQ(own.status, 200) << own.body;
  const std::string own_id = JsonString(ParseJson(own.body), "caseId");
  HttpResponse refused = Object(own_id, "obj-own-" + HexEncode(RandomBytes(4)));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(JsonString(ParseJson(refused.body), "error.code"), "FAILED_PRECONDITION");

  // A county assignment (交办): the county's order to handle it.
  const std::string assigned = PushedCase(NewCountyId(), "ASSIGNMENT");
  HttpResponse assignment = Object(assigned, "obj-asg-" + HexEncode(RandomBytes(4)));
  EXPECT_EQ(assignment.status, 400) << assignment.body;

  // Missing fields are named.
  HttpResponse empty = Call("POST", "/v1/cases/" + assigned + ":object", "{}", Clerk());
  EXPECT_EQ(empty.status, 400) << empty.body;
  EXPECT_NE(empty.body.find("competentAuthority"), std::string::npos) << empty.body;

  // A handler may not object (the office's and leaders' step).
  const std::string transfer = PushedCase(NewCountyId(), "TRANSFER");
  HttpResponse handler = Object(transfer, "obj-h-" + HexEncode(RandomBytes(4)),
                                stack_->Token({"handler"}, "off_handler1", "unit_labour"));
  EXPECT_EQ(handler.status, 403) << handler.body;

  // Accepted: the township took it on; the period no longer shows as pending.
  HttpResponse accepted =
      Call("POST", "/v1/cases/" + transfer + ":accept",
           R"({"handlingUnitIds":["unit_labour"],"complexity":"SIMPLE","leaderId":"off_leader1"})",
           Clerk());
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  Deadline(transfer, "OBJECTION", [](const std::string& s) { return s == "EXPIRED"; });
  HttpResponse after = Object(transfer, "obj-acc-" + HexEncode(RandomBytes(4)));
  EXPECT_EQ(after.status, 400) << after.body;
}

}  // namespace
}  // namespace petition::testing
