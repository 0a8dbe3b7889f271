// For tests that need a real PostgreSQL: PETITION_TEST_PG_DSN names a
// superuser connection (./dev test sets it). Each test works in a schema or a
// database of its own, so tests can run in parallel.
#ifndef PETITION_COMMON_TESTING_PG_TEST_ENV_H_
#define PETITION_COMMON_TESTING_PG_TEST_ENV_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/migrations.h"
#include "common/pg_pool.h"

namespace petition::testing {

// The superuser DSN; fails the calling test (ADD_FAILURE) and returns "" when unset.
std::string AdminDsn();

// A schema created for one test and dropped at destruction.
class ScratchSchema {
 public:
  explicit ScratchSchema(std::string_view prefix);
  ~ScratchSchema();
  const std::string& name() const { return name_; }
  const std::string& dsn() const { return dsn_; }

 private:
  std::string name_;
  std::string dsn_;
};

// Applies `migrations` to `schema` and opens a pool on it with `statements`
// prepared; nullptr (and a test failure) when either step fails.
std::unique_ptr<PgPool> MigratedPool(const ScratchSchema& schema,
                                     const std::vector<Migration>& migrations,
                                     const std::vector<PgStatement>& statements);

// A database created for one test (and its service schemas and roles, per
// deploy/postgres/database.sql), dropped at destruction.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(std::string_view prefix);
  ~ScratchDatabase();
  const std::string& name() const { return name_; }
  // DSN for `role` (intake, scheduling, supervision, or "" for the superuser).
  std::string DsnFor(std::string_view role) const;

 private:
  std::string name_;
  std::string admin_dsn_;
};

}  // namespace petition::testing

#endif  // PETITION_COMMON_TESTING_PG_TEST_ENV_H_
