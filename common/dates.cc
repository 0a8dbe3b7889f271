#include "common/dates.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/clock.h"

namespace petition {

absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrFormat("\"%s\" is not a date of the form YYYY-MM-DD", text));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return bad();
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 1900 || m < 1 || m > 12 || d < 1) return bad();
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return bad();  // e.g. 02-30
  return day;
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<absl::TimeZone> LoadZone(std::string_view name) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::InvalidArgumentError(absl::StrFormat("unknown time zone \"%s\"", name));
  }
  return zone;
}

absl::Time ToAbslTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rem * 1000));
  return ts;
}

google::protobuf::Timestamp NowTimestamp() { return ToProtoTimestamp(petition::Now()); }

std::string SqlTimestamp(const google::protobuf::Timestamp& ts) {
  return SqlTimestamp(ToAbslTime(ts));
}

std::string SqlTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6S+00:00", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseSqlTimestamp(std::string_view text) {
  auto bad = [] { return absl::InvalidArgumentError("not a timestamptz in ISO style"); };
  // "YYYY-MM-DD HH:MM:SS[.f*]" then an offset "+HH[:MM[:SS]]" or "-...".
  if (text.size() < 22 || text[10] != ' ') return bad();
  size_t sign = text.find_last_of("+-");
  if (sign == std::string_view::npos || sign < 19) return bad();
  std::string_view offset = text.substr(sign + 1);
  int parts[3] = {0, 0, 0};
  int n = 0;
  for (size_t i = 0; i < offset.size(); i += 3) {
    if (n == 3 || i + 2 > offset.size() || !absl::ascii_isdigit(offset[i]) ||
        !absl::ascii_isdigit(offset[i + 1]) || (i + 2 < offset.size() && offset[i + 2] != ':')) {
      return bad();
    }
    parts[n++] = (offset[i] - '0') * 10 + (offset[i + 1] - '0');
  }
  if (n == 0) return bad();
  absl::Duration east = absl::Hours(parts[0]) + absl::Minutes(parts[1]) + absl::Seconds(parts[2]);
  if (text[sign] == '-') east = -east;
  absl::Time local;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d %H:%M:%E*S", std::string(text.substr(0, sign)),
                       absl::UTCTimeZone(), &local, &err)) {
    return bad();
  }
  return local - east;
}

absl::CivilDay DayOf(const google::protobuf::Timestamp& ts, absl::TimeZone zone) {
  return absl::ToCivilDay(ToAbslTime(ts), zone);
}

}  // namespace petition
