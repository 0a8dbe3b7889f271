#include "services/scheduling/store/calendar_store.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/dates.h"
#include "common/log.h"
#include "services/scheduling/domain/statutory_holidays.h"

namespace petition::scheduling {
namespace {

constexpr char kUpsertYear[] = "calendar_upsert_year";
constexpr char kDeleteYearDays[] = "calendar_delete_year_days";
constexpr char kInsertDay[] = "calendar_insert_day";
constexpr char kSelectYears[] = "calendar_select_years";
constexpr char kSelectDays[] = "calendar_select_days";

const char* KindName(DayKind kind) {
  return kind == DayKind::kHoliday ? "HOLIDAY" : "MAKEUP_WORKDAY";
}

// The row mapping of kSelectDays, by column name.
absl::StatusOr<SpecialDay> DayFromRow(const pqxx::row& row) {
  auto day = ParseDate(row["day"].as<std::string>());
  if (!day.ok()) return absl::DataLossError("bad date in calendar_days");
  return SpecialDay{
      *day,
      row["kind"].as<std::string>() == "HOLIDAY" ? DayKind::kHoliday : DayKind::kMakeupWorkday,
      row["name"].as<std::string>()};
}

absl::StatusOr<absl::Time> UpdatedAt(const pqxx::row& row) {
  auto t = ParseSqlTimestamp(row["updated_at"].c_str());
  if (!t.ok()) return absl::DataLossError("bad updated_at in calendar_years");
  return *t;
}

bool ByDay(const SpecialDay& a, const SpecialDay& b) { return a.day < b.day; }

}  // namespace

const std::vector<PgStatement>& CalendarStore::Statements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      {kUpsertYear,
       "INSERT INTO calendar_years (year, updated_at) VALUES ($1, now()) "
       "ON CONFLICT (year) DO UPDATE SET updated_at = now() RETURNING updated_at"},
      {kDeleteYearDays, "DELETE FROM calendar_days WHERE year = $1"},
      {kInsertDay,
       "INSERT INTO calendar_days (day, year, kind, name) VALUES ($1::date, $2, $3, $4)"},
      {kSelectYears, "SELECT year, updated_at FROM calendar_years"},
      {kSelectDays,
       "SELECT to_char(day, 'YYYY-MM-DD') AS day, year, kind, name FROM calendar_days "
       "ORDER BY day"},
  };
  return *kStatements;
}

absl::StatusOr<CalendarYearRecord> CalendarStore::ReplaceYear(int year,
                                                              const std::vector<SpecialDay>& days,
                                                              const CreateCall& call,
                                                              const TxOptions& tx_options) {
  constexpr char kMethod[] = "PutCalendar";
  // nullopt: a retry, which changes nothing.
  auto updated_at = pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::optional<absl::Time>> {
        auto retried = RequestLog::Claim(tx, call, kMethod);
        if (!retried.ok()) return retried.status();
        if (retried->has_value()) return std::optional<absl::Time>();
        auto at = UpdatedAt(tx.exec_prepared1(kUpsertYear, year));
        if (!at.ok()) return at.status();
        tx.exec_prepared(kDeleteYearDays, year);
        for (const SpecialDay& d : days) {
          tx.exec_prepared(kInsertDay, FormatDate(d.day), year, KindName(d.kind), d.name);
        }
        RequestLog::Record(tx, call, kMethod, absl::StrCat(year));
        return std::optional<absl::Time>(*at);
      },
      tx_options);
  if (!updated_at.ok()) return updated_at.status();
  if (!updated_at->has_value()) return GetYear(year, tx_options);
  CalendarYearRecord record{year, days, **updated_at};
  std::sort(record.days.begin(), record.days.end(), ByDay);
  absl::MutexLock lock(&mu_);
  ++generation_;  // a read that began before this commit must not be kept
  if (cached_ != nullptr) {
    // What the database now holds, without reading it again: this replica
    // answers with the change at once, even if the database goes away.
    auto next = std::make_shared<CalendarSnapshot>(*cached_);
    next->years[year] = record;
    auto calendar = std::make_shared<WorkingCalendar>();
    for (const auto& [y, r] : next->years) {
      calendar->MarkYearLoaded(y);
      if (absl::Status s = AddToCalendar(r.days, *calendar); !s.ok()) {
        cached_.reset();  // cannot happen for validated days; read it all again
        return record;
      }
    }
    // Years with no notice yet count the statutory holidays (estimated).
    if (absl::Status s = EstimateUnloadedYears(*calendar); !s.ok()) {
      cached_.reset();
      return record;
    }
    next->calendar = std::move(calendar);
    cached_ = std::move(next);
  }
  return record;
}

