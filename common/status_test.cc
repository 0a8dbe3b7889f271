#include "common/status.h"

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
