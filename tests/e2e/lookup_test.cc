// End to end over HTTP, without credentials: the petitioner's public view of
// a case by its query code (GET /v1/lookup/{queryCode}) at every stage of the
// case's life, with no identity and no free text anywhere in the body; wrong
// codes 404; the petitioner's rating once, after the answer (then 409), under
// the clerk's rule; and request ids (AIP-155) on the lifecycle steps.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/testing/eventually.h"
#include "gtest/gtest.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kName[] = "欧阳明华";
constexpr char kIdNumber[] = "11010519491231002X";
constexpr char kPhone[] = "13912345678";
constexpr char kAddress[] = "长乐镇西村五组88号";
constexpr char kSubject[] = "举报村干部截留补偿款";
constexpr char kContent[] = "西村会计私自截留征地补偿款约三万元，请求查处。";
constexpr char kFacts[] = "经查，补偿款已足额发放至农户账户。";
constexpr char kDecision[] = "向举报人说明核查结果。";

class LookupTest : public StackTest<LookupTest> {
 public:
  static constexpr char kStackName[] = "lookup";

 protected:
  void SetUp() override {
    StackTest::SetUp();
    absl::Status seeded = stack_->SeedDirectory({"unit_lkland"}, {"off_lkleader"});
    ASSERT_TRUE(seeded.ok()) << seeded;
  }

  static std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }
  static std::string Leader() { return stack_->Token({"leader"}, "off_lkleader"); }

  struct Registered {
    std::string case_id;
    std::string code;
  };
  // A report of wrongdoing (the case whose reporter must stay unknown).
  static Registered Register(const std::string& channel = "VISIT") {
    const std::string body = absl::StrCat(
        R"({"channel":")", channel, R"(","category":"REPORT_OF_WRONGDOING","subject":")", kSubject,
        R"(","content":")", kContent, R"(","reportedUnitIds":["unit_lkreported"],)",
        R"("petitioners":[{"name":")", kName, R"(","idNumber":")", kIdNumber, R"(","phone":")",
        kPhone, R"(","address":")", kAddress, R"("}]})");
    HttpResponse r = Call("POST", "/v1/cases", body, Clerk());
    EXPECT_EQ(r.status, 200) << r.body;
    auto json = ParseJson(r.body);
    return {JsonString(json, "caseId"), JsonString(json, "queryCode")};
  }
  static HttpResponse Step(const std::string& case_id, const std::string& verb,
                           const std::string& body, const std::string& token) {
    return Call("POST", absl::StrCat("/v1/cases/", case_id, ":", verb), body, token);
  }
  static void Accept(const std::string& case_id) {
    HttpResponse r = Step(
        case_id, "accept",
        R"({"handlingUnitIds":["unit_lkland"],"complexity":"ORDINARY","leaderId":"off_lkleader"})",
        Clerk());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  static void Answer(const std::string& case_id) {
    HttpResponse o =
        Call("POST", "/v1/cases/" + case_id + "/opinions",
             absl::StrCat(R"({"unitId":"unit_lkland","outcome":"EXPLAINED","facts":")", kFacts,
                          R"(","basis":"《信访工作条例》","decision":")", kDecision, R"("})"),
             stack_->Token({"handler"}, "off_h", "unit_lkland"));
    ASSERT_EQ(o.status, 200) << o.body;
    const std::string opinion = JsonString(ParseJson(o.body), "opinionId");
    ASSERT_EQ(Call("POST", "/v1/cases/" + case_id + "/opinions/" + opinion + ":submit", "{}",
                   stack_->Token({"handler"}, "off_h", "unit_lkland"))
                  .status,
              200);
    ASSERT_EQ(
        Call("POST", "/v1/cases/" + case_id + "/opinions/" + opinion + ":approve", "{}", Leader())
            .status,
        200);
    HttpResponse a =
        Step(case_id, "answer", absl::StrCat(R"({"opinionId":")", opinion, R"("})"), Leader());
    ASSERT_EQ(a.status, 200) << a.body;
  }

  // The public view, without credentials; checks that nothing in the whole
  // body names or describes the petitioner or the matter.
  static google::protobuf::Struct Lookup(const std::string& code) {
    HttpResponse r = Call("GET", "/v1/lookup/" + code);
    EXPECT_EQ(r.status, 200) << r.body;
    for (const char* secret :
         {kName, "欧阳*", kIdNumber, "110105", "002X", kPhone, "1391", kAddress, "西村", kSubject,
          kContent, "截留", kFacts, kDecision, "unit_lkreported", "off_clerk1", "off_h"}) {
      EXPECT_EQ(r.body.find(secret), std::string::npos) << secret << " in " << r.body;
    }
    return ParseJson(r.body);
  }

  // The deadline the view shows, once supervision has the case's events.
  static void ExpectDeadline(const std::string& code, const std::string& kind) {
    std::string last;
    EXPECT_TRUE(Eventually([&] {
      auto view = Lookup(code);
      last = JsonString(view, "deadline.kind");
      return last == kind && !JsonString(view, "deadline.dueDate").empty();
    })) << "deadline "
        << last << ", expected " << kind;
  }

  static void ExpectError(const HttpResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(JsonString(ParseJson(r.body), "error.code"), code) << r.body;
  }
};

