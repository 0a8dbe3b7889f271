#include "services/supervision/domain/screening_report.h"

#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

const absl::CivilMonth kMarch(2026, 3);

TEST(ScreeningReportTest, Months) {
  EXPECT_EQ(*ParseMonth("2026-03", "month"), kMarch);
  EXPECT_EQ(FormatMonth(kMarch), "2026-03");
  for (const char* bad : {"2026-13", "2026-00", "2026-3", "2026/03", "26-03-01", "", "abcd-ef"}) {
    EXPECT_EQ(ParseMonth(bad, "month").status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ScreeningReportTest, ZeroReportXorItems) {
  EXPECT_TRUE(ValidateScreeningReport(kMarch, true, {}, kMarch).ok());
  EXPECT_EQ(ValidateScreeningReport(kMarch, true, {{"土地纠纷", "张三", "2026-03-31"}}, kMarch)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateScreeningReport(kMarch, false, {}, kMarch).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto ok = ValidateScreeningReport(kMarch, false, {{"土地纠纷", "张三", "2026-04-15"}}, kMarch);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)[0].due_date, absl::CivilDay(2026, 4, 15));
}

TEST(ScreeningReportTest, ItemsNameTheirFields) {
  auto bad = ValidateScreeningReport(kMarch, false,
                                     {{"a", "b", "2026-03-01"}, {"", "b", "2026-02-28"}}, kMarch);
  ASSERT_FALSE(bad.ok());
  const std::string message(bad.status().message());
  EXPECT_NE(message.find("items[1].summary"), std::string::npos) << message;
  EXPECT_NE(message.find("items[1].dueDate"), std::string::npos) << message;
  EXPECT_EQ(message.find("items[0]"), std::string::npos) << message;
  EXPECT_FALSE(ValidateScreeningReport(kMarch, false, {{"a", "", "2026-03-01"}}, kMarch).ok());
  EXPECT_FALSE(ValidateScreeningReport(kMarch, false, {{"a", "b", "2026-3-1"}}, kMarch).ok());
  std::vector<ScreeningItemInput> many(kMaxScreeningItems + 1, {"a", "b", "2026-03-01"});
  EXPECT_FALSE(ValidateScreeningReport(kMarch, false, many, kMarch).ok());
}

TEST(ScreeningReportTest, NotAheadOfTheCurrentMonthLateAfterIt) {
  EXPECT_FALSE(ValidateScreeningReport(absl::CivilMonth(2026, 4), true, {}, kMarch).ok());
  EXPECT_TRUE(ValidateScreeningReport(absl::CivilMonth(2025, 12), true, {}, kMarch).ok());
  EXPECT_FALSE(ScreeningReportLate(kMarch, absl::CivilDay(2026, 3, 31)));
  EXPECT_TRUE(ScreeningReportLate(kMarch, absl::CivilDay(2026, 4, 1)));
  EXPECT_TRUE(OwesScreeningReport("VILLAGE"));
  EXPECT_TRUE(OwesScreeningReport("DEPARTMENT"));
  EXPECT_FALSE(OwesScreeningReport("TOWNSHIP"));
}

}  // namespace
}  // namespace petition::supervision
