// Metrics every process exports besides its own: what the process costs (read from
// /proc/self on each scrape; prometheus-cpp has no process collector) and which build it runs.
//   process_resident_memory_bytes, process_virtual_memory_bytes, process_cpu_seconds_total,
//   process_open_fds, process_max_fds, process_start_time_seconds, process_threads
//   petition_build_info{version,revision} 1
// The process_* names and meanings are those of the Prometheus client libraries, so the
// usual dashboards and alerts work unchanged.
#ifndef PETITION_COMMON_PROCESS_METRICS_H_
#define PETITION_COMMON_PROCESS_METRICS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace petition {

// The version and the source revision the binary was built from (cmake/build_info.cmake).
const char* BuildVersion();
const char* BuildRevision();

// The fields of /proc/self/stat a process collector needs.
struct ProcStat {
  double utime_ticks = 0;
  double stime_ticks = 0;
  double start_ticks = 0;  // since boot
  double virtual_bytes = 0;
  double resident_pages = 0;
  double threads = 0;
};

// Parses the text of /proc/<pid>/stat (the command name may hold spaces and parentheses).
absl::StatusOr<ProcStat> ParseProcStat(absl::string_view text);

// The soft limit of "Max open files" in the text of /proc/<pid>/limits; -1 when unlimited.
absl::StatusOr<double> ParseMaxOpenFiles(absl::string_view limits);

class ProcessCollector : public prometheus::Collectable {
 public:
  // `proc_dir` is /proc/self normally; tests point it elsewhere.
  explicit ProcessCollector(std::string proc_dir = "/proc/self");
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::string proc_dir_;
  double ticks_per_second_;
  double page_size_;
  double boot_time_seconds_;  // from /proc/stat btime; 0 when unreadable
};

}  // namespace petition

#endif  // PETITION_COMMON_PROCESS_METRICS_H_