std::vector<std::string> Titles(const google::protobuf::Struct& view) {
  std::vector<std::string> titles;
  auto it = view.fields().find("documents");
  if (it == view.fields().end()) return titles;
  for (const auto& d : it->second.list_value().values()) {
    titles.push_back(d.struct_value().fields().at("title").string_value());
  }
  return titles;
}

std::string First(const google::protobuf::Struct& view, const std::string& list) {
  auto it = view.fields().find(list);
  if (it == view.fields().end() || it->second.list_value().values_size() == 0) return "";
  return it->second.list_value().values(0).string_value();
}

TEST_F(LookupTest, EveryStageWithoutIdentityOrText) {
  const Registered c = Register();
  ASSERT_EQ(c.code.size(), 12u);

  auto registered = Lookup(c.code);
  EXPECT_EQ(JsonString(registered, "status"), "REGISTERED");
  EXPECT_FALSE(JsonString(registered, "receivedDate").empty());
  EXPECT_EQ(JsonString(registered, "acceptedDate"), "");
  ExpectDeadline(c.code, "ACCEPTANCE");
  // Codes are case-insensitive.
  EXPECT_EQ(JsonString(Lookup(absl::AsciiStrToLower(c.code)), "status"), "REGISTERED");

  Accept(c.case_id);
  auto accepted = Lookup(c.code);
  EXPECT_EQ(JsonString(accepted, "status"), "ACCEPTED");
  EXPECT_FALSE(JsonString(accepted, "acceptedDate").empty());
  EXPECT_EQ(First(accepted, "handlingUnits"), "unit_lkland单位");
  const auto titles = Titles(accepted);
  EXPECT_NE(std::find(titles.begin(), titles.end(), "信访事项受理告知书"), titles.end());
  ExpectDeadline(c.code, "HANDLING");
  // The code is the petitioner's credential: a handling unit, which may not
  // see who wrote, gets neither it in the case nor in any notice (it could
  // otherwise rate its own work in the petitioner's name); the office does.
  const std::string handler = stack_->Token({"handler"}, "off_h", "unit_lkland");
  for (const std::string& read :
       {"/v1/cases/" + c.case_id, "/v1/cases/" + c.case_id + "/documents"}) {
    HttpResponse r = Call("GET", read, "", handler);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find(c.code), std::string::npos) << read << ": " << r.body;
  }
  HttpResponse office = Call("GET", "/v1/cases/" + c.case_id + "/documents", "", Clerk());
  EXPECT_NE(office.body.find(c.code), std::string::npos) << office.body;

  Answer(c.case_id);
  auto answered = Lookup(c.code);
  EXPECT_EQ(JsonString(answered, "status"), "ANSWERED");
  EXPECT_FALSE(JsonString(answered, "answeredDate").empty());
  EXPECT_EQ(answered.fields().at("canRate").bool_value(), true);
  // The review window counts from the delivery of the written answer.
  {
    absl::TimeZone shanghai;
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
    HttpResponse delivered = Step(
        c.case_id, "deliver",
        absl::StrCat(R"({"deliveredOn":")", absl::FormatTime("%Y-%m-%d", stack_->Now(), shanghai),
                     R"(","method":"POST","receiptNumber":"XA123456789CN"})"),
        Clerk());
    ASSERT_EQ(delivered.status, 200) << delivered.body;
  }
  ExpectDeadline(c.code, "REVIEW_WINDOW");
  const auto answered_titles = Titles(answered);
  EXPECT_NE(std::find(answered_titles.begin(), answered_titles.end(), "信访事项处理意见书"),
            answered_titles.end());

  HttpResponse review = Step(c.case_id, "requestReview", "{}", Clerk());
  ASSERT_EQ(review.status, 200) << review.body;
  auto reviewed = Lookup(c.code);
  EXPECT_EQ(JsonString(reviewed, "status"), "REVIEW_REQUESTED");
  EXPECT_FALSE(JsonString(reviewed, "reviewRequestedDate").empty());

  ASSERT_EQ(Step(c.case_id, "conclude", "{}", Clerk()).status, 200);
  auto concluded = Lookup(c.code);
  EXPECT_EQ(JsonString(concluded, "status"), "CONCLUDED");
  EXPECT_FALSE(JsonString(concluded, "closedDate").empty());
  EXPECT_EQ(concluded.fields().count("deadline"), 0u);

  // Declined and withdrawn cases close too.
  const Registered declined = Register("LETTER");
  ASSERT_EQ(
      Step(declined.case_id, "decline",
           R"({"route":"DISCIPLINE_INSPECTION","authority":"县纪委监委","reason":"属纪检监察"})",
           Clerk())
          .status,
      200);
  auto d = Lookup(declined.code);
  EXPECT_EQ(JsonString(d, "status"), "DECLINED");
  EXPECT_FALSE(JsonString(d, "closedDate").empty());
  const Registered withdrawn = Register("CALL");
  ASSERT_EQ(Step(withdrawn.case_id, "withdraw", R"({"reason":"信访人撤回"})", Clerk()).status, 200);
  EXPECT_EQ(JsonString(Lookup(withdrawn.code), "status"), "WITHDRAWN");
}

