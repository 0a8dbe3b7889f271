#include "services/gateway/transcoder.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "petition/v1/http.pb.h"
#include "petition/v1/http_body.pb.h"
#include "petition/v1/intake.pb.h"
#include "petition/v1/scheduling.pb.h"

namespace petition::gateway {
namespace {

using ::petition::intake::v1::Case;
using ::petition::intake::v1::GetCaseRequest;
using ::petition::intake::v1::RegisterCaseRequest;
using ::petition::scheduling::v1::AddWorkingDaysRequest;
using ::petition::scheduling::v1::AddWorkingDaysResponse;
using ::petition::scheduling::v1::Calendar;
using ::petition::scheduling::v1::CalendarDay;
using ::petition::scheduling::v1::PutCalendarRequest;
using ::testing::HasSubstr;
using ::testing::Not;

Transcoder MakeTranscoder(const google::protobuf::Descriptor* input, absl::string_view body,
                          const std::vector<std::string>& variables = {}) {
  absl::StatusOr<Transcoder> transcoder = Transcoder::Create(input, body, variables);
  EXPECT_TRUE(transcoder.ok()) << transcoder.status();
  return *std::move(transcoder);
}

// The single field violation of an INVALID_ARGUMENT, as "field: reason".
std::string OnlyViolation(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  v1::ErrorDetails details = GetErrorDetails(status);
  EXPECT_EQ(details.violations_size(), 1) << status;
  if (details.violations_size() != 1) return "";
  return details.violations(0).field() + ": " + details.violations(0).reason();
}

TEST(TranscoderTest, QueryParametersFillScalarFields) {
  Transcoder transcoder = MakeTranscoder(AddWorkingDaysRequest::descriptor(), "");
  AddWorkingDaysRequest request;
  ASSERT_TRUE(transcoder.ToRequest("", "from=2026-01-01&days=3", {}, &request).ok());
  EXPECT_EQ(request.from(), "2026-01-01");
  EXPECT_EQ(request.days(), 3);
}

TEST(TranscoderTest, QueryValuesArePercentDecoded) {
  Transcoder transcoder = MakeTranscoder(CalendarDay::descriptor(), "");
  CalendarDay day;
  ASSERT_TRUE(
      transcoder.ToRequest("", "name=%E5%85%83%E6%97%A6+x&date=2026%2D01%2D01", {}, &day).ok());
  EXPECT_EQ(day.name(), "元旦 x");
  EXPECT_EQ(day.date(), "2026-01-01");
}

TEST(TranscoderTest, PathVariableOverridesTheBody) {
  Transcoder transcoder = MakeTranscoder(PutCalendarRequest::descriptor(), "*", {"year"});
  PutCalendarRequest request;
  absl::Status status = transcoder.ToRequest(
      R"({"year": 1999, "holidays": [{"date": "2026-01-01", "name": "元旦"}],
          "makeupWorkdays": [{"date": "2026-01-04"}], "requestId": "r1"})",
      "", {{"year", "2026"}}, &request);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(request.year(), 2026);
  ASSERT_EQ(request.holidays_size(), 1);
  EXPECT_EQ(request.holidays(0).name(), "元旦");
  ASSERT_EQ(request.makeup_workdays_size(), 1);
  EXPECT_EQ(request.request_id(), "r1");
}

TEST(TranscoderTest, BodyFieldTakesTheJsonOfThatField) {
  Transcoder transcoder = MakeTranscoder(PutCalendarRequest::descriptor(), "holidays", {"year"});
  PutCalendarRequest request;
  absl::Status status = transcoder.ToRequest(R"([{"date":"2026-10-01","name":"国庆"}])",
                                             "requestId=r9", {{"year", "2026"}}, &request);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(request.year(), 2026);
  ASSERT_EQ(request.holidays_size(), 1);
  EXPECT_EQ(request.holidays(0).date(), "2026-10-01");
  EXPECT_EQ(request.request_id(), "r9");
  // The body field cannot come from the query as well.
  request.Clear();
  EXPECT_THAT(OnlyViolation(transcoder.ToRequest("", "holidays=x", {}, &request)),
              HasSubstr("holidays: "));
}

