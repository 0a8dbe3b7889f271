#include "services/scheduling/domain/ical.h"

#include <string>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace petition::scheduling {
namespace {

TEST(IcalTest, TextIsEscaped) { EXPECT_EQ(EscapeText("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne"); }

TEST(IcalTest, LongLinesFoldAt75OctetsWithoutSplittingACharacter) {
  const std::string line = "SUMMARY:" + std::string(40, 'x') + "信访接待信访接待信访接待信访接待";
  const std::string folded = FoldLine(line);
  for (absl::string_view physical : absl::StrSplit(folded, "\r\n", absl::SkipEmpty())) {
    EXPECT_LE(physical.size(), 75u);
  }
  std::string unfolded = folded;
  for (size_t at; (at = unfolded.find("\r\n ")) != std::string::npos;) unfolded.erase(at, 3);
  EXPECT_EQ(unfolded, line + "\r\n");
  EXPECT_EQ(FoldLine("END:VEVENT"), "END:VEVENT\r\n");
}

TEST(IcalTest, OneEventPerSessionWithAStableUidAndLocalTimes) {
  v1::ReceptionSession s;
  s.set_session_id("plan_x-20260224");
  s.set_date("2026-02-24");
  s.add_planned_dates("2026-02-16");
  s.add_planned_dates("2026-02-23");
  s.set_part(v1::MORNING);
  s.set_location("镇政府一楼, 信访接待室");
  auto* o = s.add_officials();
  o->set_official_id("off_1");
  o->set_name("王强");
  o->set_position("副镇长");
  const std::string ics =
      ReceptionsCalendar("长乐镇", {s}, DutyHours{}, absl::FromUnixSeconds(1764385200));
  EXPECT_NE(ics.find("UID:plan_x-20260224@receptions.petition\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART;TZID=Asia/Shanghai:20260224T083000\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTEND;TZID=Asia/Shanghai:20260224T120000\r\n"), std::string::npos);
  EXPECT_NE(ics.find("LOCATION:镇政府一楼\\, 信访接待室\r\n"), std::string::npos);
  EXPECT_NE(ics.find("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n"), std::string::npos);
  std::string unfolded = ics;  // the description is longer than a line
  for (size_t at; (at = unfolded.find("\r\n ")) != std::string::npos;) unfolded.erase(at, 3);
  EXPECT_NE(unfolded.find("原定日期：2026-02-16、2026-02-23"), std::string::npos);
  EXPECT_EQ(ics.substr(ics.size() - 15), "END:VCALENDAR\r\n");
}

// A township outside Asia/Shanghai's offset (the zone scheduling owns):
// its duty hours in its own zone, written in UTC, with no VTIMEZONE.
TEST(IcalTest, AnotherTimeZoneWritesUtcTimes) {
  v1::ReceptionSession s;
  s.set_session_id("plan_x-20260224");
  s.set_date("2026-02-24");
  s.set_part(v1::MORNING);
  DutyHours hours;
  hours.time_zone = "Asia/Urumqi";  // UTC+6
  const std::string ics = ReceptionsCalendar("乡", {s}, hours, absl::FromUnixSeconds(1764385200));
  EXPECT_NE(ics.find("DTSTART:20260224T023000Z\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("DTEND:20260224T060000Z\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("X-WR-TIMEZONE:Asia/Urumqi\r\n"), std::string::npos) << ics;
  EXPECT_EQ(ics.find("VTIMEZONE"), std::string::npos) << ics;
  EXPECT_EQ(ics.find("TZID="), std::string::npos) << ics;
}

}  // namespace
}  // namespace petition::scheduling