TEST_F(LookupTest, WrongCodesAreNotFound) {
  const Registered c = Register();
  // One character off (the last one, then the first), another code, a code
  // with look-alikes, a malformed one: all the same 404.
  std::string last_off = c.code;
  last_off.back() = last_off.back() == 'A' ? 'B' : 'A';
  std::string first_off = c.code;
  first_off.front() = first_off.front() == 'A' ? 'B' : 'A';
  for (const std::string& code :
       {last_off, first_off, std::string("ABCDEFGHJKMN"), std::string("0O1IL0O1IL0O"),
        std::string("abc"), std::string(c.code + "A")}) {
    HttpResponse r = Call("GET", "/v1/lookup/" + code);
    ExpectError(r, 404, "NOT_FOUND");
    EXPECT_EQ(r.body.find(c.code), std::string::npos);
    ExpectError(Call("POST", "/v1/lookup/" + code + ":rate", R"({"rating":"SATISFIED"})"), 404,
                "NOT_FOUND");
  }
}

TEST_F(LookupTest, ThePetitionerRatesOnceAfterTheAnswer) {
  const Registered c = Register();
  // Before the answer: refused for the status.
  ExpectError(Call("POST", "/v1/lookup/" + c.code + ":rate", R"({"rating":"SATISFIED"})"), 400,
              "FAILED_PRECONDITION");
  Accept(c.case_id);
  ExpectError(Call("POST", "/v1/lookup/" + c.code + ":rate", R"({"rating":"SATISFIED"})"), 400,
              "FAILED_PRECONDITION");
  Answer(c.case_id);
  HttpResponse bad = Call("POST", "/v1/lookup/" + c.code + ":rate", R"({"comment":"x"})");
  ExpectError(bad, 400, "INVALID_ARGUMENT");
  EXPECT_NE(bad.body.find(R"("field":"rating")"), std::string::npos) << bad.body;

  HttpResponse rated = Call("POST", "/v1/lookup/" + c.code + ":rate",
                            R"({"rating":"BASICALLY_SATISFIED","comment":"处理及时"})");
  ASSERT_EQ(rated.status, 200) << rated.body;
  auto view = ParseJson(rated.body);
  EXPECT_EQ(JsonString(view, "rating"), "BASICALLY_SATISFIED");
  EXPECT_FALSE(view.fields().at("canRate").bool_value());
  EXPECT_EQ(rated.body.find("处理及时"), std::string::npos) << "the comment is not public";

  // Once: the petitioner again, or the clerk after, is 409 (one rule).
  ExpectError(Call("POST", "/v1/lookup/" + c.code + ":rate", R"({"rating":"DISSATISFIED"})"), 409,
              "ALREADY_EXISTS");
  ExpectError(Step(c.case_id, "rate", R"({"rating":"DISSATISFIED"})", Clerk()), 409,
              "ALREADY_EXISTS");

  // The office sees the rating and that the petitioner gave it.
  HttpResponse got = Call("GET", "/v1/cases/" + c.case_id, "", Clerk());
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(JsonString(ParseJson(got.body), "rating"), "BASICALLY_SATISFIED");
  EXPECT_EQ(JsonString(ParseJson(got.body), "ratingComment"), "处理及时");
  EXPECT_NE(got.body.find(R"("actor":"petitioner")"), std::string::npos) << got.body;
}