TEST(TranscoderTest, UnknownQueryParameterIsAFieldViolation) {
  Transcoder transcoder = MakeTranscoder(AddWorkingDaysRequest::descriptor(), "");
  AddWorkingDaysRequest request;
  EXPECT_EQ(OnlyViolation(transcoder.ToRequest("", "from=2026-01-01&bogus=1", {}, &request)),
            "bogus: unknown query parameter");
}

TEST(TranscoderTest, BadIntegerIsAFieldViolation) {
  Transcoder transcoder = MakeTranscoder(AddWorkingDaysRequest::descriptor(), "");
  AddWorkingDaysRequest request;
  EXPECT_EQ(OnlyViolation(transcoder.ToRequest("", "days=three", {}, &request)),
            "days: must be an int32");  // the value is not echoed
  EXPECT_EQ(OnlyViolation(transcoder.ToRequest("", "days=99999999999", {}, &request)),
            "days: must be an int32");
}

TEST(TranscoderTest, BadPathVariableIsAFieldViolation) {
  Transcoder transcoder = MakeTranscoder(PutCalendarRequest::descriptor(), "*", {"year"});
  PutCalendarRequest request;
  EXPECT_THAT(OnlyViolation(transcoder.ToRequest("", "", {{"year", "20x6"}}, &request)),
              HasSubstr("year: must be an int32"));
}

TEST(TranscoderTest, StringValuesMustBeUtf8) {
  // "/v1/cases/%ff%00" percent-decodes to bytes no string field may hold.
  Transcoder transcoder = MakeTranscoder(GetCaseRequest::descriptor(), "", {"case_id"});
  GetCaseRequest request;
  EXPECT_EQ(OnlyViolation(transcoder.ToRequest("", "", {{"case_id", "\xff\x00"}}, &request)),
            "caseId: must be UTF-8 text");
  EXPECT_TRUE(transcoder.ToRequest("", "", {{"case_id", "case_张"}}, &request).ok());
  EXPECT_EQ(request.case_id(), "case_张");
}

TEST(TranscoderTest, EnumsByName) {
  Transcoder transcoder = MakeTranscoder(CalendarDay::descriptor(), "");
  CalendarDay day;
  ASSERT_TRUE(transcoder.ToRequest("", "kind=HOLIDAY&working=true", {}, &day).ok());
  EXPECT_EQ(day.kind(), scheduling::v1::HOLIDAY);
  EXPECT_TRUE(day.working());
  EXPECT_EQ(OnlyViolation(transcoder.ToRequest("", "kind=holiday", {}, &day)),
            "kind: must be one of WEEKDAY, WEEKEND, HOLIDAY, MAKEUP_WORKDAY");
  // By name only; the zero value means absent and is refused when given.
  for (const char* bad : {"3", "99", "-1", "0", "DAY_KIND_UNSPECIFIED"}) {
    EXPECT_EQ(OnlyViolation(transcoder.ToRequest("", absl::StrCat("kind=", bad), {}, &day)),
              "kind: must be one of WEEKDAY, WEEKEND, HOLIDAY, MAKEUP_WORKDAY")
        << bad;
  }
  EXPECT_THAT(OnlyViolation(transcoder.ToRequest("", "working=maybe", {}, &day)),
              HasSubstr("working: must be true or false"));
}

TEST(TranscoderTest, ProtoAndJsonNamesAndRepeatedKeys) {
  Transcoder transcoder = MakeTranscoder(Case::descriptor(), "");
  Case c;
  ASSERT_TRUE(transcoder
                  .ToRequest("",
                             "reportedUnitIds=u1&reported_unit_ids=u2&headcount=7&status=ACCEPTED",
                             {}, &c)
                  .ok());
  EXPECT_THAT(c.reported_unit_ids(), ::testing::ElementsAre("u1", "u2"));
  EXPECT_EQ(c.headcount(), 7);
  EXPECT_EQ(c.status(), intake::v1::ACCEPTED);
  // A singular field given twice is ambiguous.
  EXPECT_EQ(OnlyViolation(transcoder.ToRequest("", "headcount=1&headcount=2", {}, &c)),
            "headcount: given more than once");
}

