#include "common/process_metrics.h"

#include <unistd.h>

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace petition {
namespace {

std::map<std::string, double> Values(const std::vector<prometheus::MetricFamily>& families) {
  std::map<std::string, double> out;
  for (const auto& f : families) {
    EXPECT_EQ(f.metric.size(), 1u) << f.name;
    if (f.metric.empty()) continue;
    out[f.name] = f.type == prometheus::MetricType::Counter ? f.metric[0].counter.value
                                                            : f.metric[0].gauge.value;
  }
  return out;
}

TEST(ParseProcStat, ReadsTheFieldsAfterACommandNameWithSpacesAndParentheses) {
  // Fields 14 utime, 15 stime, 20 threads, 22 starttime, 23 vsize, 24 rss.
  const std::string text =
      "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 "
      "250 50 0 0 20 0 7 0 12345 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 "
      "17 0 0 0 0 0 0\n";
  auto stat = ParseProcStat(text);
  ASSERT_TRUE(stat.ok()) << stat.status();
  EXPECT_EQ(stat->utime_ticks, 250);
  EXPECT_EQ(stat->stime_ticks, 50);
  EXPECT_EQ(stat->threads, 7);
  EXPECT_EQ(stat->start_ticks, 12345);
  EXPECT_EQ(stat->virtual_bytes, 104857600);
  EXPECT_EQ(stat->resident_pages, 2560);
}

TEST(ParseProcStat, RejectsTruncatedText) {
  EXPECT_FALSE(ParseProcStat("12 (x) S 1 2 3").ok());
  EXPECT_FALSE(ParseProcStat("no parenthesis").ok());
}

TEST(ParseMaxOpenFiles, ReadsTheSoftLimit) {
  const std::string limits =
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max cpu time              unlimited            unlimited            seconds   \n"
      "Max open files            4096                 20000                files     \n";
  auto max = ParseMaxOpenFiles(limits);
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(*max, 4096);
  EXPECT_EQ(*ParseMaxOpenFiles("Max open files            unlimited            unlimited  files"),
            -1);
  EXPECT_FALSE(ParseMaxOpenFiles("Max processes 10 10 processes").ok());
}

TEST(ProcessCollector, ReportsThisProcess) {
  ProcessCollector collector;
  auto values = Values(collector.Collect());
  ASSERT_EQ(values.count("process_resident_memory_bytes"), 1u);
  EXPECT_GT(values["process_resident_memory_bytes"], 1 << 20);
  EXPECT_GT(values["process_virtual_memory_bytes"], values["process_resident_memory_bytes"]);
  EXPECT_GE(values["process_threads"], 1);
  EXPECT_GE(values["process_cpu_seconds_total"], 0);
  EXPECT_GT(values["process_start_time_seconds"], 1.5e9);  // after 2017
  ASSERT_EQ(values.count("process_open_fds"), 1u);

  // A file opened is one more descriptor.
  const double before = values["process_open_fds"];
  FILE* f = std::fopen("/proc/self/stat", "r");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Values(collector.Collect())["process_open_fds"], before + 1);
  std::fclose(f);

  // CPU time grows with work.
  const double cpu = values["process_cpu_seconds_total"];
  volatile double sink = 0;
  while (Values(collector.Collect())["process_cpu_seconds_total"] <= cpu) {
    for (int i = 0; i < 1000000; ++i) sink = sink + i;
  }
}

TEST(ProcessCollector, AMissingProcDirectoryReportsNothingRatherThanFailing) {
  ProcessCollector collector("/nonexistent/proc/self");
  EXPECT_TRUE(collector.Collect().empty());
}

TEST(BuildInfo, NamesAVersionAndARevision) {
  EXPECT_STRNE(BuildVersion(), "");
  EXPECT_STRNE(BuildRevision(), "");
}

}  // namespace
}  // namespace petition