TEST_F(LookupTest, ARatingRetriedWithItsRequestIdIsTheFirst) {
  const Registered c = Register();
  Accept(c.case_id);
  Answer(c.case_id);
  const std::string target = "/v1/lookup/" + c.code + ":rate";
  HttpResponse first = Call("POST", target, R"({"requestId":"rate-1","rating":"SATISFIED"})");
  ASSERT_EQ(first.status, 200) << first.body;
  HttpResponse again = Call("POST", target, R"({"requestId":"rate-1","rating":"SATISFIED"})");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(JsonString(ParseJson(again.body), "rating"), "SATISFIED");
  ExpectError(Call("POST", target, R"({"requestId":"rate-1","rating":"DISSATISFIED"})"), 409,
              "ALREADY_EXISTS");
  auto steps = stack_->Query("SELECT count(*) FROM intake.case_steps WHERE case_id = '" +
                             c.case_id + "' AND step = 'RATE'");
  ASSERT_TRUE(steps.ok()) << steps.status();
  EXPECT_EQ(*steps, "1");
}

// AIP-155 on every lifecycle step: the same id and body answer the first
// result and write nothing; the same id with another body is 409.
TEST_F(LookupTest, EveryStepIsIdempotentOnItsRequestId) {
  const Registered c = Register();
  const std::string accept =
      R"({"requestId":"acc-1","handlingUnitIds":["unit_lkland"],"complexity":"ORDINARY",
          "leaderId":"off_lkleader"})";
  HttpResponse first = Step(c.case_id, "accept", accept, Clerk());
  ASSERT_EQ(first.status, 200) << first.body;
  HttpResponse again = Step(c.case_id, "accept", accept, Clerk());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(JsonString(ParseJson(again.body), "status"), "ACCEPTED");
  EXPECT_EQ(again.body.find(kIdNumber), std::string::npos) << "masked as the first answer";
  ExpectError(Step(c.case_id, "accept",
                   R"({"requestId":"acc-1","handlingUnitIds":["unit_lkland"],"complexity":"SIMPLE",
                       "leaderId":"off_lkleader"})",
                   Clerk()),
              409, "ALREADY_EXISTS");
  // Another caller's same id is another request (refused for the status).
  ExpectError(Step(c.case_id, "accept", accept, stack_->Token({"clerk"}, "off_clerk2")), 400,
              "FAILED_PRECONDITION");

  const std::string opinion_body = absl::StrCat(
      R"({"requestId":"op-1","unitId":"unit_lkland","outcome":"UPHELD","facts":"f","basis":"b",)",
      R"("decision":"d"})");
  const std::string handler = stack_->Token({"handler"}, "off_h", "unit_lkland");
  HttpResponse o1 = Call("POST", "/v1/cases/" + c.case_id + "/opinions", opinion_body, handler);
  HttpResponse o2 = Call("POST", "/v1/cases/" + c.case_id + "/opinions", opinion_body, handler);
  ASSERT_EQ(o1.status, 200) << o1.body;
  ASSERT_EQ(o2.status, 200) << o2.body;
  const std::string opinion = JsonString(ParseJson(o1.body), "opinionId");
  EXPECT_EQ(JsonString(ParseJson(o2.body), "opinionId"), opinion);
  const std::string submit = "/v1/cases/" + c.case_id + "/opinions/" + opinion + ":submit";
  ASSERT_EQ(Call("POST", submit, R"({"requestId":"su-1"})", handler).status, 200);
  ASSERT_EQ(Call("POST", submit, R"({"requestId":"su-1"})", handler).status, 200);
  const std::string approve = "/v1/cases/" + c.case_id + "/opinions/" + opinion + ":approve";
  ASSERT_EQ(Call("POST", approve, R"({"requestId":"ap-1"})", Leader()).status, 200);
  ASSERT_EQ(Call("POST", approve, R"({"requestId":"ap-1"})", Leader()).status, 200);
  const std::string answer = absl::StrCat(R"({"requestId":"an-1","opinionId":")", opinion, "\"}");
  ASSERT_EQ(Step(c.case_id, "answer", answer, Leader()).status, 200);
  ASSERT_EQ(Step(c.case_id, "answer", answer, Leader()).status, 200);
  ASSERT_EQ(Step(c.case_id, "rate", R"({"requestId":"ra-1","rating":"SATISFIED"})", Clerk()).status,
            200);
  ASSERT_EQ(Step(c.case_id, "rate", R"({"requestId":"ra-1","rating":"SATISFIED"})", Clerk()).status,
            200);
  ASSERT_EQ(Step(c.case_id, "conclude", R"({"requestId":"co-1"})", Clerk()).status, 200);
  HttpResponse concluded = Step(c.case_id, "conclude", R"({"requestId":"co-1"})", Clerk());
  ASSERT_EQ(concluded.status, 200) << concluded.body;
  EXPECT_EQ(JsonString(ParseJson(concluded.body), "status"), "CONCLUDED");
  // An id used on one method is not another method's.
  ExpectError(Step(c.case_id, "withdraw", R"({"requestId":"co-1","reason":"r"})", Clerk()), 409,
              "ALREADY_EXISTS");

  // Register, accept, opinion, submission, approval, answer, rating,
  // conclusion: once each.
  auto steps =
      stack_->Query("SELECT count(*) FROM intake.case_steps WHERE case_id = '" + c.case_id + "'");
  ASSERT_TRUE(steps.ok()) << steps.status();
  EXPECT_EQ(*steps, "8");
  auto events =
      stack_->Query("SELECT count(*) FROM intake.outbox WHERE case_id = '" + c.case_id + "'");
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(*events, "8");

  // Declines and withdrawals too; a requestId too long is refused by name.
  const Registered other = Register();
  const std::string decline =
      R"({"requestId":"de-1","route":"LITIGATION","authority":"县人民法院","reason":"民事纠纷"})";
  ASSERT_EQ(Step(other.case_id, "decline", decline, Clerk()).status, 200);
  ASSERT_EQ(Step(other.case_id, "decline", decline, Clerk()).status, 200);
  HttpResponse long_id =
      Step(other.case_id, "withdraw",
           absl::StrCat(R"({"requestId":")", std::string(129, 'x'), R"(","reason":"r"})"), Clerk());
  ExpectError(long_id, 400, "INVALID_ARGUMENT");
  EXPECT_NE(long_id.body.find(R"("field":"requestId")"), std::string::npos) << long_id.body;
}