TEST(TranscoderTest, RepeatedEnumsAndIntegersFromRepeatedKeys) {
  Transcoder transcoder = MakeTranscoder(scheduling::v1::Recurrence::descriptor(), "");
  scheduling::v1::Recurrence r;
  ASSERT_TRUE(transcoder
                  .ToRequest("",
                             "weekly.weekdays=MONDAY&weekly.weekdays=FRIDAY&monthly.days=1&"
                             "monthly.days=31",
                             {}, &r)
                  .ok());
  EXPECT_THAT(r.weekly().weekdays(),
              ::testing::ElementsAre(scheduling::v1::MONDAY, scheduling::v1::FRIDAY));
  EXPECT_THAT(r.monthly().days(), ::testing::ElementsAre(1, 31));
  // Each value is checked; the zero value is refused as for a single enum.
  r.Clear();
  EXPECT_THAT(OnlyViolation(transcoder.ToRequest(
                  "", "weekly.weekdays=MONDAY&weekly.weekdays=DAY_OF_WEEK_UNSPECIFIED", {}, &r)),
              HasSubstr("weekly.weekdays: must be one of MONDAY"));
  r.Clear();
  EXPECT_THAT(OnlyViolation(transcoder.ToRequest("", "monthly.days=1&monthly.days=x", {}, &r)),
              HasSubstr("monthly.days: must be an int32"));
}

TEST(TranscoderTest, WellKnownTypesAndNestedFieldsFromTheQuery) {
  Transcoder transcoder = MakeTranscoder(Case::descriptor(), "");
  Case c;
  absl::Status status = transcoder.ToRequest(
      "", "receivedAt=2026-01-01T00:00:00Z&createdAt.seconds=5&updated_at.nanos=7", {}, &c);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(c.received_at().seconds(), 1767225600);
  EXPECT_EQ(c.created_at().seconds(), 5);
  EXPECT_EQ(c.updated_at().nanos(), 7);
  EXPECT_THAT(OnlyViolation(transcoder.ToRequest("", "receivedAt=yesterday", {}, &c)),
              HasSubstr("receivedAt: must be a valid google.protobuf.Timestamp"));
  EXPECT_EQ(OnlyViolation(transcoder.ToRequest("", "createdAt.bogus=1", {}, &c)),
            "createdAt.bogus: unknown query parameter");
}

TEST(TranscoderTest, PathBoundFieldsCannotComeFromTheQuery) {
  Transcoder transcoder = MakeTranscoder(GetCaseRequest::descriptor(), "", {"case_id"});
  GetCaseRequest request;
  ASSERT_TRUE(transcoder.ToRequest("", "", {{"case_id", "case_1"}}, &request).ok());
  EXPECT_EQ(request.case_id(), "case_1");
  EXPECT_THAT(OnlyViolation(transcoder.ToRequest("", "caseId=x", {{"case_id", "c"}}, &request)),
              HasSubstr("caseId: this field comes from the path"));
}

TEST(TranscoderTest, WholeBodyMethodsTakeNoQueryParameters) {
  Transcoder transcoder = MakeTranscoder(PutCalendarRequest::descriptor(), "*", {"year"});
  PutCalendarRequest request;
  EXPECT_THAT(OnlyViolation(transcoder.ToRequest("{}", "requestId=x", {}, &request)),
              HasSubstr("requestId: "));
}

