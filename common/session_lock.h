// A PostgreSQL session-level advisory lock held on a connection of its own:
// the lock lives exactly as long as that session, so a process that dies (or
// loses its connection) releases it without any lease to renew or clock to
// trust. The outbox relays hold one each, so that one relay per schema runs.
//
// The same session listens for the relay's notifications (Listen, AwaitNotification): the relay
// sleeps until a transaction that wrote to its outbox commits, instead of polling the table.
#ifndef PETITION_COMMON_SESSION_LOCK_H_
#define PETITION_COMMON_SESSION_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg_pool.h"
#include "pqxx/pqxx"

namespace petition {

class SessionLock {
 public:
  // Opens a dedicated connection from `pool` and runs the prepared statement
  // `try_lock_statement` there (a pg_try_advisory_lock returning one boolean
  // column "locked"). nullptr when another session holds the lock; the
  // connection is then kept by the pool for the next try (a standby does not
  // reconnect on every try). `what` names the holder in the log.
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

  // LISTENs on `channel` on the lock's session. A notification counts for
  // this session when its payload is the session's schema (current_schema()):
  // the outbox triggers send the schema they wrote in, and the channel is
  // shared by every schema of the database.
  absl::Status Listen(const std::string& channel);

  // Waits until a notification for this session arrives (true), `wake_fd`
  // (when >= 0) becomes readable or `timeout` passes (false). No statement
  // runs: an idle wait costs the database nothing. An error when the
  // connection broke (the lock is gone with it, Alive() is false).
  absl::StatusOr<bool> AwaitNotification(absl::Duration timeout, int wake_fd);

 private:
  class Receiver;
  SessionLock(std::unique_ptr<pqxx::connection> conn, std::string what);
  void Drop();  // the receiver before the connection it uses

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<Receiver> receiver_;  // after Listen()
  const std::string what_;
};

}  // namespace petition

#endif  // PETITION_COMMON_SESSION_LOCK_H_