// Acceptance names units and a leader that scheduling's directory knows.
TEST_F(LookupTest, AcceptanceChecksTheDirectory) {
  const Registered c = Register();
  HttpResponse unknown = Step(
      c.case_id, "accept",
      R"({"handlingUnitIds":["unit_lkland","unit_nosuch"],"complexity":"SIMPLE","leaderId":"off_nosuch"})",
      Clerk());
  ExpectError(unknown, 400, "INVALID_ARGUMENT");
  EXPECT_NE(unknown.body.find(R"("field":"handlingUnitIds[1]")"), std::string::npos)
      << unknown.body;
  EXPECT_NE(unknown.body.find(R"("field":"leaderId")"), std::string::npos) << unknown.body;
  EXPECT_EQ(unknown.body.find(R"("field":"handlingUnitIds[0]")"), std::string::npos)
      << unknown.body;

  const Registered accepted = Register();
  Accept(accepted.case_id);

  // Without the directory, an acceptance cannot be checked: 503, nothing written.
  stack_->Stop("scheduling");
  ExpectError(
      Step(c.case_id, "accept",
           R"({"handlingUnitIds":["unit_lkland"],"complexity":"SIMPLE","leaderId":"off_lkleader"})",
           Clerk()),
      503, "UNAVAILABLE");
  // The public view still answers, saying which part it could not give.
  auto view = Lookup(accepted.code);
  EXPECT_EQ(JsonString(view, "status"), "ACCEPTED");
  EXPECT_EQ(First(view, "unavailable"), "handlingUnits");
  EXPECT_EQ(First(view, "handlingUnits"), "");
  ASSERT_TRUE(stack_->Restart("scheduling").ok());
  // Whole again once intake's channel has reconnected (its backoff is short).
  EXPECT_TRUE(Eventually([&] { return First(Lookup(accepted.code), "unavailable").empty(); }));
  auto status =
      stack_->Query("SELECT status FROM intake.cases WHERE case_id = '" + c.case_id + "'");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, "REGISTERED");
}

