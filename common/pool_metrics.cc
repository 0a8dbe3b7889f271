#include "common/pool_metrics.h"

#include <string>
#include <utility>

#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"

namespace petition {
namespace {

prometheus::MetricFamily Family(const char* name, const char* help, prometheus::MetricType type) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  return family;
}

prometheus::ClientMetric Gauge(double value, std::vector<prometheus::ClientMetric::Label> labels) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  return m;
}

}  // namespace

std::vector<prometheus::MetricFamily> PoolCollector::Collect() const {
  using prometheus::MetricType;
  const PgPool::Stats stats = pool_->stats();
  std::vector<prometheus::MetricFamily> out;
  out.push_back(Family("petition_db_pool_max_connections",
                       "PostgreSQL connections the pool may open at most.", MetricType::Gauge));
  out.back().metric.push_back(Gauge(stats.size, {}));
  out.push_back(Family("petition_db_pool_connections",
                       "PostgreSQL connections open, by state (in_use: leased to a call).",
                       MetricType::Gauge));
  out.back().metric.push_back(Gauge(stats.in_use, {{"state", "in_use"}}));
  out.back().metric.push_back(Gauge(stats.open - stats.in_use, {{"state", "idle"}}));
  out.push_back(Family("petition_db_pool_waiting",
                       "Calls waiting for a free PostgreSQL connection now.", MetricType::Gauge));
  out.back().metric.push_back(Gauge(stats.waiting, {}));
  out.push_back(Family("petition_db_pool_acquire_timeouts_total",
                       "Calls that found no free PostgreSQL connection in time.",
                       MetricType::Counter));
  prometheus::ClientMetric timeouts;
  timeouts.counter.value = static_cast<double>(stats.acquire_timeouts);
  out.back().metric.push_back(std::move(timeouts));
  return out;
}

std::function<void(absl::Duration)> AcquireTimeHistogram(prometheus::Registry& registry) {
  prometheus::Histogram* histogram =
      &prometheus::BuildHistogram()
           .Name("petition_db_pool_acquire_seconds")
           .Help("Time to get a PostgreSQL connection from the pool, timeouts included.")
           .Register(registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{0.0001, 0.0005, 0.001, 0.005, 0.01,
                                                            0.05, 0.1, 0.5, 1, 2.5, 5});
  return [histogram](absl::Duration waited) { histogram->Observe(absl::ToDoubleSeconds(waited)); };
}

}  // namespace petition
