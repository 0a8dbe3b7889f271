// Which representation the Accept header picks, for a route that offers JSON
// (the default) and PDF; and which Content-Type a JSON body may come with.
#include "services/gateway/content_negotiation.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace petition::gateway {
namespace {

const std::vector<std::string> kOffered = {"application/json", "application/pdf"};

std::string Picked(const char* accept) { return kOffered[PreferredMediaType(accept, kOffered)]; }

TEST(ContentNegotiation, NoHeaderOrWildcardGivesTheDefault) {
  EXPECT_EQ(Picked(""), "application/json");
  EXPECT_EQ(Picked("*/*"), "application/json");
  EXPECT_EQ(Picked("application/*"), "application/json");
}

TEST(ContentNegotiation, AnExactTypeIsChosen) {
  EXPECT_EQ(Picked("application/pdf"), "application/pdf");
  EXPECT_EQ(Picked("Application/PDF"), "application/pdf");
  EXPECT_EQ(Picked("application/json"), "application/json");
}

TEST(ContentNegotiation, NamedMoreSpecificallyWinsAtEqualQuality) {
  EXPECT_EQ(Picked("application/pdf, */*"), "application/pdf");
  EXPECT_EQ(Picked("*/*, application/pdf"), "application/pdf");
  // Both exact: the default.
  EXPECT_EQ(Picked("application/pdf, application/json"), "application/json");
}

TEST(ContentNegotiation, QualityDecides) {
  EXPECT_EQ(Picked("application/json;q=0.5, application/pdf"), "application/pdf");
  EXPECT_EQ(Picked("application/pdf;q=0.4, application/json;q=0.9"), "application/json");
  EXPECT_EQ(Picked("application/pdf; q=1.0, */*;q=0.1"), "application/pdf");
  // A wildcard at higher quality than the exact PDF range.
  EXPECT_EQ(Picked("application/pdf;q=0.2, */*"), "application/json");
}

TEST(ContentNegotiation, QualityZeroRefuses) {
  EXPECT_EQ(Picked("application/pdf;q=0"), "application/json");
  EXPECT_EQ(Picked("application/json;q=0, application/pdf"), "application/pdf");
}

TEST(ContentNegotiation, NothingAcceptableOrUnparsableGivesTheDefault) {
  EXPECT_EQ(Picked("text/html"), "application/json");
  EXPECT_EQ(Picked("application/pdf;q=2"), "application/json");
  EXPECT_EQ(Picked("application/pdf;q=x"), "application/json");
  EXPECT_EQ(Picked("pdf"), "application/json");
}

TEST(JsonContentType, ApplicationJsonInAnyCaseIsAccepted) {
  EXPECT_TRUE(CheckJsonContentType("application/json").ok());
  EXPECT_TRUE(CheckJsonContentType("Application/JSON").ok());
  EXPECT_TRUE(CheckJsonContentType("APPLICATION/JSON").ok());
  EXPECT_TRUE(CheckJsonContentType(" application/json ").ok());
  EXPECT_TRUE(CheckJsonContentType("application/json;").ok());
}

TEST(JsonContentType, Utf8CharsetAndOtherParametersAreAccepted) {
  EXPECT_TRUE(CheckJsonContentType("application/json; charset=utf-8").ok());
  EXPECT_TRUE(CheckJsonContentType("application/json;charset=UTF-8").ok());
  EXPECT_TRUE(CheckJsonContentType("application/json; Charset=\"utf-8\"").ok());
  EXPECT_TRUE(CheckJsonContentType("application/json; profile=x; charset=utf-8").ok());
}

TEST(JsonContentType, AnotherCharsetIsRefused) {
  for (const char* type : {"application/json; charset=gbk", "application/json; charset=GB18030",
                           "application/json; charset=utf-16", "application/json; charset=latin1",
                           "application/json; charset=utf8", "application/json; charset="}) {
    absl::Status status = CheckJsonContentType(type);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << type;
    EXPECT_NE(status.message().find("UTF-8"), absl::string_view::npos) << type;
  }
}

TEST(JsonContentType, OtherMediaTypesAreRefused) {
  for (const char* type :
       {"application/x-www-form-urlencoded", "text/plain", "text/plain; charset=utf-8",
        "multipart/form-data; boundary=x", "application/octet-stream", "text/json",
        "application/merge-patch+json", "application/problem+json", "application/jsonx",
        "application/*", "*/*", "application", "json", "application/json x"}) {
    absl::Status status = CheckJsonContentType(type);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << type;
    EXPECT_NE(status.message().find("application/json"), absl::string_view::npos) << type;
  }
}

TEST(JsonContentType, MissingOrMalformedIsRefused) {
  EXPECT_FALSE(CheckJsonContentType("").ok());
  EXPECT_FALSE(CheckJsonContentType("   ").ok());
  EXPECT_FALSE(CheckJsonContentType("application/json; charset").ok());
}

TEST(JsonContentType, TheMessageNeverQuotesTheHeader) {
  absl::Status status = CheckJsonContentType("text/<script>; charset=\"x\"");
  EXPECT_EQ(status.message().find("script"), absl::string_view::npos);
}

}  // namespace
}  // namespace petition::gateway
