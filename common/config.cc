#include "common/config.h"

#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/log.h"

ABSL_FLAG(std::string, log_level, "info",
          "Least severe log level written: debug, info, warn, error.");
ABSL_FLAG(std::string, log_file, "",
          "Write the log (and all other output) to this file, rotated by size; empty: stderr.");
ABSL_FLAG(int, log_file_max_mb, 10, "--log_file: rotate when the file reaches this many MiB.");
ABSL_FLAG(int, log_file_keep, 5, "--log_file: rotated copies kept (<file>.1 the newest).");

namespace petition {
namespace {

bool IsProjectFlag(const absl::CommandLineFlag& flag) {
  // Abseil's own flags (flagfile, helpfull, ...) are not configuration.
  return !absl::StrContains(flag.Filename(), "absl/");
}

}  // namespace

std::vector<std::string> EnvNamesForFlag(std::string_view service, std::string_view flag) {
  std::string svc = absl::AsciiStrToUpper(std::string(service));
  std::string name = absl::AsciiStrToUpper(std::string(flag));
  return {absl::StrCat("PETITION_", svc, "_", name), absl::StrCat("PETITION_", name)};
}

absl::Status ApplyEnvOverrides(std::string_view service, const char* (*lookup)(const char*)) {
  if (lookup == nullptr) lookup = [](const char* n) -> const char* { return std::getenv(n); };
  for (auto& [name, flag] : absl::GetAllFlags()) {
    if (!IsProjectFlag(*flag)) continue;
    for (const std::string& env : EnvNamesForFlag(service, std::string(name))) {
      const char* value = lookup(env.c_str());
      if (value == nullptr) continue;
      std::string error;
      if (!flag->ParseFrom(value, &error)) {
        return absl::InvalidArgumentError(
            absl::StrCat("environment ", env, "=\"", value, "\": ", error));
      }
      break;  // the most specific name wins
    }
  }
  return absl::OkStatus();
}

std::vector<char*> InitConfig(std::string_view service, int argc, char** argv) {
  if (absl::Status s = ApplyEnvOverrides(service); !s.ok()) {
    std::cerr << service << ": " << s.message() << std::endl;
    std::exit(2);
  }
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (absl::Status s = InitClockFromFlags(); !s.ok()) {
    std::cerr << service << ": " << s.message() << std::endl;
    std::exit(2);
  }
  // Debian's Abseil is built with mutex deadlock detection on: a global graph
  // of lock orders updated on every contended lock. A diagnostic for
  // development, not production; off here.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  log::SetService(service);
  const std::string level = absl::GetFlag(FLAGS_log_level);
  if (level == "debug") {
    log::SetMinLevel(log::Level::kDebug);
  } else if (level == "warn") {
    log::SetMinLevel(log::Level::kWarn);
  } else if (level == "error") {
    log::SetMinLevel(log::Level::kError);
  } else if (level == "info") {
    log::SetMinLevel(log::Level::kInfo);
  } else {
    std::cerr << service << ": --log_level must be debug, info, warn or error" << std::endl;
    std::exit(2);
  }
  if (const std::string file = absl::GetFlag(FLAGS_log_file); !file.empty()) {
    const int max_mb = absl::GetFlag(FLAGS_log_file_max_mb);
    const int keep = absl::GetFlag(FLAGS_log_file_keep);
    if (max_mb < 1 || max_mb > 1024 || keep < 0 || keep > 100) {
      std::cerr << service << ": --log_file_max_mb must be 1..1024 and --log_file_keep 0..100"
                << std::endl;
      std::exit(2);
    }
    if (absl::Status s = log::SetLogFile(file, int64_t{max_mb} << 20, keep); !s.ok()) {
      std::cerr << service << ": " << s.message() << std::endl;
      std::exit(2);
    }
  }
  return positional;
}

}  // namespace petition
