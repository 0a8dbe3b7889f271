// Supervision at a million open deadlines, against a real PostgreSQL
// (PETITION_TEST_PG_DSN, as ./dev testdb sets it). Prints each measurement and
// its ratio to a baseline measured in the same run on the same table; never
// fails on timing.
//   the scanner's pass (catching up, then the steady pass with nothing to
//   move); baseline: counting every row of the table (a sequential scan);
//   the overdue list, first page and a deep page, all units and one unit;
//   baseline: the same page for one unit by the former query, which folded
//   "past due" through a CASE expression that no index serves.
//
//   supervision_bench [--deadlines=1000000] [--units=50] [--repeat=5]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/dates.h"
#include "common/testing/pg_test_env.h"
#include "common/working_calendar.h"
#include "services/supervision/domain/clock.h"
#include "services/supervision/service/deadline_scanner.h"
#include "services/supervision/store/deadline_store.h"

namespace petition::supervision {
namespace {

// The list as it was: the state filter through a CASE expression.
constexpr char kFormerOverdueList[] =
    "SELECT case_id, kind, due_date FROM deadlines d WHERE ($1 = '' OR "
    "(CASE WHEN d.state IN ('OPEN', 'DUE_SOON') AND d.due_date < $8::date THEN 'OVERDUE' "
    "ELSE d.state END) = $1) "
    "AND ($2 = '' OR d.case_id IN (SELECT t.case_id FROM case_tracks t "
    "WHERE t.handling_unit_ids @> ARRAY[$2]::text[])) "
    "AND ($3 = '' OR d.kind = $3) "
    "AND ($4 = '' OR (d.due_date, d.case_id, d.kind) > ($4::date, $5, $6)) "
    "ORDER BY d.due_date, d.case_id, d.kind LIMIT $7";

class MondayToFriday : public WorkingDayOracle {
 public:
  absl::StatusOr<WorkingDayResult> AddWorkingDays(absl::CivilDay from, int n) override {
    return calendar_.AddWorkingDays(from, n);
  }

 private:
  WorkingCalendar calendar_;
};

struct Flags {
  int deadlines = 1000000;
  int units = 50;
  int repeat = 5;
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name, int* out) {
      const std::string prefix = absl::StrCat("--", name, "=");
      if (arg.rfind(prefix, 0) == 0) {
        if (!absl::SimpleAtoi(arg.substr(prefix.size()), out) || *out < 1) {
          std::fprintf(stderr, "bad %s\n", arg.c_str());
          std::exit(2);
        }
        return true;
      }
      return false;
    };
    if (!value("deadlines", &f.deadlines) && !value("units", &f.units) &&
        !value("repeat", &f.repeat)) {
      std::fprintf(stderr, "usage: supervision_bench [--deadlines=N] [--units=N] [--repeat=N]\n");
      std::exit(2);
    }
  }
  return f;
}