absl::StatusOr<CalendarYearRecord> CalendarStore::GetYear(int year, const TxOptions& tx_options) {
  auto snapshot = Snapshot(tx_options);
  if (!snapshot.ok()) return snapshot.status();
  auto it = (*snapshot)->years.find(year);
  if (it == (*snapshot)->years.end()) {
    return absl::NotFoundError("no calendar loaded for this year");
  }
  return it->second;
}

absl::StatusOr<std::map<int, absl::Time>> CalendarStore::YearVersions(const TxOptions& tx_options) {
  auto snapshot = Snapshot(tx_options);
  if (!snapshot.ok()) return snapshot.status();
  std::map<int, absl::Time> out;
  for (const auto& [year, record] : (*snapshot)->years) out[year] = record.updated_at;
  return out;
}

absl::StatusOr<std::shared_ptr<const WorkingCalendar>> CalendarStore::Load(
    const TxOptions& tx_options) {
  auto snapshot = Snapshot(tx_options);
  if (!snapshot.ok()) return snapshot.status();
  return (*snapshot)->calendar;
}

absl::StatusOr<std::shared_ptr<const CalendarSnapshot>> CalendarStore::Snapshot(
    const TxOptions& tx_options) {
  uint64_t generation;
  std::shared_ptr<const CalendarSnapshot> fallback;
  {
    absl::MutexLock lock(&mu_);
    if (cached_ != nullptr && (absl::Now() < next_refresh_ || refreshing_)) {
      return cached_;  // fresh, or another thread is reading it again
    }
    refreshing_ = true;
    generation = generation_;
    fallback = cached_;  // answers while the database cannot
  }
  const absl::Time read_at = absl::Now();
  auto snapshot = ReadAll(tx_options);
  absl::MutexLock lock(&mu_);
  refreshing_ = false;
  if (!snapshot.ok()) {
    if (fallback == nullptr) return snapshot.status();
    next_refresh_ = absl::Now() + cache_ttl_;  // not a read per request while it is down
    log::Warn("calendar served from memory: the database could not be read",
              {{"error", snapshot.status().ToString()}});
    return fallback;
  }
  if (generation == generation_) {  // no local change raced with the read
    cached_ = *snapshot;
    next_refresh_ = read_at + cache_ttl_;
  }
  return *snapshot;
}

absl::StatusOr<std::shared_ptr<const CalendarSnapshot>> CalendarStore::ReadAll(
    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::shared_ptr<const CalendarSnapshot>> {
        auto snapshot = std::make_shared<CalendarSnapshot>();
        auto calendar = std::make_shared<WorkingCalendar>();
        for (const auto& row : tx.exec_prepared(kSelectYears)) {
          const int year = row["year"].as<int>();
          auto updated_at = UpdatedAt(row);
          if (!updated_at.ok()) return updated_at.status();
          calendar->MarkYearLoaded(year);
          snapshot->years[year] = CalendarYearRecord{year, {}, *updated_at};
        }
        std::vector<SpecialDay> days;
        for (const auto& row : tx.exec_prepared(kSelectDays)) {
          auto day = DayFromRow(row);
          if (!day.ok()) return day.status();
          auto year = snapshot->years.find(row["year"].as<int>());
          if (year == snapshot->years.end()) return absl::DataLossError("a day without its year");
          year->second.days.push_back(*day);  // in date order (ORDER BY day)
          days.push_back(*std::move(day));
        }
        if (absl::Status s = AddToCalendar(days, *calendar); !s.ok()) return s;
        // Years with no notice yet count the statutory holidays (estimated).
        if (absl::Status s = EstimateUnloadedYears(*calendar); !s.ok()) return s;
        snapshot->calendar = std::move(calendar);
        return std::shared_ptr<const CalendarSnapshot>(std::move(snapshot));
      },
      tx_options);
}

}  // namespace petition::scheduling
