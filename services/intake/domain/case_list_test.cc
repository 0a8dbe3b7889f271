#include "services/intake/domain/case_list.h"

#include <string>

#include "gtest/gtest.h"

namespace petition::intake {
namespace {

class CaseListTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone_)); }
  absl::StatusOr<CaseListQuery> Parse(const v1::ListCasesRequest& r) {
    return ParseCaseListRequest(r, zone_, absl::FromUnixSeconds(1790000000));
  }
  absl::TimeZone zone_;
};

TEST_F(CaseListTest, DefaultsAndLimits) {
  v1::ListCasesRequest r;
  auto q = Parse(r);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->page_size, 50);
  r.set_page_size(500);
  EXPECT_EQ(Parse(r)->page_size, 500);
  r.set_page_size(501);
  auto bad = Parse(r);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("pageSize"), std::string::npos);
}

TEST_F(CaseListTest, DatesAreTownshipDaysAndNamedWhenWrong) {
  v1::ListCasesRequest r;
  r.set_received_from("2026-09-16");
  r.set_received_to("2026-09-16");
  auto q = Parse(r);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q->received_from, absl::FromCivil(absl::CivilDay(2026, 9, 16), zone_));
  EXPECT_EQ(*q->received_before - *q->received_from, absl::Hours(24));
  r.set_received_to("2026-09-15");
  EXPECT_NE(Parse(r).status().message().find("receivedTo"), std::string::npos);
  r.set_received_to("2026-13-01");
  EXPECT_NE(Parse(r).status().message().find("receivedTo"), std::string::npos);
  r.set_petitioner_id_number("110105194912310021");  // wrong check digit
  EXPECT_NE(Parse(r).status().message().find("petitionerIdNumber"), std::string::npos);
}

TEST_F(CaseListTest, TokensRoundTripAndAreBoundToTheFilters) {
  v1::ListCasesRequest r;
  r.set_status(v1::ACCEPTED);
  auto q = Parse(r);
  ASSERT_TRUE(q.ok());
  const absl::Time at = absl::FromUnixMicros(1790000000123456);
  r.set_page_token(CasePageToken(*q, CaseListPosition{at, "case_abc"}));
  auto next = Parse(r);
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_TRUE(next->after.has_value());
  EXPECT_EQ(next->after->received_at, at);
  EXPECT_EQ(next->after->case_id, "case_abc");
  r.set_status(v1::ANSWERED);  // another list
  EXPECT_NE(Parse(r).status().message().find("pageToken"), std::string::npos);
  r.set_page_token("not a token!");
  EXPECT_NE(Parse(r).status().message().find("pageToken"), std::string::npos);
}

}  // namespace
}  // namespace petition::intake