// The median wall time of `repeat` runs, in milliseconds.
template <typename Fn>
double MedianMs(int repeat, Fn&& fn) {
  std::vector<double> ms;
  for (int i = 0; i < repeat; ++i) {
    const absl::Time start = absl::Now();
    fn();
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

void Report(const char* what, double ms, double baseline_ms, const char* baseline) {
  std::printf("%-52s %10.2f ms  %8.4fx %s\n", what, ms, ms / baseline_ms, baseline);
}

int Run(const Flags& flags) {
  testing::ScratchSchema schema("bench_sup");
  auto pool = testing::MigratedPool(schema, SupervisionMigrations(), DeadlineStore::Statements());
  if (pool == nullptr) {
    std::fprintf(stderr, "no database: set PETITION_TEST_PG_DSN (./dev testdb)\n");
    return 1;
  }
  DeadlineStore store(pool.get());
  if (!store.EnsurePolicy(DeadlinePolicy::Regulation()).ok()) return 1;
  const absl::CivilDay today(2026, 6, 1);
  // Open HANDLING deadlines due from 3 days ago to 177 days ahead: a few
  // percent past due, as in a township that keeps up; every unit has its
  // share of each due date.
  const absl::Time loading = absl::Now();
  auto loaded = pool->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    tx.exec_params(
        "INSERT INTO case_tracks (case_id, last_sequence, received_at, channel, category, source, "
        "urgent, handling_unit_ids) SELECT 'case_' || lpad(i::text, 8, '0'), 2, "
        "timestamptz '2026-01-01', 'VISIT', 'OTHER', 'TOWNSHIP', false, "
        "ARRAY['unit_' || ((i / 180) % $2)] FROM generate_series(1, $1) AS i",
        flags.deadlines, flags.units);
    tx.exec_params(
        "INSERT INTO deadlines (case_id, kind, start_date, due_date, state, policy_version, "
        "limit_days, limit_unit) SELECT 'case_' || lpad(i::text, 8, '0'), 'HANDLING', "
        "$2::date - 60, $2::date - 3 + (i % 180), 'OPEN', 1, 60, 'CALENDAR_DAYS' "
        "FROM generate_series(1, $1) AS i",
        flags.deadlines, FormatDate(today));
    tx.exec("ANALYZE case_tracks");
    tx.exec("ANALYZE deadlines");
    return absl::OkStatus();
  });
  if (!loaded.ok()) {
    std::fprintf(stderr, "loading: %s\n", loaded.ToString().c_str());
    return 1;
  }
  std::printf("%d open deadlines over %d units loaded in %.1f s\n", flags.deadlines, flags.units,
              absl::ToDoubleSeconds(absl::Now() - loading));

  const double full_scan = MedianMs(flags.repeat, [&] {
    (void)pool->Read([&](pqxx::transaction_base& tx) -> absl::Status {
      tx.exec("SELECT count(*) FROM deadlines WHERE NOT urgent");
      return absl::OkStatus();
    });
  });
  std::printf("%-52s %10.2f ms  (baseline)\n", "baseline: count every deadline (seq scan)",
              full_scan);

  MondayToFriday oracle;
  ManualClock clock(
      absl::FromCivil(absl::CivilSecond(2026, 6, 1, 10, 0, 0), absl::FixedTimeZone(8 * 3600)));
  DeadlineScanner scanner(&store, &oracle, &clock, {});
  DeadlineScanner::Totals caught_up;
  const double catch_up = MedianMs(1, [&] {
    auto t = scanner.RunOnce();
    if (t.ok()) caught_up = *t;
  });
  Report(absl::StrCat("scanner pass catching up (", caught_up.overdue, " overdue, ",
                      caught_up.due_soon, " due soon)")
             .c_str(),
         catch_up, full_scan, "the seq scan");
  const double steady = MedianMs(flags.repeat, [&] { (void)scanner.RunOnce(); });
  Report("scanner pass, nothing to move", steady, full_scan, "the seq scan");

  DeadlineFilter filter;
  filter.state = "OVERDUE";
  filter.today = today;
  filter.page_size = 51;
  const double first_all = MedianMs(flags.repeat, [&] { (void)store.ListDeadlines(filter); });
  filter.unit_id = "unit_7";
  std::vector<DeadlineRecord> page;
  const double first_unit = MedianMs(flags.repeat, [&] {
    auto rows = store.ListDeadlines(filter);
    if (rows.ok()) page = *rows;
  });
  // The next page.
  if (!page.empty()) {
    const DeadlineRecord& last = page.back();
    filter.after = std::make_tuple(last.due_date, last.case_id, last.kind);
  }
  const double deep_unit = MedianMs(flags.repeat, [&] { (void)store.ListDeadlines(filter); });
  const double former_unit = MedianMs(flags.repeat, [&] {
    (void)pool->Read([&](pqxx::transaction_base& tx) -> absl::Status {
      tx.exec_params(kFormerOverdueList, "OVERDUE", "unit_7", "", "", "", "", 51,
                     FormatDate(today));
      return absl::OkStatus();
    });
  });
  Report("baseline: former overdue list, one unit, first page", former_unit, full_scan,
         "the seq scan");
  Report("overdue list, all units, first page", first_all, former_unit, "the former query");
  Report("overdue list, one unit, first page", first_unit, former_unit, "the former query");
  Report("overdue list, one unit, next page", deep_unit, former_unit, "the former query");
  // The worst case: a unit with nothing overdue walks every overdue row.
  filter.unit_id = "unit_none";
  filter.after.reset();
  const double none_unit = MedianMs(flags.repeat, [&] { (void)store.ListDeadlines(filter); });
  Report("overdue list, a unit with none overdue", none_unit, former_unit, "the former query");
  return 0;
}

}  // namespace
}  // namespace petition::supervision

int main(int argc, char** argv) {
  return petition::supervision::Run(petition::supervision::ParseFlags(argc, argv));
}
