#include "common/pool_metrics.h"

#include <map>
#include <string>
#include <thread>

#include "common/testing/eventually.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace petition {
namespace {

// name{labels} -> value, from the collector's families.
std::map<std::string, double> Samples(const prometheus::Collectable& c) {
  std::map<std::string, double> out;
  for (const auto& f : c.Collect()) {
    for (const auto& m : f.metric) {
      std::string key = f.name;
      for (const auto& l : m.label) key += "{" + l.name + "=" + l.value + "}";
      out[key] = f.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
    }
  }
  return out;
}

TEST(PoolMetrics, GaugesFollowTheLeasesAndWaiters) {
  testing::ScratchSchema schema("poolmetrics");
  prometheus::Registry registry;
  PgPool::Options options;
  options.dsn = schema.dsn();
  options.schema = schema.name();
  options.size = 2;
  options.acquire_timeout = absl::Milliseconds(100);
  auto pool = PgPool::Create(options);
  ASSERT_TRUE(pool.ok()) << pool.status();
  (*pool)->set_acquire_observer(AcquireTimeHistogram(registry));
  PoolCollector collector(pool->get());

  auto s = Samples(collector);
  EXPECT_EQ(s["petition_db_pool_max_connections"], 2);
  EXPECT_EQ(s["petition_db_pool_connections{state=in_use}"], 0);
  EXPECT_EQ(s["petition_db_pool_connections{state=idle}"], 1);  // Create opened one
  EXPECT_EQ(s["petition_db_pool_waiting"], 0);
  EXPECT_EQ(s["petition_db_pool_acquire_timeouts_total"], 0);

  auto a = (*pool)->Acquire();
  auto b = (*pool)->Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  s = Samples(collector);
  EXPECT_EQ(s["petition_db_pool_connections{state=in_use}"], 2);
  EXPECT_EQ(s["petition_db_pool_connections{state=idle}"], 0);

  // A third caller waits, then gives up: the waiter shows while it waits.
  std::thread waiter([&] { EXPECT_FALSE((*pool)->Acquire().ok()); });
  EXPECT_TRUE(testing::Eventually(
      [&] { return Samples(collector)["petition_db_pool_waiting"] == 1; }, absl::Seconds(5)));
  waiter.join();
  s = Samples(collector);
  EXPECT_EQ(s["petition_db_pool_waiting"], 0);
  EXPECT_EQ(s["petition_db_pool_acquire_timeouts_total"], 1);

  // Every acquire was timed, the one that timed out too.
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(text.find("petition_db_pool_acquire_seconds_count 3"), std::string::npos) << text;
  EXPECT_NE(text.find("petition_db_pool_acquire_seconds_bucket{le=\"0.1\"} 2"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace petition
