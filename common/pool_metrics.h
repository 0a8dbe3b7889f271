// The PostgreSQL pool's metrics, read from PgPool::stats() on each scrape (a lock and five
// integers) and from its acquire callback:
//   petition_db_pool_max_connections               the pool's size (--pg_pool_size)
//   petition_db_pool_connections{state}            in_use | idle
//   petition_db_pool_waiting                       callers waiting for a connection now
//   petition_db_pool_acquire_timeouts_total        callers that gave up waiting
//   petition_db_pool_acquire_seconds               how long getting a connection took (histogram)
#ifndef PETITION_COMMON_POOL_METRICS_H_
#define PETITION_COMMON_POOL_METRICS_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "common/pg_pool.h"
#include "prometheus/collectable.h"
#include "prometheus/registry.h"

namespace petition {

// The gauges of `pool`; it must outlive the collectable's registration (Metrics::Unregister).
class PoolCollector : public prometheus::Collectable {
 public:
  explicit PoolCollector(const PgPool* pool) : pool_(pool) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const PgPool* pool_;
};

// For PgPool::set_acquire_observer: observes into petition_db_pool_acquire_seconds.
std::function<void(absl::Duration)> AcquireTimeHistogram(prometheus::Registry& registry);

}  // namespace petition

#endif  // PETITION_COMMON_POOL_METRICS_H_
