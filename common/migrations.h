// Numbered .sql files per service, embedded in the binary at build time
// (cmake/embed_migrations.cmake), applied in order at start under an advisory
// lock and recorded in <schema>.schema_migrations with their SHA-256. A file
// that changed after it was applied is a start-up error.
#ifndef PETITION_COMMON_MIGRATIONS_H_
#define PETITION_COMMON_MIGRATIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "pqxx/pqxx"

namespace petition {

struct Migration {
  int version;       // from the file name: 0001_cases.sql -> 1
  std::string name;  // the file name
  std::string sql;
};

// Checks versions are unique and ascending (FAILED_PRECONDITION otherwise).
absl::Status ValidateMigrations(const std::vector<Migration>& migrations);

// Applies what is missing, each file in its own transaction, inside `schema`
// (which must exist). Returns how many were applied through `applied`.
absl::Status ApplyMigrations(pqxx::connection& conn, std::string_view schema,
                             const std::vector<Migration>& migrations, int* applied = nullptr);

// Hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace petition

#endif  // PETITION_COMMON_MIGRATIONS_H_
