#include "services/scheduling/store/calendar_store.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/dates.h"

namespace petition::scheduling {
namespace {

constexpr char kUpsertYear[] = "calendar_upsert_year";
constexpr char kDeleteYearDays[] = "calendar_delete_year_days";
constexpr char kInsertDay[] = "calendar_insert_day";
constexpr char kSelectYear[] = "calendar_select_year";
constexpr char kSelectYearDays[] = "calendar_select_year_days";
constexpr char kSelectYears[] = "calendar_select_years";
constexpr char kSelectDays[] = "calendar_select_days";

const char* KindName(DayKind kind) {
  return kind == DayKind::kHoliday ? "HOLIDAY" : "MAKEUP_WORKDAY";
}

absl::StatusOr<SpecialDay> DayFromRow(const pqxx::row& row) {
  auto day = ParseDate(row[0].as<std::string>());
  if (!day.ok())
    return absl::DataLossError(absl::StrCat("bad date in calendar_days: ", row[0].c_str()));
  return SpecialDay{
      *day, row[1].as<std::string>() == "HOLIDAY" ? DayKind::kHoliday : DayKind::kMakeupWorkday,
      row[2].as<std::string>()};
}

absl::Time TimeFromEpoch(const pqxx::field& f) {
  return absl::FromUnixMicros(static_cast<int64_t>(f.as<double>() * 1e6));
}

}  // namespace

const std::vector<PgStatement>& CalendarStore::Statements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      {kUpsertYear,
       "INSERT INTO calendar_years (year, updated_at) VALUES ($1, now()) "
       "ON CONFLICT (year) DO UPDATE SET updated_at = now() "
       "RETURNING extract(epoch FROM updated_at)::float8"},
      {kDeleteYearDays, "DELETE FROM calendar_days WHERE year = $1"},
      {kInsertDay,
       "INSERT INTO calendar_days (day, year, kind, name) VALUES ($1::date, $2, $3, $4)"},
      {kSelectYear,
       "SELECT extract(epoch FROM updated_at)::float8 FROM calendar_years WHERE year = $1"},
      {kSelectYearDays,
       "SELECT to_char(day, 'YYYY-MM-DD'), kind, name FROM calendar_days WHERE year = $1 "
       "ORDER BY day"},
      {kSelectYears, "SELECT year FROM calendar_years"},
      {kSelectDays, "SELECT to_char(day, 'YYYY-MM-DD'), kind, name FROM calendar_days"},
  };
  return *kStatements;
}

absl::StatusOr<CalendarYearRecord> CalendarStore::ReplaceYear(int year,
                                                              const std::vector<SpecialDay>& days) {
  CalendarYearRecord record{year, days, absl::InfinitePast()};
  absl::Status s = pool_->Transact([&](pqxx::work& tx) {
    record.updated_at = TimeFromEpoch(tx.exec_prepared1(kUpsertYear, year)[0]);
    tx.exec_prepared(kDeleteYearDays, year);
    for (const SpecialDay& d : days) {
      tx.exec_prepared(kInsertDay, FormatDate(d.day), year, KindName(d.kind), d.name);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  {
    absl::MutexLock lock(&mu_);
    cached_.reset();
    ++generation_;
  }
  std::sort(record.days.begin(), record.days.end(),
            [](const SpecialDay& a, const SpecialDay& b) { return a.day < b.day; });
  return record;
}

absl::StatusOr<CalendarYearRecord> CalendarStore::GetYear(int year) {
  CalendarYearRecord record{year, {}, absl::InfinitePast()};
  absl::Status s = pool_->Read([&](pqxx::work& tx) -> absl::Status {
    pqxx::result y = tx.exec_prepared(kSelectYear, year);
    if (y.empty()) return absl::NotFoundError(absl::StrCat("no calendar loaded for ", year));
    record.updated_at = TimeFromEpoch(y[0][0]);
    for (const auto& row : tx.exec_prepared(kSelectYearDays, year)) {
      auto day = DayFromRow(row);
      if (!day.ok()) return day.status();
      record.days.push_back(*day);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return record;
}

absl::StatusOr<std::shared_ptr<const WorkingCalendar>> CalendarStore::Load() {
  uint64_t generation;
  {
    absl::MutexLock lock(&mu_);
    if (cached_ != nullptr && absl::Now() - cached_at_ < cache_ttl_) return cached_;
    generation = generation_;
  }
  absl::Time read_at = absl::Now();
  auto calendar = ReadAll();
  if (!calendar.ok()) return calendar.status();
  absl::MutexLock lock(&mu_);
  if (generation == generation_) {  // no local change raced with the read
    cached_ = *calendar;
    cached_at_ = read_at;
  }
  return *calendar;
}

absl::StatusOr<std::shared_ptr<const WorkingCalendar>> CalendarStore::ReadAll() {
  auto calendar = std::make_shared<WorkingCalendar>();
  absl::Status s = pool_->Read([&](pqxx::work& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared(kSelectYears)) {
      calendar->MarkYearLoaded(row[0].as<int>());
    }
    std::vector<SpecialDay> days;
    for (const auto& row : tx.exec_prepared(kSelectDays)) {
      auto day = DayFromRow(row);
      if (!day.ok()) return day.status();
      days.push_back(*day);
    }
    return AddToCalendar(days, *calendar);
  });
  if (!s.ok()) return s;
  return std::shared_ptr<const WorkingCalendar>(std::move(calendar));
}

}  // namespace petition::scheduling
