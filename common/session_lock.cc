#include "common/session_lock.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace petition {

// Notes a notification whose payload is the session's schema.
class SessionLock::Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, const std::string& channel, std::string schema)
      : pqxx::notification_receiver(conn, channel), schema_(std::move(schema)) {}
  void operator()(const std::string& payload, int backend_pid) override {
    if (payload == schema_) notified_ = true;
  }
  // True once since the last call.
  bool TakeNotified() { return std::exchange(notified_, false); }

 private:
  const std::string schema_;
  bool notified_ = false;
};

SessionLock::SessionLock(std::unique_ptr<pqxx::connection> conn, std::string what)
    : conn_(std::move(conn)), what_(std::move(what)) {}

absl::StatusOr<std::unique_ptr<SessionLock>> SessionLock::TryAcquire(PgPool& pool,
                                                                     const char* try_lock_statement,
                                                                     std::string what) {
  auto conn = pool.OpenDedicated();
  if (!conn.ok()) return conn.status();
  try {
    // Never reconnect behind our back: a new session would not hold the lock.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    (*conn)->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    bool locked = false;
    {
      pqxx::nontransaction tx(**conn);
      locked = tx.exec_prepared1(try_lock_statement)["locked"].as<bool>();
    }
    if (!locked) {
      pool.KeepDedicated(*std::move(conn));  // for the next try
      return std::unique_ptr<SessionLock>();
    }
    return std::unique_ptr<SessionLock>(new SessionLock(*std::move(conn), std::move(what)));
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

SessionLock::~SessionLock() {
  receiver_.reset();  // UNLISTEN
  if (conn_ != nullptr) {
    // Released before the connection closes, rather than when the server gets round to ending
    // the session: whoever tries next (another replica, or this one) finds it free.
    try {
      pqxx::nontransaction tx(*conn_);
      tx.exec("SELECT pg_advisory_unlock_all()");
    } catch (const std::exception&) {
      // The connection is gone, and the lock with it.
    }
  }
  Drop();
}

void SessionLock::Drop() {
  receiver_.reset();
  conn_.reset();
}

bool SessionLock::Alive() {
  if (conn_ == nullptr) return false;
  try {
    pqxx::nontransaction tx(*conn_);
    tx.exec("SELECT 1");
    return true;
  } catch (const std::exception& e) {
    log::Warn(what_ + " lost its lock connection", {{"error", e.what()}});
    Drop();
    return false;
  }
}

absl::Status SessionLock::Listen(const std::string& channel) {
  if (conn_ == nullptr) return absl::UnavailableError(what_ + " has no lock connection");
  try {
    std::string schema;
    {
      pqxx::nontransaction tx(*conn_);
      schema = tx.exec1("SELECT current_schema()")[0].c_str();
    }
    receiver_.reset();
    receiver_ = std::make_unique<Receiver>(*conn_, channel, std::move(schema));  // LISTEN
    return absl::OkStatus();
  } catch (const std::exception& e) {
    log::Warn(what_ + " cannot listen on its lock connection", {{"error", e.what()}});
    Drop();
    return StatusFromException(e);
  }
}

absl::StatusOr<bool> SessionLock::AwaitNotification(absl::Duration timeout, int wake_fd) {
  if (conn_ == nullptr || receiver_ == nullptr) {
    return absl::FailedPreconditionError(what_ + " is not listening");
  }
  const absl::Time deadline = absl::Now() + timeout;
  try {
    while (true) {
      // First what libpq has read already (during an earlier statement, say).
      conn_->get_notifs();
      if (receiver_->TakeNotified()) return true;
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) return false;
      const int ms = static_cast<int>(std::min<int64_t>(
          absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))), INT_MAX));
      pollfd fds[2] = {{conn_->sock(), POLLIN, 0}, {wake_fd, POLLIN, 0}};
      const int n = poll(fds, wake_fd >= 0 ? 2 : 1, ms);
      if (n < 0 && errno != EINTR) {
        return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
      }
      if (n > 0 && wake_fd >= 0 && (fds[1].revents & POLLIN) != 0) return false;
      // Readable: a notification (maybe another schema's), or the connection closing, which
      // the next get_notifs() reports.
    }
  } catch (const std::exception& e) {
    log::Warn(what_ + " lost its lock connection", {{"error", e.what()}});
    Drop();
    return StatusFromException(e);
  }
}

}  // namespace petition