// Every intake list takes pageSize up to 500 (400 naming the field above)
// and pages with pageToken / nextPageToken.
TEST_F(LookupTest, ListsPageAndRefuseOversizedPages) {
  const Registered c = Register();
  Accept(c.case_id);  // three notices: acceptance, assignment to the unit, to the petitioner
  const std::string admin = stack_->Token({"admin"}, "off_admin");
  for (const std::string& list : {std::string("/v1/cases?pageSize=501"),
                                  absl::StrCat("/v1/cases/", c.case_id, "/documents?pageSize=501"),
                                  absl::StrCat("/v1/audit?caseId=", c.case_id, "&pageSize=501")}) {
    HttpResponse r = Call("GET", list, "", admin);
    ExpectError(r, 400, "INVALID_ARGUMENT");
    EXPECT_NE(r.body.find(R"("field":"pageSize")"), std::string::npos) << list << r.body;
  }
  EXPECT_EQ(Call("GET", "/v1/cases?pageSize=500", "", admin).status, 200);

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    HttpResponse r = Call("GET",
                          absl::StrCat("/v1/cases/", c.case_id, "/documents?pageSize=2",
                                       token.empty() ? "" : "&pageToken=" + token),
                          "", Clerk());
    ASSERT_EQ(r.status, 200) << r.body;
    auto json = ParseJson(r.body);
    for (const auto& d : json.fields().at("documents").list_value().values()) {
      seen.push_back(d.struct_value().fields().at("documentId").string_value());
    }
    token = JsonString(json, "nextPageToken");
    ASSERT_LT(++pages, 5);
  } while (!token.empty());
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 3u);
  ExpectError(Call("GET", "/v1/cases/" + c.case_id + "/documents?pageToken=bogus", "", Clerk()),
              400, "INVALID_ARGUMENT");
}

// Every channel registers, answers by its name and counts in the view alike.
TEST_F(LookupTest, EveryChannelRegisters) {
  for (const char* channel : {"VISIT", "LETTER", "CALL", "ONLINE", "FAX"}) {
    const Registered c = Register(channel);
    ASSERT_FALSE(c.case_id.empty()) << channel;
    HttpResponse got = Call("GET", "/v1/cases/" + c.case_id, "", Clerk());
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(JsonString(ParseJson(got.body), "channel"), channel);
    EXPECT_EQ(JsonString(Lookup(c.code), "status"), "REGISTERED") << channel;
  }
  HttpResponse none = Call("POST", "/v1/cases",
                           R"({"category":"OTHER","subject":"s","content":"c",
                               "petitioners":[{"name":"王五","idNumber":"11010519491231002X"}]})",
                           Clerk());
  ExpectError(none, 400, "INVALID_ARGUMENT");
  EXPECT_NE(none.body.find(R"("field":"channel")"), std::string::npos) << none.body;
}

