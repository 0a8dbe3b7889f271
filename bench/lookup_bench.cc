// The petitioner's look-up by query code (GET /v1/lookup/{queryCode}) against
// PostgreSQL (PETITION_TEST_PG_DSN, as the tests): how long a miss takes for
// a guess that shares all but its last character with a real code, against
// one that shares none, with a hit as the baseline. The look-up goes by the
// keyed hash of the code, so the two misses should cost the same: the ratio
// is printed, never checked (timings are the machine's).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/ids.h"
#include "common/testing/pg_test_env.h"
#include "services/intake/store/case_store.h"
#include "services/intake/store/lookup_store.h"

namespace petition::intake {
namespace {

constexpr int kCases = 2000;

struct Fixture {
  testing::ScratchSchema schema{"lookupbench"};
  std::unique_ptr<PgPool> pool;
  std::unique_ptr<LookupStore> lookup;
  std::vector<std::string> codes;
};

Fixture& Shared() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    std::vector<PgStatement> statements = CaseStore::Statements();
    for (const PgStatement& s : LookupStore::Statements()) statements.push_back(s);
    fx->pool = testing::MigratedPool(fx->schema, IntakeMigrations(), statements);
    if (fx->pool == nullptr) return fx;
    fx->lookup = std::make_unique<LookupStore>(fx->pool.get());
    for (int i = 0; i < kCases; ++i) fx->codes.push_back(NewQueryCode());
    pqxx::connection conn(fx->schema.dsn());
    pqxx::work tx(conn);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(fx->schema.name()));
    for (const std::string& code : fx->codes) {
      tx.exec_params(
          "INSERT INTO cases (case_id, query_code, status, source, channel, received_at, "
          "received_by, headcount, collective, category, subject, content) VALUES "
          "($1, $2, 'REGISTERED', 'TOWNSHIP', 'VISIT', now(), 'off_bench', 1, false, 'OTHER', "
          "'s', 'c')",
          NewId("case"), code);
    }
    tx.commit();
    return fx;
  }();
  return *f;
}

// A guess sharing every character of a real code but the last.
std::string Near(const std::string& code) {
  std::string near = code;
  near.back() = near.back() == 'A' ? 'B' : 'A';
  return near;
}

void Run(benchmark::State& state, const std::function<std::string(size_t)>& code_of,
         bool expect_found) {
  Fixture& f = Shared();
  if (f.lookup == nullptr) {
    state.SkipWithError("no PostgreSQL (PETITION_TEST_PG_DSN)");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    auto row = f.lookup->Find(code_of(i++ % f.codes.size()));
    if (row.ok() != expect_found) state.SkipWithError("unexpected look-up result");
    benchmark::DoNotOptimize(row);
  }
}

void BM_Baseline_Hit(benchmark::State& state) {
  Run(
      state, [](size_t i) { return Shared().codes[i]; }, true);
}
BENCHMARK(BM_Baseline_Hit)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_MissSharingAllButOne(benchmark::State& state) {
  Run(
      state, [](size_t i) { return Near(Shared().codes[i]); }, false);
}
BENCHMARK(BM_MissSharingAllButOne)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_MissSharingNone(benchmark::State& state) {
  static const std::vector<std::string>* others = [] {
    auto* out = new std::vector<std::string>();
    for (int i = 0; i < kCases; ++i) out->push_back(NewQueryCode());
    return out;
  }();
  Run(
      state, [](size_t i) { return (*others)[i]; }, false);
}
BENCHMARK(BM_MissSharingNone)->Unit(benchmark::kMicrosecond)->UseRealTime();

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) ns_[r.benchmark_name()] = r.GetAdjustedRealTime();
    ConsoleReporter::ReportRuns(runs);
  }
  void PrintRatios() const {
    auto get = [&](const char* name) {
      auto it = ns_.find(name);
      return it == ns_.end() ? 0.0 : it->second;
    };
    const double near = get("BM_MissSharingAllButOne/real_time");
    const double none = get("BM_MissSharingNone/real_time");
    const double hit = get("BM_Baseline_Hit/real_time");
    if (near > 0 && none > 0 && hit > 0) {
      std::printf(
          "a miss sharing 11 of 12 characters: %.2fx a miss sharing none (%.1f vs %.1f us); "
          "a hit %.1f us\n",
          near / none, near, none, hit);
    }
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace
}  // namespace petition::intake

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  petition::intake::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
