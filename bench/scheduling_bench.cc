// Micro benchmarks of scheduling's pure rules. Each prints its cost against
// a baseline measured in the same run; none fails on timing.
//   AddWorkingDays over a 10-year calendar (2025-2034: two loaded notices,
//   eight estimated years), goal <= 100 ns a call; baseline: stepping a
//   CivilDay over the same number of calendar days.
//   Expanding one year of sessions for 50 units; baseline: listing the
//   planned days alone (no calendar, no shift).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "services/scheduling/domain/reception_plan.h"
#include "services/scheduling/domain/seeded_calendar.h"

namespace petition::scheduling {
namespace {

constexpr int kWorkingDays = 10;  // the typical limit (简易办理: 10 working days)

// Start days spread over 2025-2034, so every year is crossed.
const std::vector<absl::CivilDay>& StartDays() {
  static const auto* days = [] {
    auto* out = new std::vector<absl::CivilDay>();
    std::mt19937 rng(12026);
    std::uniform_int_distribution<int> offset(0, 10 * 365 - 30);
    for (int i = 0; i < 4096; ++i) out->push_back(absl::CivilDay(2025, 1, 1) + offset(rng));
    return out;
  }();
  return *days;
}

void BM_Baseline_CivilDaySteps(benchmark::State& state) {
  const auto& starts = StartDays();
  size_t i = 0;
  for (auto _ : state) {
    absl::CivilDay d = starts[i++ & 4095];
    for (int k = 0; k < kWorkingDays * 7 / 5; ++k) {
      ++d;
      benchmark::DoNotOptimize(absl::GetWeekday(d));
    }
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_Baseline_CivilDaySteps);

void BM_AddWorkingDays(benchmark::State& state) {
  const WorkingCalendar& calendar = SeededCalendar();
  const auto& starts = StartDays();
  const int n = static_cast<int>(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    auto r = calendar.AddWorkingDays(starts[i++ & 4095], n);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_AddWorkingDays)->Arg(kWorkingDays)->Arg(1)->Arg(250);

std::vector<ReceptionPlan> FiftyUnits() {
  std::vector<ReceptionPlan> plans;
  const absl::Weekday weekdays[] = {absl::Weekday::monday, absl::Weekday::tuesday,
                                    absl::Weekday::wednesday, absl::Weekday::thursday,
                                    absl::Weekday::friday};
  const HolidayPolicy policies[] = {HolidayPolicy::kPostpone, HolidayPolicy::kAdvance,
                                    HolidayPolicy::kSkip};
  for (int u = 0; u < 50; ++u) {
    ReceptionPlan p;
    if (u % 5 == 0) {
      p.recurrence.days_of_month = {15, 25};
    } else {
      p.recurrence.weekdays = {weekdays[u % 5]};
      if (u % 7 == 0) p.recurrence.weekdays.push_back(weekdays[(u + 2) % 5]);
    }
    p.part = u % 3 == 0 ? PartOfDay::kFullDay : PartOfDay::kMorning;
    p.holiday_policy = policies[u % 3];
    p.start_date = absl::CivilDay(2026, 1, 1);
    p.rotation = {"a", "b", "c"};
    plans.push_back(p);
  }
  return plans;
}

void BM_Baseline_PlannedDays50Units(benchmark::State& state) {
  const std::vector<ReceptionPlan> plans = FiftyUnits();
  for (auto _ : state) {
    size_t total = 0;
    for (const ReceptionPlan& p : plans) {
      total += PlannedDays(p, absl::CivilDay(2026, 1, 1), absl::CivilDay(2027, 12, 31)).size();
    }
    benchmark::DoNotOptimize(total);
  }
}
BENCHMARK(BM_Baseline_PlannedDays50Units)->Unit(benchmark::kMicrosecond);

// One year (2027, estimated) for 50 plans that started in 2026: the sessions
// are numbered from the start, so 2026 is expanded too.
void BM_ExpandYear50Units(benchmark::State& state) {
  const WorkingCalendar& calendar = SeededCalendar();
  const std::vector<ReceptionPlan> plans = FiftyUnits();
  size_t sessions = 0;
  for (auto _ : state) {
    sessions = 0;
    for (const ReceptionPlan& p : plans) {
      auto s = ExpandPlan(p, calendar, absl::CivilDay(2027, 1, 1), absl::CivilDay(2027, 12, 31));
      sessions += s->size();
    }
    benchmark::DoNotOptimize(sessions);
  }
  state.counters["sessions"] = static_cast<double>(sessions);
}
BENCHMARK(BM_ExpandYear50Units)->Unit(benchmark::kMicrosecond);

// Keeps every run's time per iteration (ns) to print the ratios at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && run.iterations > 0) {
        // CPU time: the machine may be shared, and every benchmark here is
        // one thread.
        ns_[run.benchmark_name()] = run.GetAdjustedCPUTime() *
                                    benchmark::GetTimeUnitMultiplier(benchmark::kNanosecond) /
                                    benchmark::GetTimeUnitMultiplier(run.time_unit);
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void PrintRatios() const {
    auto get = [&](const std::string& name) {
      auto it = ns_.find(name);
      return it == ns_.end() ? -1.0 : it->second;
    };
    const double add = get("BM_AddWorkingDays/10");
    const double steps = get("BM_Baseline_CivilDaySteps");
    if (add > 0 && steps > 0) {
      std::printf(
          "AddWorkingDays(10) over 2025-2034: %.1f ns CPU (goal <= 100 ns: %s); %.2fx stepping "
          "a CivilDay over the same days (%.1f ns)\n",
          add, add <= 100 ? "met" : "NOT met", add / steps, steps);
    }
    const double expand = get("BM_ExpandYear50Units");
    const double planned = get("BM_Baseline_PlannedDays50Units");
    if (expand > 0 && planned > 0) {
      std::printf(
          "one year of sessions for 50 units: %.1f us CPU; %.2fx listing their planned days "
          "(%.1f us)\n",
          expand / 1000, expand / planned, planned / 1000);
    }
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace
}  // namespace petition::scheduling

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  petition::scheduling::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
