#include "common/metrics.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace petition {
namespace {

double Value(prometheus::Registry& registry, const std::string& name,
             const std::map<std::string, std::string>& want) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& label : metric.label) labels[label.name] = label.value;
      if (labels == want) {
        return name == "grpc_server_handling_seconds"
                   ? static_cast<double>(metric.histogram.sample_count)
                   : metric.counter.value;
      }
    }
  }
  return -1;
}

TEST(MetricsTest, HandlesAreMadeOncePerMethodAndRecordByCode) {
  absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Start("127.0.0.1", 0);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  Metrics::MethodMetrics& a = (*metrics)->ForMethod("/petition.intake.v1.Intake/GetCase");
  EXPECT_EQ(&a, &(*metrics)->ForMethod("/petition.intake.v1.Intake/GetCase"));
  EXPECT_NE(&a, &(*metrics)->ForMethod("/petition.intake.v1.Intake/RegisterCase"));
  a.Record(absl::StatusCode::kOk, 0.01);
  a.Record(absl::StatusCode::kOk, 0.02);
  a.Record(absl::StatusCode::kNotFound, 0.01);
  prometheus::Registry& registry = (*metrics)->registry();
  const std::map<std::string, std::string> method = {{"grpc_service", "petition.intake.v1.Intake"},
                                                     {"grpc_method", "GetCase"}};
  auto with_code = [&](const char* code) {
    auto labels = method;
    labels["grpc_code"] = code;
    return labels;
  };
  EXPECT_EQ(Value(registry, "grpc_server_handled_total", with_code("OK")), 2);
  EXPECT_EQ(Value(registry, "grpc_server_handled_total", with_code("NOT_FOUND")), 1);
  EXPECT_EQ(Value(registry, "grpc_server_handled_total", with_code("INTERNAL")), -1);
  EXPECT_EQ(Value(registry, "grpc_server_handling_seconds", method), 3);
}

}  // namespace
}  // namespace petition
