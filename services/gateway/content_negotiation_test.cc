// Which representation the Accept header picks, for a route that offers JSON
// (the default) and PDF.
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

}  // namespace
}  // namespace petition::gateway
