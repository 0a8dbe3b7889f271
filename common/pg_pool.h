// A bounded pool of PostgreSQL connections (libpqxx 6.4).
// - At most `size` connections, opened lazily; Acquire() waits up to
//   `acquire_timeout` and then fails with UNAVAILABLE.
// - Every new connection gets `SET search_path TO <schema>`, TimeZone UTC and
//   DateStyle ISO (what ParseSqlTimestamp reads), and every statement of
//   `statements` prepared once (statements are prepared per connection,
//   never per request).
// - A lease whose connection broke is replaced on return.
// - Transact() and Read() run one function in one transaction and convert
//   libpqxx exceptions to absl::Status at this boundary.
//
// The contract of the function given to Transact() and Read():
// - It may run more than once. When the connection breaks before COMMIT, or
//   PostgreSQL aborts the transaction (serialization failure, deadlock), the
//   whole transaction is rolled back and the function runs again on a fresh
//   transaction, up to TxOptions::max_attempts times in all.
// - So it builds its result from scratch on every run and *returns* it
//   (absl::StatusOr<T>, or absl::Status when there is nothing to return);
//   the result of the last run is what Transact() returns. It must not append
//   to, or otherwise change, anything captured from outside, nor do anything
//   outside the transaction that is unsafe to repeat (a call to another
//   service, a metric increment). pg_pool_test.cc proves a retried
//   transaction returns what one run would.
// - A non-OK status from the function rolls back and is returned as is,
//   without a retry.
#ifndef PETITION_COMMON_PG_POOL_H_
#define PETITION_COMMON_PG_POOL_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pqxx/pqxx"

namespace petition {

// A named SQL statement; the name is what exec_prepared uses.
struct PgStatement {
  const char* name;
  const char* sql;
};

// How one transaction runs.
struct TxOptions {
  // The caller's deadline, e.g. the gRPC call's (DeadlineOf in
  // common/call_deadline.h). When finite: waiting for a connection stops at
  // it, `statement_timeout` and `lock_timeout` are set (SET LOCAL) to the
  // time that remains, and a transaction still open when it passes is rolled
  // back (checked again just before COMMIT). Either way the result is
  // DEADLINE_EXCEEDED and nothing was committed.
  absl::Time deadline = absl::InfiniteFuture();
  // Polled just before COMMIT: true rolls back and returns CANCELLED (the
  // client went away; nobody would learn the outcome).
  std::function<bool()> cancelled;
  // Runs of the function at most (see the contract above); 1: no retry.
  int max_attempts = 3;
};

class PgPool {
 public:
  struct Options {
    std::string dsn;
    std::string schema;  // search_path for every connection; empty: leave it
    int size = 8;
    absl::Duration acquire_timeout = absl::Seconds(3);
    std::vector<PgStatement> statements;
  };

  // What the pool is doing now, for gauges.
  struct Stats {
    int size = 0;                  // connections at most
    int open = 0;                  // leased or idle
    int in_use = 0;                // leased
    int waiting = 0;               // Acquire() calls waiting for a connection
    int64_t acquire_timeouts = 0;  // Acquire() calls that gave up, since start
  };

  // Opens one connection to check the DSN; fails with UNAVAILABLE otherwise.
  static absl::StatusOr<std::unique_ptr<PgPool>> Create(Options options);
  ~PgPool();

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    pqxx::connection& conn() { return *conn_; }
    // The connection is unusable; the pool replaces it.
    void MarkBroken() { broken_ = true; }

   private:
    friend class PgPool;
    Lease(PgPool* pool, std::unique_ptr<pqxx::connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    PgPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
    bool broken_ = false;
  };

  absl::StatusOr<Lease> Acquire() { return Acquire(absl::InfiniteFuture()); }
  // Waits no longer than `deadline` (DEADLINE_EXCEEDED) or the pool's
  // acquire_timeout (UNAVAILABLE), whichever comes first.
  absl::StatusOr<Lease> Acquire(absl::Time deadline);

