#include "services/scheduling/domain/seeded_calendar.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "common/dates.h"
#include "services/scheduling/domain/statutory_holidays.h"

namespace petition::scheduling {
namespace {

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "seeded calendar: %s\n", why.c_str());
  std::abort();
}

WorkingCalendar* Build() {
  const std::string path =
      std::string(PETITION_SCHEDULING_MIGRATIONS_DIR) + "/0002_official_calendars_2025_2026.sql";
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string sql = text.str();
  auto* calendar = new WorkingCalendar();
  static const std::regex kRow(
      R"re(\('(\d{4}-\d{2}-\d{2})', (\d{4}), '(HOLIDAY|MAKEUP_WORKDAY)', '([^']*)'\))re");
  int rows = 0;
  for (auto it = std::sregex_iterator(sql.begin(), sql.end(), kRow); it != std::sregex_iterator();
       ++it) {
    auto day = ParseDate((*it)[1].str());
    if (!day.ok()) Die("bad date " + (*it)[1].str());
    absl::Status s = (*it)[3].str() == "HOLIDAY" ? calendar->AddHoliday(*day, (*it)[4].str())
                                                 : calendar->AddMakeupWorkday(*day, (*it)[4].str());
    if (!s.ok()) Die(std::string(s.message()));
    ++rows;
  }
  if (rows == 0) Die("no rows in " + path);
  if (absl::Status s = EstimateUnloadedYears(*calendar); !s.ok()) Die(std::string(s.message()));
  return calendar;
}

}  // namespace

const WorkingCalendar& SeededCalendar() {
  static const WorkingCalendar* calendar = Build();
  return *calendar;
}

}  // namespace petition::scheduling
