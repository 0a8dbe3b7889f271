#include "services/gateway/json_check.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "petition/v1/intake.pb.h"
#include "petition/v1/scheduling.pb.h"

namespace petition::gateway {
namespace {

using ::petition::intake::v1::RegisterCaseRequest;
using ::petition::scheduling::v1::PutCalendarRequest;
using ::testing::HasSubstr;
using ::testing::Not;

// "field: reason" of the single violation, or the message when there is none.
std::string Problem(const absl::Status& status) {
  if (status.ok()) return "OK";
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  v1::ErrorDetails details = GetErrorDetails(status);
  if (details.violations_size() == 0) return std::string(status.message());
  EXPECT_EQ(details.violations_size(), 1);
  return details.violations(0).field() + ": " + details.violations(0).reason();
}

std::string Check(const std::string& json) {
  return Problem(CheckJsonMessage(json, RegisterCaseRequest::descriptor()));
}

TEST(JsonCheckTest, AcceptsAWellFormedRequest) {
  EXPECT_EQ(Check(R"({"requestId":"r1","channel":"VISIT","receivedAt":"2026-09-16T02:00:00Z",
    "category":"RIGHTS_INFRINGEMENT","subject":"宅基地纠纷 \"引号\" \\ \/ \n \u4e2d",
    "petitioners":[{"name":"张三","id_number":"11010519491231002X"}],"headcount":3,
    "urgent":false,"reportedUnitIds":["u1"],"repeatOfCaseIds":null, "content": null})"),
            "OK");
  EXPECT_EQ(Check("{}"), "OK");
  EXPECT_EQ(Check(R"({"headcount":"7"})"), "OK");  // protobuf's JSON takes integers as strings
}

TEST(JsonCheckTest, ANulCharacterIsRefusedNamingTheField) {
  EXPECT_EQ(Check(R"({"subject":"前缀\u0000后缀"})"),
            "subject: must not contain the NUL character");
  EXPECT_EQ(Check(std::string("{\"subject\":\"前缀\0后缀\"}", 25)),
            "subject: must not contain the NUL character");
  EXPECT_EQ(Check(R"({"petitioners":[{"name":"a"},{"name":"b\u0000"}]})"),
            "petitioners[1].name: must not contain the NUL character");
  // In a well-known type too.
  EXPECT_EQ(Check(R"({"receivedAt":"2026\u0000"})"),
            "receivedAt: must not contain the NUL character");
}

TEST(JsonCheckTest, OtherRawControlCharactersAreNotJson) {
  EXPECT_EQ(Check("{\"subject\":\"a\x01\"}"), "subject: body is not valid JSON here");
}

TEST(JsonCheckTest, FreeTextHoldsTabsAndLineBreaksButNoOtherControl) {
  EXPECT_EQ(Check(R"({"content":"第一行\n第二行\r\n\t缩进"})"), "OK");
  const std::string refused = "must not contain control characters (tab and line breaks aside)";
  for (const std::string& bad :
       {std::string(R"(\u0001)"), std::string(R"(\u001b[31m)"), std::string(R"(\b)"),
        std::string(R"(\f)"), std::string(R"(\u007f)"), std::string(R"(\u0085)"),
        std::string("\x7f"), std::string("\xc2\x85")}) {
    EXPECT_EQ(Check(absl::StrCat(R"({"subject":"名)", bad, R"("})")),
              absl::StrCat("subject: ", refused))
        << bad;
  }
  // Where a calendar's names come from, too.
  EXPECT_EQ(Problem(CheckJsonMessage(R"({"holidays":[{"date":"2026-10-01","name":"国庆\u0007"}]})",
                                     PutCalendarRequest::descriptor())),
            absl::StrCat("holidays[0].name: ", refused));
  // Not C1 look-alikes: U+00A0 and beyond are text.
  EXPECT_EQ(Check("{\"subject\":\"a\xc2\xa0"
                  "b\"}"),
            "OK");
}

TEST(JsonCheckTest, EnumsAreGivenByKnownNameOtherThanUnspecified) {
  for (const char* bad :
       {"99", "-1", "0", "1", "\"CHANNEL_UNSPECIFIED\"", "\"visit\"", "\"\"", "true", "{}"}) {
    std::string problem = Check(absl::StrCat(R"({"channel":)", bad, "}"));
    EXPECT_THAT(problem, HasSubstr("channel: must be one of VISIT, LETTER, CALL, ONLINE, FAX"))
        << bad;
    EXPECT_THAT(problem, Not(HasSubstr("UNSPECIFIED"))) << bad;
  }
  EXPECT_EQ(Check(R"({"channel":"VISIT"})"), "OK");
}

TEST(JsonCheckTest, WrongTypesNameTheFieldAndTheRuleNotTheValue) {
  EXPECT_EQ(Check(R"({"subject":13800138000})"), "subject: must be a JSON string");
  EXPECT_EQ(Check(R"({"headcount":"13800138000"})"), "headcount: out of range for int32");
  EXPECT_EQ(Check(R"({"headcount":1.5})"), "headcount: must be an integer");
  EXPECT_EQ(Check(R"({"urgent":"yes"})"), "urgent: must be true or false");
  EXPECT_EQ(Check(R"({"petitioners":{"name":"x"}})"), "petitioners: must be a JSON array");
  EXPECT_EQ(Check(R"({"petitioners":["13800138000"]})"), "petitioners[0]: must be a JSON object");
  EXPECT_EQ(Check(R"({"petitioners":[{"phone":"1","mobile":"13800138000"}]})"),
            "petitioners[0].mobile: unknown field");
  EXPECT_EQ(Check(R"({"电话":"13800138000"})"), "body: holds an unknown field");
}

TEST(JsonCheckTest, SyntaxErrorsSayWhereWithoutQuoting) {
  EXPECT_EQ(Check(R"({"subject":"13800138000)"), "subject: body is not valid JSON here");
  EXPECT_EQ(Check(R"({"subject":"x",})"), "body is not valid JSON");
  EXPECT_EQ(Check(R"({"subject":"x"} trailing)"), "body is not valid JSON");
  EXPECT_EQ(Check("13800138000"), "body is not valid JSON");
  EXPECT_EQ(Check(R"({"petitioners":[{"name":"x"})"), "petitioners: body is not valid JSON here");
  std::string deep = std::string(200, '[');
  EXPECT_THAT(Check(absl::StrCat(R"({"receivedAt":)", deep, "}")), HasSubstr("nested too deeply"));
}

TEST(JsonCheckTest, ABodyBoundToOneField) {
  const google::protobuf::FieldDescriptor* holidays =
      PutCalendarRequest::descriptor()->FindFieldByName("holidays");
  ASSERT_NE(holidays, nullptr);
  EXPECT_EQ(Problem(CheckJsonField(R"([{"date":"2026-01-01","name":"元旦"}])", holidays)), "OK");
  EXPECT_EQ(Problem(CheckJsonField(R"([{"date":"2026-01-01","name":"元\u0000旦"}])", holidays)),
            "holidays[0].name: must not contain the NUL character");
}

// One pass fills the request exactly as protobuf's parser would from the
// same body; where it declines, the caller falls back to that parser.
::testing::AssertionResult FillsLikeProtobuf(const std::string& json,
                                             const google::protobuf::Message& prototype,
                                             bool expect_filled = true) {
  std::unique_ptr<google::protobuf::Message> ours(prototype.New());
  absl::StatusOr<bool> filled = ParseJsonMessage(json, ours.get());
  if (!filled.ok()) return ::testing::AssertionFailure() << filled.status();
  if (*filled != expect_filled) {
    return ::testing::AssertionFailure() << "filled " << *filled << " for " << json;
  }
  if (!*filled) return ::testing::AssertionSuccess();
  std::unique_ptr<google::protobuf::Message> theirs(prototype.New());
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(json, theirs.get(), options);
  if (!status.ok()) return ::testing::AssertionFailure() << "protobuf refused " << json;
  if (!google::protobuf::util::MessageDifferencer::Equals(*ours, *theirs)) {
    return ::testing::AssertionFailure()
           << "ours " << ours->ShortDebugString() << " theirs " << theirs->ShortDebugString();
  }
  return ::testing::AssertionSuccess();
}

TEST(JsonCheckTest, FillsTheRequestAsProtobufWould) {
  const RegisterCaseRequest prototype;
  EXPECT_TRUE(FillsLikeProtobuf(R"({"requestId":"r1","channel":"VISIT",
    "receivedAt":"2026-09-16T02:00:00.123+08:00","category":"RIGHTS_INFRINGEMENT",
    "subject":"宅基地纠纷 \"引号\" \\ \/ \n\t\r \u4e2d \ud83d\ude00 é",
    "petitioners":[{"name":"张三","id_number":"11010519491231002X"},{"name":"李四"}],
    "headcount":3,"urgent":true,"reportedUnitIds":["u1","u2"],"repeatOfCaseIds":null,
    "content": null})",
                                prototype));
  EXPECT_TRUE(FillsLikeProtobuf(R"({"headcount":"12","urgent":false})", prototype));
  EXPECT_TRUE(FillsLikeProtobuf("{}", prototype));
  EXPECT_TRUE(FillsLikeProtobuf(R"(  {"subject" : "a" , "content":"b"}  )", prototype));
  // Declined: a key given twice, a lone surrogate, a null element.
  EXPECT_TRUE(FillsLikeProtobuf(R"({"subject":"a","subject":"b"})", prototype, false));
  EXPECT_TRUE(FillsLikeProtobuf(R"({"subject":"\ud83d"})", prototype, false));
  EXPECT_TRUE(FillsLikeProtobuf(R"({"reportedUnitIds":[null]})", prototype, false));
  const PutCalendarRequest calendar;
  EXPECT_TRUE(FillsLikeProtobuf(R"({"year":2026,"holidays":[]})", calendar));
}

TEST(JsonCheckTest, AFilledRequestStillGetsEveryCheck) {
  RegisterCaseRequest request;
  absl::StatusOr<bool> filled = ParseJsonMessage(R"({"channel":1})", &request);
  ASSERT_FALSE(filled.ok());
  EXPECT_THAT(Problem(filled.status()), HasSubstr("channel: must be one of"));
  filled = ParseJsonMessage(R"({"subject":"a\u0000b"})", &request);
  ASSERT_FALSE(filled.ok());
  EXPECT_THAT(Problem(filled.status()), HasSubstr("NUL"));
}

}  // namespace
}  // namespace petition::gateway
