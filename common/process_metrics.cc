#include "common/process_metrics.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "petition_build_info.h"  // generated: PETITION_BUILD_VERSION, PETITION_BUILD_REVISION

namespace petition {
namespace {

bool ReadSmallFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in.good()) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

prometheus::MetricFamily Family(const char* name, const char* help, prometheus::MetricType type,
                                double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
  return family;
}

double BootTimeSeconds() {
  std::string text;
  if (!ReadSmallFile("/proc/stat", &text)) return 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, "btime ")) {
      double v = 0;
      if (absl::SimpleAtod(absl::StripAsciiWhitespace(line), &v)) return v;
    }
  }
  return 0;
}

}  // namespace

const char* BuildVersion() { return PETITION_BUILD_VERSION; }
const char* BuildRevision() { return PETITION_BUILD_REVISION; }

absl::StatusOr<ProcStat> ParseProcStat(absl::string_view text) {
  // "pid (comm) state ppid ...": comm is whatever the process named itself, so the fields
  // start after the last ')'.
  const size_t close = text.rfind(')');
  if (close == absl::string_view::npos) return absl::InvalidArgumentError("stat: no command name");
  std::vector<absl::string_view> f =
      absl::StrSplit(text.substr(close + 1), ' ', absl::SkipWhitespace());
  // f[0] is field 3 (state); field n is f[n - 3].
  if (f.size() < 22) return absl::InvalidArgumentError("stat: too few fields");
  ProcStat stat;
  auto num = [&](int field, double* out) {
    return absl::SimpleAtod(absl::StripAsciiWhitespace(f[field - 3]), out);
  };
  if (!num(14, &stat.utime_ticks) || !num(15, &stat.stime_ticks) || !num(20, &stat.threads) ||
      !num(22, &stat.start_ticks) || !num(23, &stat.virtual_bytes) ||
      !num(24, &stat.resident_pages)) {
    return absl::InvalidArgumentError("stat: a field is not a number");
  }
  return stat;
}

absl::StatusOr<double> ParseMaxOpenFiles(absl::string_view limits) {
  for (absl::string_view line : absl::StrSplit(limits, '\n')) {
    if (!absl::ConsumePrefix(&line, "Max open files")) continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (f.empty()) break;
    if (f[0] == "unlimited") return -1.0;
    double v = 0;
    if (absl::SimpleAtod(f[0], &v)) return v;
    break;
  }
  return absl::InvalidArgumentError("limits: no Max open files line");
}

ProcessCollector::ProcessCollector(std::string proc_dir)
    : proc_dir_(std::move(proc_dir)),
      ticks_per_second_(static_cast<double>(sysconf(_SC_CLK_TCK))),
      page_size_(static_cast<double>(sysconf(_SC_PAGESIZE))),
      boot_time_seconds_(BootTimeSeconds()) {}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  std::string text;
  if (ReadSmallFile(proc_dir_ + "/stat", &text)) {
    if (auto stat = ParseProcStat(text); stat.ok()) {
      out.push_back(Family("process_cpu_seconds_total",
                           "Total user and system CPU time spent in seconds.", MetricType::Counter,
                           (stat->utime_ticks + stat->stime_ticks) / ticks_per_second_));
      out.push_back(Family("process_resident_memory_bytes", "Resident memory size in bytes.",
                           MetricType::Gauge, stat->resident_pages * page_size_));
      out.push_back(Family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                           MetricType::Gauge, stat->virtual_bytes));
      out.push_back(Family("process_threads", "Number of OS threads in the process.",
                           MetricType::Gauge, stat->threads));
      if (boot_time_seconds_ > 0) {
        out.push_back(Family(
            "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
            MetricType::Gauge, boot_time_seconds_ + stat->start_ticks / ticks_per_second_));
      }
    }
  }
  std::error_code ec;
  double fds = 0;
  for (std::filesystem::directory_iterator it(proc_dir_ + "/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++fds;
  }
  if (!ec) {
    // The directory iterator's own descriptor is counted too, as other clients do.
    out.push_back(
        Family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, fds));
  }
  if (ReadSmallFile(proc_dir_ + "/limits", &text)) {
    if (auto max = ParseMaxOpenFiles(text); max.ok() && *max >= 0) {
      out.push_back(Family("process_max_fds", "Maximum number of open file descriptors.",
                           MetricType::Gauge, *max));
    }
  }
  return out;
}

}  // namespace petition