TEST(TranscoderTest, MalformedJsonIsInvalidArgument) {
  Transcoder transcoder = MakeTranscoder(PutCalendarRequest::descriptor(), "*", {"year"});
  PutCalendarRequest request;
  absl::Status status = transcoder.ToRequest("{\"holidays\": [", "", {}, &request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("body is not valid JSON"));
  // Unknown fields are not ignored.
  status = transcoder.ToRequest(R"({"holidayz": []})", "", {}, &request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  // Wrong types are not coerced.
  status = transcoder.ToRequest(R"({"holidays": "2026-01-01"})", "", {}, &request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(TranscoderTest, BodyErrorsNeverQuoteTheRequest) {
  Transcoder transcoder = MakeTranscoder(RegisterCaseRequest::descriptor(), "*");
  RegisterCaseRequest request;
  // protobuf's own parser would quote these; the messages here name the field only.
  for (const char* body :
       {R"({"receivedAt":"13800138000"})", R"({"subject":13800138000})",
        R"({"petitioners":[{"phone":13800138000}]})", R"({"13800138000":1})",
        R"({"subject":"13800138000)", R"({"receivedAt":{"seconds":"13800138000x"}})"}) {
    absl::Status status = transcoder.ToRequest(body, "", {}, &request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_THAT(ErrorJson(status), Not(HasSubstr("13800138000"))) << body << " -> " << status;
  }
  // The path protobuf reports comes back in JSON names.
  absl::Status status = transcoder.ToRequest(R"({"receivedAt":"13800138000"})", "", {}, &request);
  EXPECT_EQ(OnlyViolation(status),
            "receivedAt: body is not valid JSON for petition.intake.v1.RegisterCaseRequest");
}

TEST(TranscoderTest, NulInABodyOrQueryStringIsRefused) {
  Transcoder transcoder = MakeTranscoder(RegisterCaseRequest::descriptor(), "*");
  RegisterCaseRequest request;
  EXPECT_EQ(
      OnlyViolation(transcoder.ToRequest(R"({"subject":"前缀\u0000后缀"})", "", {}, &request)),
      "subject: must not contain the NUL character");
  EXPECT_EQ(request.subject(), "");
  Transcoder query = MakeTranscoder(CalendarDay::descriptor(), "");
  CalendarDay day;
  EXPECT_EQ(OnlyViolation(query.ToRequest("", "name=a%00b", {}, &day)),
            "name: must not contain the NUL character");
}

TEST(TranscoderTest, NumericEnumsInABodyAreRefused) {
  Transcoder transcoder = MakeTranscoder(RegisterCaseRequest::descriptor(), "*");
  RegisterCaseRequest request;
  for (const char* channel : {"99", "-1", "0", "1", "\"CHANNEL_UNSPECIFIED\""}) {
    EXPECT_THAT(OnlyViolation(transcoder.ToRequest(absl::StrCat(R"({"channel":)", channel, "}"), "",
                                                   {}, &request)),
                HasSubstr("channel: must be one of VISIT"))
        << channel;
  }
}

TEST(TranscoderTest, EmptyBodyIsAnEmptyMessage) {
  Transcoder transcoder = MakeTranscoder(PutCalendarRequest::descriptor(), "*", {"year"});
  PutCalendarRequest request;
  ASSERT_TRUE(transcoder.ToRequest(" \r\n", "", {{"year", "2027"}}, &request).ok());
  EXPECT_EQ(request.year(), 2027);
  EXPECT_EQ(request.holidays_size(), 0);
}

TEST(TranscoderTest, BodyOnAMethodWithoutBodyIsAnError) {
  Transcoder transcoder = MakeTranscoder(AddWorkingDaysRequest::descriptor(), "");
  AddWorkingDaysRequest request;
  absl::Status status = transcoder.ToRequest(R"({"days": 3})", "", {}, &request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("no request body"));
}

TEST(TranscoderTest, CreateChecksTheAnnotation) {
  EXPECT_FALSE(Transcoder::Create(PutCalendarRequest::descriptor(), "nope", {}).ok());
  EXPECT_FALSE(Transcoder::Create(PutCalendarRequest::descriptor(), "*", {"nope"}).ok());
  EXPECT_FALSE(Transcoder::Create(PutCalendarRequest::descriptor(), "*", {"holidays"}).ok());
  EXPECT_FALSE(Transcoder::Create(PutCalendarRequest::descriptor(), "*", {"year.x"}).ok());
  EXPECT_TRUE(Transcoder::Create(Case::descriptor(), "", {"received_at.seconds"}).ok());
}

TEST(TranscoderTest, ResponseJsonUsesCamelCaseAndPrintsDefaults) {
  AddWorkingDaysResponse response;
  response.set_date("2026-01-06");
  absl::StatusOr<std::string> json = Transcoder::ToJson(response);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"date":"2026-01-06","provisional":false})");

  Calendar calendar;
  calendar.set_year(2026);
  json = Transcoder::ToJson(calendar);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr(R"("makeupWorkdays":[])"));
  EXPECT_THAT(*json, HasSubstr(R"("year":2026)"));

  CalendarDay day;
  day.set_kind(scheduling::v1::MAKEUP_WORKDAY);
  json = Transcoder::ToJson(day);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr(R"("kind":"MAKEUP_WORKDAY")"));
}

}  // namespace
}  // namespace petition::gateway