  // A connection set up like the pool's but not counted in it, for a
  // session that lives long (a session-level advisory lock): the one kept by
  // KeepDedicated() if there is one, else a new one.
  absl::StatusOr<std::unique_ptr<pqxx::connection>> OpenDedicated();
  // Keeps `conn`, a dedicated connection that holds nothing (a lock not
  // taken), for the next OpenDedicated(): a relay on standby tries its lock
  // on the same session every time instead of connecting anew. One at most.
  void KeepDedicated(std::unique_ptr<pqxx::connection> conn);

  // Runs `fn(pqxx::transaction_base&)` in one read-write transaction and commits when it
  // returns OK. `fn` returns absl::Status or absl::StatusOr<T>; so does this.
  // libpqxx exceptions become Status: broken connection -> UNAVAILABLE,
  // unique violation -> ALREADY_EXISTS, serialization failure or deadlock
  // (after the last attempt) -> ABORTED, a timeout from TxOptions::deadline ->
  // DEADLINE_EXCEEDED, anything else -> INTERNAL. Messages never carry SQL or
  // server details (those are logged).
  template <typename Fn>
  std::invoke_result_t<Fn&, pqxx::transaction_base&> Transact(Fn&& fn,
                                                              const TxOptions& options = {}) {
    return Run<std::invoke_result_t<Fn&, pqxx::transaction_base&>>(options, /*read_only=*/false,
                                                                   fn);
  }

  // Same, in a READ ONLY transaction (usable on a standby): any write fails.
  template <typename Fn>
  std::invoke_result_t<Fn&, pqxx::transaction_base&> Read(Fn&& fn, const TxOptions& options = {}) {
    return Run<std::invoke_result_t<Fn&, pqxx::transaction_base&>>(options, /*read_only=*/true, fn);
  }

  int size() const { return options_.size; }
  int in_use() const;
  Stats stats() const;
  // Called after every Acquire() with how long it waited for a connection (a histogram's
  // Observe). Set it before the pool is shared between threads.
  void set_acquire_observer(std::function<void(absl::Duration)> observer) {
    acquire_observer_ = std::move(observer);
  }
  // Callers blocked in Acquire() right now.
  int waiting() const;

 private:
  explicit PgPool(Options options) : options_(std::move(options)) {}
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Open();
  void Return(std::unique_ptr<pqxx::connection> conn, bool broken);

  // The retry loop behind Transact() and Read(): `attempt` runs the caller's
  // function in `tx` and returns its status (the result stays with the
  // caller's wrapper).
  absl::Status RunAttempts(const TxOptions& options, bool read_only,
                           const std::function<absl::Status(pqxx::transaction_base&)>& attempt);

  template <typename Result, typename Attempt>
  Result Run(const TxOptions& options, bool read_only, const Attempt& attempt) {
    std::optional<Result> result;  // the last run's, built afresh on every run
    absl::Status s = RunAttempts(options, read_only, [&](pqxx::transaction_base& tx) {
      result.reset();
      result.emplace(attempt(tx));
      return StatusOf(*result);
    });
    if (!s.ok() || !result.has_value()) return Result(s.ok() ? absl::InternalError("no run") : s);
    return *std::move(result);
  }

  static absl::Status StatusOf(const absl::Status& s) { return s; }
  template <typename T>
  static absl::Status StatusOf(const absl::StatusOr<T>& s) {
    return s.status();
  }

  const Options options_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // connections leased or idle
  int leased_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t acquire_timeouts_ ABSL_GUARDED_BY(mu_) = 0;
  std::unique_ptr<pqxx::connection> spare_dedicated_ ABSL_GUARDED_BY(mu_);
  std::function<void(absl::Duration)> acquire_observer_;
};

// Converts an exception thrown by libpqxx (or the standard library) to Status.
// The message is generic; the exception's text (SQL, server) goes to the log.
absl::Status StatusFromException(const std::exception& e);

}  // namespace petition

#endif  // PETITION_COMMON_PG_POOL_H_
