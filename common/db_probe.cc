#include "common/db_probe.h"

#include <poll.h>

#include <utility>

#include "absl/time/clock.h"
#include "common/log.h"
#include "libpq-fe.h"

namespace petition {
namespace {

// Waits until `fd` is readable (or writable) or `deadline` passes.
bool WaitSocket(int fd, bool for_read, absl::Time deadline) {
  if (fd < 0) return false;
  while (true) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) return false;
    pollfd p{fd, static_cast<short>(for_read ? POLLIN : POLLOUT), 0};
    int n = poll(&p, 1, static_cast<int>(ms));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

DatabaseProbe::DatabaseProbe(Options options, std::function<void(bool)> on_change)
    : options_(std::move(options)), on_change_(std::move(on_change)) {}

DatabaseProbe::~DatabaseProbe() {
  Stop();
  Drop();
}

void DatabaseProbe::Start() {
  thread_ = std::thread([this] { Run(); });
}

void DatabaseProbe::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void DatabaseProbe::Drop() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

bool DatabaseProbe::ProbeOnce() {
  const absl::Time deadline = absl::Now() + options_.timeout;
  if (conn_ == nullptr) {
    conn_ = PQconnectStart(options_.dsn.c_str());
    if (conn_ == nullptr) return false;
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (state != PGRES_POLLING_OK) {
      if (PQstatus(conn_) == CONNECTION_BAD || state == PGRES_POLLING_FAILED ||
          !WaitSocket(PQsocket(conn_), state == PGRES_POLLING_READING, deadline)) {
        Drop();
        return false;
      }
      state = PQconnectPoll(conn_);
    }
    PQsetnonblocking(conn_, 1);
    // The probe is a Sync message alone, which needs pipeline mode.
    if (PQenterPipelineMode(conn_) == 0) {
      Drop();
      return false;
    }
  }
  // The server answers a lone Sync (ReadyForQuery) from its main loop, which proves it up and
  // answering without starting a transaction: a SELECT 1 every second was a commit per second
  // per process in pg_stat_database, on an idle system.
  if (PQpipelineSync(conn_) == 0) {
    Drop();
    return false;
  }
  for (int flushed; (flushed = PQflush(conn_)) != 0;) {
    if (flushed < 0 || !WaitSocket(PQsocket(conn_), /*for_read=*/false, deadline)) {
      Drop();
      return false;
    }
  }
  while (true) {
    if (PQconsumeInput(conn_) == 0) {
      Drop();
      return false;
    }
    if (PQisBusy(conn_) == 0) break;
    if (!WaitSocket(PQsocket(conn_), /*for_read=*/true, deadline)) {
      Drop();  // hung: a fresh connection next time
      return false;
    }
  }
  PGresult* result = PQgetResult(conn_);
  const bool ok = result != nullptr && PQresultStatus(result) == PGRES_PIPELINE_SYNC;
  PQclear(result);
  if (!ok || PQstatus(conn_) != CONNECTION_OK) {
    Drop();
    return false;
  }
  return true;
}

void DatabaseProbe::Run() {
  int last = -1;  // unknown
  while (true) {
    const bool healthy = ProbeOnce();
    if (static_cast<int>(healthy) != last) {
      last = healthy;
      if (healthy) {
        log::Info("database reachable: serving");
      } else {
        log::Warn("database not answering: health NOT_SERVING until it does");
      }
      on_change_(healthy);
    }
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval)) break;
  }
  Drop();
}

}  // namespace petition
