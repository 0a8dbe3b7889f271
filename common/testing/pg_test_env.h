// For tests that need a real PostgreSQL: PETITION_TEST_PG_DSN names a
// superuser connection (./dev test sets it). Each test works in a schema or a
// database of its own, so tests can run in parallel.
#ifndef PETITION_COMMON_TESTING_PG_TEST_ENV_H_
#define PETITION_COMMON_TESTING_PG_TEST_ENV_H_

#include <string>
#include <string_view>

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
