#include "common/session_lock.h"

#include <utility>

#include "common/log.h"

namespace petition {

absl::StatusOr<std::unique_ptr<SessionLock>> SessionLock::TryAcquire(PgPool& pool,
                                                                     const char* try_lock_statement,
                                                                     std::string what) {
  auto conn = pool.OpenDedicated();
  if (!conn.ok()) return conn.status();
  try {
    bool locked = false;
    {
      pqxx::nontransaction tx(**conn);
      locked = tx.exec_prepared1(try_lock_statement)["locked"].as<bool>();
    }
    if (!locked) return std::unique_ptr<SessionLock>();
    return std::unique_ptr<SessionLock>(new SessionLock(*std::move(conn), std::move(what)));
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

SessionLock::~SessionLock() = default;

bool SessionLock::Alive() {
  if (conn_ == nullptr) return false;
  try {
    pqxx::nontransaction tx(*conn_);
    tx.exec("SELECT 1");
    return true;
  } catch (const std::exception& e) {
    log::Warn(what_ + " lost its lock connection", {{"error", e.what()}});
    conn_.reset();
    return false;
  }
}

}  // namespace petition
