#include "services/scheduling/domain/ical.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"

namespace petition::scheduling {
namespace {

// Local date-time of `day` plus `offset` (RFC 5545 FORM #3 with TZID).
std::string LocalTime(const std::string& date, absl::Duration offset) {
  const int64_t minutes = absl::ToInt64Minutes(offset);
  std::string compact = date;
  compact.erase(std::remove(compact.begin(), compact.end(), '-'), compact.end());
  return absl::StrFormat("%sT%02d%02d00", compact, minutes / 60, minutes % 60);
}

std::string NameAndPosition(const v1::SessionOfficial& o) {
  return o.position().empty() ? o.name() : absl::StrCat(o.name(), "（", o.position(), "）");
}

// A parameter value: quoted, without the characters a quoted value cannot hold.
std::string ParamValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c != '"' && c != '\r' && c != '\n') out += c;
  }
  return absl::StrCat("\"", out, "\"");
}

}  // namespace

std::string EscapeText(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FoldLine(const std::string& line) {
  std::string out;
  size_t width = 0;  // octets on the current physical line
  for (size_t i = 0; i < line.size();) {
    size_t len = 1;  // the UTF-8 character at i
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    len = std::min(len, line.size() - i);
    if (width + len > 75) {
      out += "\r\n ";
      width = 1;
    }
    out.append(line, i, len);
    width += len;
    i += len;
  }
  out += "\r\n";
  return out;
}

std::string ReceptionsCalendar(const std::string& calendar_name,
                               const std::vector<v1::ReceptionSession>& sessions,
                               const DutyHours& hours, absl::Time stamp) {
  std::string out;
  auto line = [&](const std::string& l) { out += FoldLine(l); };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//petition//scheduling receptions//ZH");
  line("CALSCALE:GREGORIAN");
  line("METHOD:PUBLISH");
  line(absl::StrCat("X-WR-CALNAME:", EscapeText(calendar_name)));
  // Another township's zone: times in UTC (FORM #2), which needs no VTIMEZONE.
  absl::TimeZone zone;
  const bool shanghai = hours.time_zone == "Asia/Shanghai";
  if (!shanghai && !absl::LoadTimeZone(hours.time_zone, &zone)) zone = absl::UTCTimeZone();
  auto time_property = [&](const char* name, const std::string& date, absl::Duration offset) {
    if (shanghai) return absl::StrCat(name, ";TZID=Asia/Shanghai:", LocalTime(date, offset));
    absl::CivilDay day;
    if (!absl::ParseCivilTime(date, &day)) day = absl::CivilDay();
    return absl::StrCat(name, ":",
                        absl::FormatTime("%Y%m%dT%H%M%SZ", absl::FromCivil(day, zone) + offset,
                                         absl::UTCTimeZone()));
  };
  line(absl::StrCat("X-WR-TIMEZONE:", hours.time_zone));
  if (shanghai) {
    // China Standard Time, without daylight saving since 1991.
    line("BEGIN:VTIMEZONE");
    line("TZID:Asia/Shanghai");
    line("BEGIN:STANDARD");
    line("DTSTART:19910915T000000");
    line("TZOFFSETFROM:+0800");
    line("TZOFFSETTO:+0800");
    line("TZNAME:CST");
    line("END:STANDARD");
    line("END:VTIMEZONE");
  }
  const std::string dtstamp = absl::FormatTime("%Y%m%dT%H%M%SZ", stamp, absl::UTCTimeZone());
  for (const v1::ReceptionSession& s : sessions) {
    absl::Duration start = hours.morning_start;
    absl::Duration end = hours.afternoon_end;
    if (s.part() == v1::MORNING) end = hours.morning_end;
    if (s.part() == v1::AFTERNOON) start = hours.afternoon_start;
    std::vector<std::string> names;
    for (const v1::SessionOfficial& o : s.officials()) names.push_back(NameAndPosition(o));
    line("BEGIN:VEVENT");
    line(absl::StrCat("UID:", s.session_id(), "@receptions.petition"));
    line(absl::StrCat("DTSTAMP:", dtstamp));
    line(time_property("DTSTART", s.date(), start));
    line(time_property("DTEND", s.date(), end));
    line(absl::StrCat("SUMMARY:",
                      EscapeText(absl::StrCat("信访接待：", absl::StrJoin(names, "、")))));
    if (!s.location().empty()) line(absl::StrCat("LOCATION:", EscapeText(s.location())));
    std::string description = absl::StrCat("接待领导：", absl::StrJoin(names, "、"));
    if (s.planned_dates_size() > 0 &&
        (s.planned_dates_size() > 1 || s.planned_dates(0) != s.date())) {
      absl::StrAppend(&description, "\n原定日期：", absl::StrJoin(s.planned_dates(), "、"));
    }
    if (s.substitutions_size() > 0) {
      std::vector<std::string> planned;
      for (const v1::SessionOfficial& o : s.planned_officials())
        planned.push_back(NameAndPosition(o));
      absl::StrAppend(&description, "\n原定接待：", absl::StrJoin(planned, "、"));
    }
    line(absl::StrCat("DESCRIPTION:", EscapeText(description)));
    for (const v1::SessionOfficial& o : s.officials()) {
      line(absl::StrCat("ATTENDEE;CN=", ParamValue(NameAndPosition(o)),
                        ";ROLE=REQ-PARTICIPANT:urn:petition:official:", o.official_id()));
    }
    line("STATUS:CONFIRMED");
    line("TRANSP:OPAQUE");
    line("END:VEVENT");
  }
  line("END:VCALENDAR");
  return out;
}

}  // namespace petition::scheduling
