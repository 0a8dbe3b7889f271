// Configuration: Abseil flags, each overridable by the environment.
// For a flag `pg_dsn` of service `intake` the lookup order is: command line,
// PETITION_INTAKE_PG_DSN, PETITION_PG_DSN, the flag's default.
#ifndef PETITION_COMMON_CONFIG_H_
#define PETITION_COMMON_CONFIG_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace petition {

// Environment variable names consulted for `flag` of `service`, most specific first.
std::vector<std::string> EnvNamesForFlag(std::string_view service, std::string_view flag);

// Applies environment overrides to every flag defined in this program, given
// `getenv`-like lookup (tests pass their own). Unknown values are an error.
absl::Status ApplyEnvOverrides(std::string_view service,
                               const char* (*lookup)(const char*) = nullptr);

// Env overrides, then the command line (which wins); then names the log's
// service and applies --log_level (a flag every process has). Exits with a
// message on a bad value. Returns positional arguments.
std::vector<char*> InitConfig(std::string_view service, int argc, char** argv);

}  // namespace petition

#endif  // PETITION_COMMON_CONFIG_H_
