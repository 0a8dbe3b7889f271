// A PostgreSQL session-level advisory lock held on a connection of its own:
// the lock lives exactly as long as that session, so a process that dies (or
// loses its connection) releases it without any lease to renew or clock to
// trust. The outbox relays hold one each, so that one relay per schema runs.
#ifndef PETITION_COMMON_SESSION_LOCK_H_
#define PETITION_COMMON_SESSION_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/pg_pool.h"
#include "pqxx/pqxx"

namespace petition {

class SessionLock {
 public:
  // Opens a dedicated connection from `pool` and runs the prepared statement
  // `try_lock_statement` there (a pg_try_advisory_lock returning one boolean
  // column "locked"). nullptr when another session holds the lock. `what`
  // names the holder in the log.
  static absl::StatusOr<std::unique_ptr<SessionLock>> TryAcquire(PgPool& pool,
                                                                 const char* try_lock_statement,
                                                                 std::string what);
  ~SessionLock();  // closing the connection releases the lock
  SessionLock(const SessionLock&) = delete;
  SessionLock& operator=(const SessionLock&) = delete;

  // False once the connection broke (the lock is then gone too). The
  // connection is dropped at its first failure: libpqxx 6 would otherwise
  // restore it on its next use, as a new session without the lock.
  bool Alive();

 private:
  SessionLock(std::unique_ptr<pqxx::connection> conn, std::string what)
      : conn_(std::move(conn)), what_(std::move(what)) {}

  std::unique_ptr<pqxx::connection> conn_;
  const std::string what_;
};

}  // namespace petition

#endif  // PETITION_COMMON_SESSION_LOCK_H_
