// A bounded pool of PostgreSQL connections (libpqxx 6.4).
// - At most `size` connections, opened lazily; Acquire() waits up to
//   `acquire_timeout` and then fails with UNAVAILABLE.
// - Every new connection gets `SET search_path TO <schema>` and every
//   statement of `statements` prepared once (statements are prepared per
//   connection, never per request).
// - A lease whose connection broke is replaced on return.
// - Transact() runs one function in one transaction and converts libpqxx
//   exceptions to absl::Status at this boundary.
#ifndef PETITION_COMMON_PG_POOL_H_
#define PETITION_COMMON_PG_POOL_H_

#include <functional>
#include <memory>
#include <string>
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

class PgPool {
 public:
  struct Options {
    std::string dsn;
    std::string schema;  // search_path for every connection; empty: leave it
    int size = 8;
    absl::Duration acquire_timeout = absl::Seconds(3);
    std::vector<PgStatement> statements;
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

  absl::StatusOr<Lease> Acquire();

  // Runs `fn(pqxx::work&)` in one transaction, committing if it returns OK.
  // libpqxx exceptions become Status: broken connection -> UNAVAILABLE,
  // unique violation -> ALREADY_EXISTS, serialization failure -> ABORTED,
  // anything else -> INTERNAL.
  absl::Status Transact(const std::function<absl::Status(pqxx::work&)>& fn);

  // Same, read-only without the need to commit.
  absl::Status Read(const std::function<absl::Status(pqxx::work&)>& fn) { return Transact(fn); }

  int size() const { return options_.size; }
  int in_use() const;

 private:
  explicit PgPool(Options options) : options_(std::move(options)) {}
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Open();
  void Return(std::unique_ptr<pqxx::connection> conn, bool broken);

  const Options options_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // connections leased or idle
  int leased_ ABSL_GUARDED_BY(mu_) = 0;
};

// Converts an exception thrown by libpqxx (or the standard library) to Status.
absl::Status StatusFromException(const std::exception& e);

}  // namespace petition

#endif  // PETITION_COMMON_PG_POOL_H_
