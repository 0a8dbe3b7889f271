// Gauges that answer the office's questions (cases by status, registrations today, ...),
// computed from the database by the service that owns the data, on an interval by a thread of
// their own: a scrape never runs a query, and however often Prometheus (or several of them)
// scrape, the database sees one set of queries per interval per replica, all of them in one
// read-only transaction (an idle office's database sees one commit per interval per replica).
//
// A new gauge is a few lines in the owning service's main.cc:
//
//   ctx.gauges->Add({"petition_cases", "Cases by status and category.", {"status", "category"},
//                    DomainGauges::Sql("SELECT status, category, count(*) FROM cases GROUP BY 1,
//                    2")});
//
// The query returns one row per series: the label values in the order of `labels`, then the
// value. Where the numbers are computed rather than stored (reception sessions come from plans
// and the calendar), AddComputed takes code that returns the same rows instead of a query. Labels
// must come from small fixed sets (statuses, categories, units), never ids, names or free text. A
// series that a later run no longer returns reads 0 (a status nobody is in any more), so graphs and
// alerts see the drop rather than a gap.
#ifndef PETITION_COMMON_DOMAIN_GAUGES_H_
#define PETITION_COMMON_DOMAIN_GAUGES_H_

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/pg_pool.h"
#include "pqxx/pqxx"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace petition {

class DomainGauges {
 public:
  using Query = std::function<pqxx::result(pqxx::transaction_base&)>;
  // Label values (in the order of Spec::labels) -> value.
  using Values = std::map<std::vector<std::string>, double>;
  using Compute = std::function<absl::StatusOr<Values>()>;
  struct Spec {
    std::string name;  // petition_..., base units (seconds, bytes), no _total
    std::string help;
    std::vector<std::string> labels;
    Query query;
  };

  // A query without parameters.
  static Query Sql(std::string sql);

  DomainGauges(PgPool* pool, prometheus::Registry* registry, absl::Duration interval);
  ~DomainGauges();

  // Before Start().
  void Add(Spec spec);
  // `spec.query` unused: `compute` gives the values (bounded in time by its own means).
  void AddComputed(Spec spec, Compute compute);
  bool empty() const { return gauges_.empty(); }

  // Runs every query once, now (the thread does this every interval), in one transaction, each
  // query in a savepoint. A query that fails keeps its last values, is logged and counted in
  // petition_domain_gauge_errors_total; the others still run.
  absl::Status RefreshOnce();

  // A thread refreshing every interval, the first time at once. Does nothing when empty.
  void Start();
  void Stop();

 private:
  struct Gauge {
    Spec spec;
    Compute compute;  // when set, instead of spec.query
    prometheus::Family<prometheus::Gauge>* family = nullptr;
    std::map<std::vector<std::string>, prometheus::Gauge*> series;  // by label values
  };
  // One gauge's query, inside the refresh's transaction.
  absl::StatusOr<Values> Evaluate(const Gauge& gauge, pqxx::transaction_base& tx);
  absl::Status Apply(Gauge& gauge, const absl::StatusOr<Values>& computed);
  void Run();

  PgPool* pool_;
  prometheus::Registry* registry_;
  absl::Duration interval_;
  prometheus::Family<prometheus::Counter>* errors_ = nullptr;
  prometheus::Gauge* last_success_ = nullptr;
  std::vector<Gauge> gauges_;  // refreshed by one thread at a time (refresh_mu_)
  absl::Mutex refresh_mu_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace petition

#endif  // PETITION_COMMON_DOMAIN_GAUGES_H_
