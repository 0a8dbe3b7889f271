// Calendar dates as the API writes them ("YYYY-MM-DD") and instants in the
// township's time zone.
#ifndef PETITION_COMMON_DATES_H_
#define PETITION_COMMON_DATES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace petition {

// Strict: exactly YYYY-MM-DD, a real date, years 1900-9999.
absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text);
std::string FormatDate(absl::CivilDay day);

absl::StatusOr<absl::TimeZone> LoadZone(std::string_view name);

// The day an instant falls on in `zone`.
absl::CivilDay DayOf(const google::protobuf::Timestamp& ts, absl::TimeZone zone);
absl::Time ToAbslTime(const google::protobuf::Timestamp& ts);
google::protobuf::Timestamp ToProtoTimestamp(absl::Time t);
google::protobuf::Timestamp NowTimestamp();  // microsecond resolution

// The one way instants go to and come from PostgreSQL: every instant is a
// `timestamptz` column, written as the text SqlTimestamp() makes and read as
// the column itself (ISO text; PgPool sets DateStyle ISO and TimeZone UTC)
// through ParseSqlTimestamp(). No epoch arithmetic in SQL.
//
// "2026-09-16T02:00:00.000000+00:00": a timestamptz literal for SQL parameters
// (cast with ::timestamptz), exact to the microsecond.
std::string SqlTimestamp(const google::protobuf::Timestamp& ts);
std::string SqlTimestamp(absl::Time t);
// PostgreSQL's ISO output of a timestamptz: "2026-09-16 02:00:00.5+00",
// "... 10:00:00+08", "... +05:30"; INVALID_ARGUMENT for anything else
// (including "infinity").
absl::StatusOr<absl::Time> ParseSqlTimestamp(std::string_view text);

}  // namespace petition

#endif  // PETITION_COMMON_DATES_H_
