#include "common/status.h"

#include <string>
#include <vector>

#include "common/log.h"
#include "gtest/gtest.h"

namespace petition {
namespace {

TEST(StatusTest, CanonicalHttpMapping) {
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kOutOfRange), 400);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kCancelled), 499);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kUnimplemented), 501);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kDataLoss), 500);
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kUnknown), 500);
}

TEST(StatusTest, InternalsNeverReachTheClient) {
  std::vector<std::string> lines;
  log::SetSinkForTesting([&lines](std::string_view line) { lines.emplace_back(line); });
  const absl::Status leaky = absl::UnavailableError(
      "connection to server at \"db.internal\" (10.0.0.5), port 5432 failed");
  absl::Status shown = ForClient(leaky, "req-7");
  EXPECT_EQ(shown.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(shown.message(), "service unavailable; retry later; request id req-7");
  for (absl::StatusCode code :
       {absl::StatusCode::kInternal, absl::StatusCode::kUnknown, absl::StatusCode::kDataLoss}) {
    absl::Status internal(code, "pqxx: ERROR: relation intake.cases at 10.0.0.5:5432");
    SetErrorDetails(internal, GetErrorDetails(InvalidField("phone", "13800138000")));
    shown = ForClient(internal, "req-8");
    EXPECT_EQ(shown.code(), code);
    EXPECT_EQ(shown.message(), "internal error; request id req-8");
    EXPECT_EQ(ErrorJson(shown).find("13800138000"), std::string::npos);
    EXPECT_EQ(ErrorJson(shown).find("10.0.0.5"), std::string::npos);
  }
  log::SetSinkForTesting(nullptr);
  // The originals are in the log, with the request id.
  ASSERT_GE(lines.size(), 1u);
  EXPECT_NE(lines[0].find("port 5432 failed"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("requestId":"req-7")"), std::string::npos);
  // Rule violations pass as they are.
  absl::Status invalid = InvalidField("phone", "must be digits");
  EXPECT_EQ(ForClient(invalid, "req-9"), invalid);
  EXPECT_EQ(ForClient(absl::NotFoundError("case not found"), "r").message(), "case not found");
}

TEST(StatusTest, CanonicalNames) {
  EXPECT_EQ(CanonicalCodeName(absl::StatusCode::kInvalidArgument), "INVALID_ARGUMENT");
  EXPECT_EQ(CanonicalCodeName(absl::StatusCode::kFailedPrecondition), "FAILED_PRECONDITION");
  EXPECT_EQ(CanonicalCodeName(absl::StatusCode::kUnauthenticated), "UNAUTHENTICATED");
}

TEST(StatusTest, FieldViolationsSurviveTheGrpcRoundTrip) {
  absl::Status s = InvalidFields(
      {{"petitioners[0].idNumber", "bad check digit"}, {"headcount", "must be at least 1"}});
  grpc::Status wire = ToGrpcStatus(s);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(back.message(), s.message());
  v1::ErrorDetails details = GetErrorDetails(back);
  ASSERT_EQ(details.violations_size(), 2);
  EXPECT_EQ(details.violations(0).field(), "petitioners[0].idNumber");
  EXPECT_EQ(details.violations(1).reason(), "must be at least 1");
}

TEST(StatusTest, OkMapsToOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(StatusTest, ErrorJsonShapeAndEscaping) {
  absl::Status s = InvalidField("subject", "say \"what\"\n");
  EXPECT_EQ(ErrorJson(s),
            "{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"subject: say "
            "\\\"what\\\"\\n\",\"details\":[{\"field\":\"subject\",\"reason\":\"say "
            "\\\"what\\\"\\n\"}]}}");
  EXPECT_EQ(ErrorJson(absl::NotFoundError("no case")),
            "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no case\",\"details\":[]}}");
}

}  // namespace
}  // namespace petition