namespace petition::gateway {
namespace {

TEST(TranscoderRawBodyTest, AnHttpBodyIsWrittenAsItIsAndOtherMessagesAsJson) {
  petition::v1::HttpBody body;
  body.set_content_type("text/calendar; charset=utf-8");
  body.set_data("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
  auto raw = Transcoder::ToRawBody(body);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->content_type, "text/calendar; charset=utf-8");
  EXPECT_EQ(raw->data, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
  petition::v1::HttpRule rule;
  EXPECT_FALSE(Transcoder::ToRawBody(rule).has_value());
}

}  // namespace
}  // namespace petition::gateway

namespace petition::gateway {
namespace {

TEST(TranscoderUploadTest, AnHttpBodyFieldTakesTheBytesTheTypeAndTheFileName) {
  auto transcoder =
      Transcoder::Create(intake::v1::UploadMaterialRequest::descriptor(), "body", {"case_id"});
  ASSERT_TRUE(transcoder.ok()) << transcoder.status();
  EXPECT_TRUE(transcoder->raw_body());
  intake::v1::UploadMaterialRequest request;
  const std::string bytes("\x89PNG\r\n\x1A\n\0{\"not\":\"json\"}", 22);
  absl::Status status =
      transcoder->ToRequest(bytes, "", {{"case_id", "case_1"}}, &request,
                            Transcoder::RawRequest{"image/png", "%E5%9C%B0%E5%9D%97%20(1).png"});
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(request.case_id(), "case_1");
  EXPECT_EQ(request.body().data(), bytes);
  EXPECT_EQ(request.body().content_type(), "image/png");
  EXPECT_EQ(request.body().file_name(), "地块 (1).png");
}

TEST(TranscoderUploadTest, AFileNameThatIsNotUtf8TextIsRefusedByName) {
  auto transcoder =
      Transcoder::Create(intake::v1::UploadMaterialRequest::descriptor(), "body", {"case_id"});
  ASSERT_TRUE(transcoder.ok());
  for (const char* name : {"%FF.png", "a%00b.png"}) {
    intake::v1::UploadMaterialRequest request;
    absl::Status status = transcoder->ToRequest("x", "", {{"case_id", "case_1"}}, &request,
                                                Transcoder::RawRequest{"image/png", name});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << name;
    const v1::ErrorDetails details = GetErrorDetails(status);
    ASSERT_EQ(details.violations_size(), 1) << status;
    EXPECT_EQ(details.violations(0).field(), "fileName");
  }
}

TEST(TranscoderUploadTest, JsonBodiesStayJson) {
  auto star = Transcoder::Create(RegisterCaseRequest::descriptor(), "*", {});
  ASSERT_TRUE(star.ok());
  EXPECT_FALSE(star->raw_body());
}

}  // namespace
}  // namespace petition::gateway
