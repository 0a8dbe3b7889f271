#include "common/migrations.h"

#include <openssl/sha.h>

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/pg_pool.h"

namespace petition {
namespace {

constexpr char kCreateTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "  version integer PRIMARY KEY,"
    "  name text NOT NULL,"
    "  sha256 text NOT NULL,"
    "  applied_at timestamptz NOT NULL DEFAULT now())";

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return HexEncode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

absl::Status ValidateMigrations(const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration ", m.name, ": versions must be unique and ascending (after ", previous, ")"));
    }
    previous = m.version;
  }
  return absl::OkStatus();
}

absl::Status ApplyMigrations(pqxx::connection& conn, std::string_view schema_view,
                             const std::vector<Migration>& migrations, int* applied) {
  const std::string schema(schema_view);
  if (applied != nullptr) *applied = 0;
  if (absl::Status s = ValidateMigrations(migrations); !s.ok()) return s;
  try {
    pqxx::nontransaction session(conn);
    const std::string qschema = session.quote_name(schema);
    // One migrator per schema at a time, across every replica.
    const std::string lock_key = session.quote(absl::StrCat("petition.migrations.", schema));
    session.exec("SELECT pg_advisory_lock(hashtext(" + lock_key + "))");
    struct Unlock {
      pqxx::nontransaction& s;
      const std::string& key;
      ~Unlock() {
        try {
          s.exec("SELECT pg_advisory_unlock(hashtext(" + key + "))");
        } catch (const std::exception&) {
          // The lock dies with the session anyway.
        }
      }
    } unlock{session, lock_key};

    session.exec("SET search_path TO " + qschema);
    session.exec(kCreateTable);
    std::map<int, std::pair<std::string, std::string>> done;
    for (const auto& row : session.exec("SELECT version, name, sha256 FROM schema_migrations")) {
      done[row["version"].as<int>()] = {row["name"].as<std::string>(),
                                        row["sha256"].as<std::string>()};
    }
    for (const Migration& m : migrations) {
      const std::string sum = Sha256Hex(m.sql);
      if (auto it = done.find(m.version); it != done.end()) {
        if (it->second.second != sum) {
          return absl::FailedPreconditionError(
              absl::StrCat("migration ", m.name, " was changed after it was applied to schema ",
                           schema, " (recorded sha256 ", it->second.second, ", file ", sum,
                           "): add a new migration instead of editing an applied one"));
        }
        continue;
      }
      session.exec("BEGIN");
      try {
        session.exec(m.sql);
        session.exec("INSERT INTO schema_migrations (version, name, sha256) VALUES (" +
                     session.quote(m.version) + ", " + session.quote(m.name) + ", " +
                     session.quote(sum) + ")");
        session.exec("COMMIT");
      } catch (const std::exception& e) {
        try {
          session.exec("ROLLBACK");
        } catch (const std::exception&) {
        }
        return absl::FailedPreconditionError(
            absl::StrCat("migration ", m.name, " failed: ", e.what()));
      }
      log::Info("migration applied", {{"schema", schema}, {"migration", m.name}});
      if (applied != nullptr) ++*applied;
    }
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace petition
