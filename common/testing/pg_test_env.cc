#include "common/testing/pg_test_env.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"

namespace petition::testing {
namespace {

std::string UniqueName(std::string_view prefix) {
  return absl::AsciiStrToLower(
      absl::StrCat("t_", std::string(prefix), "_", NewId("x").substr(2, 12)));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string SourceDir() {
  const char* dir = std::getenv("PETITION_SOURCE_DIR");
  return dir != nullptr ? dir : PETITION_SOURCE_DIR_DEFAULT;
}

// Replaces (or adds) dbname=... in a key=value DSN.
std::string WithDatabase(const std::string& dsn, const std::string& db, std::string_view user) {
  std::string out;
  std::istringstream in(dsn);
  std::string part;
  while (in >> part) {
    if (part.rfind("dbname=", 0) == 0) continue;
    if (!user.empty() && part.rfind("user=", 0) == 0) continue;
    if (!user.empty() && part.rfind("password=", 0) == 0) continue;
    out += part + " ";
  }
  out += "dbname=" + db;
  if (!user.empty()) out += " user=" + std::string(user);
  return out;
}

}  // namespace

std::string AdminDsn() {
  const char* dsn = std::getenv("PETITION_TEST_PG_DSN");
  if (dsn == nullptr || *dsn == '\0') {
    ADD_FAILURE() << "PETITION_TEST_PG_DSN is not set: run the tests through ./dev test, or "
                     "point it at a PostgreSQL superuser (e.g. \"host=127.0.0.1 port=5432 "
                     "user=postgres dbname=postgres\")";
    return "";
  }
  return dsn;
}

ScratchSchema::ScratchSchema(std::string_view prefix) : name_(UniqueName(prefix)) {
  dsn_ = AdminDsn();
  if (dsn_.empty()) return;
  pqxx::connection conn(dsn_);
  pqxx::nontransaction tx(conn);
  tx.exec("CREATE SCHEMA " + tx.quote_name(name_));
}

ScratchSchema::~ScratchSchema() {
  if (dsn_.empty()) return;
  try {
    pqxx::connection conn(dsn_);
    pqxx::nontransaction tx(conn);
    tx.exec("DROP SCHEMA IF EXISTS " + tx.quote_name(name_) + " CASCADE");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "dropping schema " << name_ << ": " << e.what();
  }
}

std::unique_ptr<PgPool> MigratedPool(const ScratchSchema& schema,
                                     const std::vector<Migration>& migrations,
                                     const std::vector<PgStatement>& statements) {
  if (schema.dsn().empty()) return nullptr;
  try {
    pqxx::connection conn(schema.dsn());
    if (absl::Status s = ApplyMigrations(conn, schema.name(), migrations); !s.ok()) {
      ADD_FAILURE() << "migrations: " << s;
      return nullptr;
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "connecting: " << e.what();
    return nullptr;
  }
  auto pool = PgPool::Create({schema.dsn(), schema.name(), 2, absl::Seconds(3), statements});
  if (!pool.ok()) {
    ADD_FAILURE() << "pool: " << pool.status();
    return nullptr;
  }
  return *std::move(pool);
}

ScratchDatabase::ScratchDatabase(std::string_view prefix)
    : name_(UniqueName(prefix)), admin_dsn_(AdminDsn()) {
  if (admin_dsn_.empty()) return;
  {
    pqxx::connection conn(admin_dsn_);
    pqxx::nontransaction tx(conn);
    tx.exec(ReadFile(SourceDir() + "/deploy/postgres/roles.sql"));
    tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  }
  pqxx::connection conn(WithDatabase(admin_dsn_, name_, ""));
  pqxx::nontransaction tx(conn);
  tx.exec(ReadFile(SourceDir() + "/deploy/postgres/database.sql"));
}

ScratchDatabase::~ScratchDatabase() {
  if (admin_dsn_.empty()) return;
  try {
    pqxx::connection conn(admin_dsn_);
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "dropping database " << name_ << ": " << e.what();
  }
}

std::string ScratchDatabase::DsnFor(std::string_view role) const {
  return WithDatabase(admin_dsn_, name_, role);
}

}  // namespace petition::testing
