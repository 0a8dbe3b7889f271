// Hostile input at the real gateway, in front of the real services and
// PostgreSQL: refused with 400 naming the field (415 for a JSON body not sent
// as JSON), nothing stored, and no error body carrying request values or
// backend internals.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tests/support/http_client.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kVisit[] = R"({
  "requestId": "REQ",
  "channel": CHANNEL,
  "receivedAt": "2026-09-16T02:00:00Z",
  "category": "RIGHTS_INFRINGEMENT",
  "subject": SUBJECT,
  "content": "邻居占用宅基地，请求镇里协调处理。",
  "petitioners": [{"name": "张三", "idNumber": "11010519491231002X",
                   "phone": "13800138000", "address": "长乐镇东村三组12号"}]
})";

std::string Visit(const std::string& request_id, const std::string& channel,
                  const std::string& subject) {
  return absl::StrReplaceAll(kVisit,
                             {{"REQ", request_id}, {"CHANNEL", channel}, {"SUBJECT", subject}});
}

class GatewayInputTest : public StackTest<GatewayInputTest> {
 public:
  static constexpr char kStackName[] = "gateway_input";

 protected:
  HttpResponse Post(const std::string& body) {
    auto r = stack_->Call("POST", "/v1/cases", body, stack_->Token({"clerk"}, "off_clerk1"));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }
  std::string Cases() { return stack_->Query("SELECT count(*) FROM intake.cases").value_or("?"); }

  void ExpectFieldError(const HttpResponse& r, const std::string& field) {
    EXPECT_EQ(r.status, 400) << r.body;
    auto json = ParseJson(r.body);
    EXPECT_EQ(JsonString(json, "error.code"), "INVALID_ARGUMENT") << r.body;
    EXPECT_NE(r.body.find(absl::StrCat(R"("field":")", field, R"(")")), std::string::npos)
        << r.body;
    EXPECT_EQ(r.body.find("13800138000"), std::string::npos) << r.body;
  }
};

TEST_F(GatewayInputTest, TextWithANulCharacterIsRefusedNotCut) {
  const std::string before = Cases();
  ExpectFieldError(Post(Visit("nul-1", R"("VISIT")", R"("前缀\u0000后缀")")), "subject");
  ExpectFieldError(Post(Visit("nul-2", R"("VISIT")", std::string("\"前缀\0后缀\"", 16))),
                   "subject");
  EXPECT_EQ(Cases(), before);
  // The same text without the NUL is stored whole.
  HttpResponse ok = Post(Visit("nul-3", R"("VISIT")", R"("前缀后缀")"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find(R"("subject":"前缀后缀")"), std::string::npos) << ok.body;
}

TEST_F(GatewayInputTest, EnumsByNameOnly) {
  const std::string before = Cases();
  int n = 0;
  for (const char* channel : {"99", "-1", "0", "1", R"("CHANNEL_UNSPECIFIED")", R"("visit")"}) {
    SCOPED_TRACE(channel);
    ExpectFieldError(Post(Visit(absl::StrCat("enum-", ++n), channel, R"("宅基地纠纷")")),
                     "channel");
  }
  EXPECT_EQ(Cases(), before);
}

TEST_F(GatewayInputTest, BodiesThatDoNotFitAreNotQuotedBack) {
  ExpectFieldError(Post(R"({"requestId":"q-1","petitioners":[{"phone":13800138000}]})"),
                   "petitioners[0].phone");
  ExpectFieldError(Post(R"({"requestId":"q-2","receivedAt":"13800138000"})"), "receivedAt");
}

// What `curl -d` without -H 'Content-Type: application/json' sends, and the
// like: 415, and no case.
TEST_F(GatewayInputTest, AJsonBodyNotSentAsJsonIs415AndWritesNothing) {
  const std::string before = Cases();
  const std::string body = Visit("ctype-1", R"("VISIT")", R"("宅基地纠纷")");
  const std::string token = "Bearer " + stack_->Token({"clerk"}, "off_clerk1");
  for (const char* type :
       {"application/x-www-form-urlencoded", "text/plain", "application/json; charset=gbk", ""}) {
    SCOPED_TRACE(type);
    auto r = HttpRequest(stack_->http_port(), "POST", "/v1/cases", body,
                         {{"Authorization", token}, {"Content-Type", type}});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 415) << r->body;
    EXPECT_EQ(JsonString(ParseJson(r->body), "error.code"), "UNSUPPORTED_MEDIA_TYPE") << r->body;
    EXPECT_EQ(r->headers["accept-post"], "application/json");
    EXPECT_EQ(r->headers["content-type"], "application/json");
    EXPECT_EQ(r->body.find("13800138000"), std::string::npos) << r->body;
  }
  EXPECT_EQ(Cases(), before);
  EXPECT_EQ(
      stack_->Query("SELECT count(*) FROM intake.cases WHERE request_id = 'ctype-1'").value_or("?"),
      "0");
  // The same request sent as JSON (upper case, with its charset) registers the case: the
  // refused ones left no trace of their request id either.
  auto ok =
      HttpRequest(stack_->http_port(), "POST", "/v1/cases", body,
                  {{"Authorization", token}, {"Content-Type", "Application/JSON; charset=UTF-8"}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->status, 200) << ok->body;
  const std::string case_id = JsonString(ParseJson(ok->body), "caseId");
  // An action without a body needs no Content-Type: routed to the service, whatever it answers.
  auto bare =
      HttpRequest(stack_->http_port(), "POST", absl::StrCat("/v1/cases/", case_id, ":conclude"), "",
                  {{"Authorization", token}, {"Content-Type", ""}});
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_NE(bare->status, 415) << bare->body;
  EXPECT_NE(JsonString(ParseJson(bare->body), "error.code"), "UNSUPPORTED_MEDIA_TYPE")
      << bare->body;
}

TEST_F(GatewayInputTest, AnUnavailableServiceIsNotDescribedToTheClient) {
  stack_->Stop("intake");  // the next test's SetUp starts it again
  HttpResponse r = Post(Visit("down-1", R"("VISIT")", R"("宅基地纠纷")"));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.body.find("127.0.0.1"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("ipv4"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("request id " + r.headers["x-request-id"]), std::string::npos) << r.body;
}

}  // namespace
}  // namespace petition::testing
