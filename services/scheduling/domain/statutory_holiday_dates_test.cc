// Checks every row of statutory_holiday_dates.csv against liblunar-date (a
// maintained Chinese calendar library): 正月初一, 五月初五 and 八月十五 of each
// year, and the day in early April the library names as the 清明 solar term.
// On a mismatch it prints the row the library gives.
#include <lunar-date/lunar-date.h>

#include <clocale>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "services/scheduling/domain/statutory_holidays.h"

namespace petition::scheduling {
namespace {

class LunarDateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Untranslated names (the library's msgids, pinyin) whatever the locale.
    std::setlocale(LC_ALL, "C");
    date_ = lunar_date_new();
  }
  void TearDown() override { lunar_date_free(date_); }

  // The solar date of a lunar date (not a leap month).
  absl::CivilDay Solar(int year, int month, int day) {
    GError* error = nullptr;
    lunar_date_set_lunar_date(date_, year, static_cast<GDateMonth>(month), day, 12, FALSE, &error);
    if (error != nullptr) {
      ADD_FAILURE() << error->message;
      g_error_free(error);
      return absl::CivilDay();
    }
    gchar* text = lunar_date_strftime(date_, "%(year)-%(month)-%(day)");
    int y = 0, m = 0, d = 0;
    EXPECT_EQ(std::sscanf(text, "%d-%d-%d", &y, &m, &d), 3) << text;
    g_free(text);
    return absl::CivilDay(y, m, d);
  }

  // The day of April the library names 清明 (Qīngmíng).
  absl::CivilDay Qingming(int year) {
    for (int day = 3; day <= 6; ++day) {
      GError* error = nullptr;
      lunar_date_set_solar_date(date_, year, G_DATE_APRIL, day, 12, &error);
      if (error != nullptr) {
        ADD_FAILURE() << error->message;
        g_error_free(error);
        return absl::CivilDay();
      }
      gchar* names = lunar_date_get_holiday(date_, ",");
      bool found = names != nullptr && std::strstr(names, "Qīngmíng") != nullptr;
      g_free(names);
      if (found) return absl::CivilDay(year, 4, day);
    }
    ADD_FAILURE() << "no Qingming in April " << year;
    return absl::CivilDay();
  }

  LunarDate* date_ = nullptr;
};

TEST_F(LunarDateTest, EveryRowMatchesTheLibrary) {
  const auto& table = FestivalTable();
  ASSERT_TRUE(table.ok()) << table.status();
  for (const FestivalDates& row : *table) {
    FestivalDates lib{row.year, Solar(row.year, 1, 1), Qingming(row.year), Solar(row.year, 5, 5),
                      Solar(row.year, 8, 15)};
    std::string want =
        absl::StrFormat("%d,%04d-%02d-%02d,%04d-%02d-%02d,%04d-%02d-%02d,%04d-%02d-%02d", lib.year,
                        lib.lunar_new_year.year(), lib.lunar_new_year.month(),
                        lib.lunar_new_year.day(), lib.qingming.year(), lib.qingming.month(),
                        lib.qingming.day(), lib.duanwu.year(), lib.duanwu.month(), lib.duanwu.day(),
                        lib.zhongqiu.year(), lib.zhongqiu.month(), lib.zhongqiu.day());
    EXPECT_EQ(row.lunar_new_year, lib.lunar_new_year) << "library row: " << want;
    EXPECT_EQ(row.qingming, lib.qingming) << "library row: " << want;
    EXPECT_EQ(row.duanwu, lib.duanwu) << "library row: " << want;
    EXPECT_EQ(row.zhongqiu, lib.zhongqiu) << "library row: " << want;
  }
}

TEST_F(LunarDateTest, TheLibraryAgreesWithTheRuleBook) {
  // Lunar new year 2027-02-06 and 2028-01-26 (DOMAIN.md).
  EXPECT_EQ(Solar(2027, 1, 1), absl::CivilDay(2027, 2, 6));
  EXPECT_EQ(Solar(2028, 1, 1), absl::CivilDay(2028, 1, 26));
}

}  // namespace
}  // namespace petition::scheduling