// 集体访: five or more people elect at most five representatives; the
// view shows neither how many came nor who.
TEST_F(LookupTest, ACollectiveVisit) {
  const std::string reps =
      absl::StrCat(R"([{"name":"赵一","idNumber":"11010519491231002X","phone":"13800000001"},)",
                   R"({"name":"钱二","idNumber":"110105198001010024"},)",
                   R"({"name":"孙三","idNumber":"11010519491231002X"}])");
  HttpResponse r =
      Call("POST", "/v1/cases",
           absl::StrCat(R"({"channel":"VISIT","category":"RIGHTS_INFRINGEMENT",)",
                        R"("subject":"征地补偿标准","content":"三十户村民联名反映。",)",
                        R"("headcount":30,"petitioners":)", reps, "}"),
           Clerk());
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = ParseJson(r.body);
  EXPECT_TRUE(c.fields().at("collective").bool_value());
  EXPECT_EQ(c.fields().at("headcount").number_value(), 30);
  HttpResponse view = Call("GET", "/v1/lookup/" + JsonString(c, "queryCode"));
  ASSERT_EQ(view.status, 200) << view.body;
  // The headcount as a value (":30"), not any "30": the received date may hold one (2030-…).
  for (const char* secret : {"赵一", "钱二", "孙三", ":30", "headcount", "三十户", "征地"}) {
    EXPECT_EQ(view.body.find(secret), std::string::npos) << secret << " in " << view.body;
  }

  // Six representatives are one too many; fewer people than petitioners is impossible.
  std::string six = "[";
  for (int i = 0; i < 6; ++i) {
    absl::StrAppend(&six, i ? "," : "", R"({"name":"代表","idNumber":"11010519491231002X"})");
  }
  six += "]";
  HttpResponse too_many =
      Call("POST", "/v1/cases",
           absl::StrCat(R"({"channel":"VISIT","category":"OTHER","subject":"s","content":"c",)",
                        R"("headcount":40,"petitioners":)", six, "}"),
           Clerk());
  ExpectError(too_many, 400, "INVALID_ARGUMENT");
  EXPECT_NE(too_many.body.find(R"("field":"petitioners")"), std::string::npos) << too_many.body;
  HttpResponse fewer =
      Call("POST", "/v1/cases",
           absl::StrCat(R"({"channel":"VISIT","category":"OTHER","subject":"s","content":"c",)",
                        R"("headcount":2,"petitioners":)", reps, "}"),
           Clerk());
  ExpectError(fewer, 400, "INVALID_ARGUMENT");
  EXPECT_NE(fewer.body.find(R"("field":"headcount")"), std::string::npos) << fewer.body;
}

// Bad input is refused naming each field (never echoing a value), and writes nothing.
TEST_F(LookupTest, ValidationNamesEveryField) {
  auto fields = [](const HttpResponse& r) {
    std::set<std::string> out;
    auto json = ParseJson(r.body);
    const auto& error = json.fields().at("error").struct_value();
    auto it = error.fields().find("details");
    if (it == error.fields().end()) return out;
    for (const auto& d : it->second.list_value().values()) {
      out.insert(d.struct_value().fields().at("field").string_value());
    }
    return out;
  };
  HttpResponse bad = Call("POST", "/v1/cases",
                          R"({"channel":"LETTER","subject":"s","content":"c","petitioners":[
          {"name":"","idNumber":"110105194912310021","phone":"x"},
          {"name":"李四","idNumber":"11010519491231002X","phone":"abc"}]})",
                          Clerk());
  ExpectError(bad, 400, "INVALID_ARGUMENT");
  EXPECT_EQ(fields(bad),
            (std::set<std::string>{"category", "petitioners[0].name", "petitioners[0].idNumber",
                                   "petitioners[0].phone", "petitioners[1].phone"}))
      << bad.body;
  EXPECT_EQ(bad.body.find("110105194912310021"), std::string::npos) << "never the value";

  const Registered c = Register();
  HttpResponse decline = Step(c.case_id, "decline", R"({"reason":"r"})", Clerk());
  ExpectError(decline, 400, "INVALID_ARGUMENT");
  EXPECT_EQ(fields(decline), (std::set<std::string>{"route", "authority"})) << decline.body;
  HttpResponse accept = Step(c.case_id, "accept", R"({"handlingUnitIds":["bad id"]})", Clerk());
  EXPECT_EQ(fields(accept), (std::set<std::string>{"handlingUnitIds[0]", "complexity", "leaderId"}))
      << accept.body;
  HttpResponse withdraw = Step(c.case_id, "withdraw", "{}", Clerk());
  EXPECT_EQ(fields(withdraw), (std::set<std::string>{"reason"})) << withdraw.body;
  Accept(c.case_id);
  HttpResponse opinion =
      Call("POST", "/v1/cases/" + c.case_id + "/opinions", R"({"unitId":"unit_lkland"})", Clerk());
  EXPECT_EQ(fields(opinion), (std::set<std::string>{"outcome", "facts", "basis", "decision"}))
      << opinion.body;
  HttpResponse rate = Step(c.case_id, "rate", R"({"rating":"RATING_UNSPECIFIED"})", Clerk());
  EXPECT_EQ(fields(rate), (std::set<std::string>{"rating"})) << rate.body;
  auto status =
      stack_->Query("SELECT status FROM intake.cases WHERE case_id = '" + c.case_id + "'");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, "ACCEPTED");
}

}  // namespace
}  // namespace petition::testing
