// Readiness of a service is readiness of its database: a background probe
// makes the server answer (a lone Sync message, which unlike `SELECT 1` runs no
// transaction) on a connection of its own every `interval`, and reports a
// change of health (PostgreSQL down, refusing, or hung past `timeout`; and back
// again) to `on_change`. The probe never blocks longer than `timeout` on a
// hung server: libpq's non-blocking API with a deadline, the connection dropped
// on a miss.
#ifndef PETITION_COMMON_DB_PROBE_H_
#define PETITION_COMMON_DB_PROBE_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

struct pg_conn;  // libpq's PGconn

namespace petition {

class DatabaseProbe {
 public:
  struct Options {
    std::string dsn;
    absl::Duration interval = absl::Seconds(1);
    absl::Duration timeout = absl::Seconds(1);
  };
  // `on_change(healthy)` runs on the probe's thread, first after the first probe.
  DatabaseProbe(Options options, std::function<void(bool)> on_change);
  ~DatabaseProbe();  // stops
  DatabaseProbe(const DatabaseProbe&) = delete;
  DatabaseProbe& operator=(const DatabaseProbe&) = delete;

  void Start();
  // Returns once the probe's thread has ended; no on_change after that.
  void Stop();

  // One probe now, on the caller's thread (the probe's own while running):
  // true when the database answered within the timeout.
  bool ProbeOnce();

 private:
  void Run();
  void Drop();

  const Options options_;
  const std::function<void(bool)> on_change_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
  pg_conn* conn_ = nullptr;  // only the probing thread touches it
};

}  // namespace petition

#endif  // PETITION_COMMON_DB_PROBE_H_
