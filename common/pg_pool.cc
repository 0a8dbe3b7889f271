#include "common/pg_pool.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace petition {

absl::Status StatusFromException(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("database unavailable: ", e.what()));
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError("database commit outcome unknown; retry with the same requestId");
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return absl::AlreadyExistsError(e.what());
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return absl::AbortedError(absl::StrCat("transaction conflict: ", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    return absl::InternalError(absl::StrCat("database error ", sql->sqlstate(), ": ", e.what()));
  }
  return absl::InternalError(absl::StrCat("database error: ", e.what()));
}

absl::StatusOr<std::unique_ptr<PgPool>> PgPool::Create(Options options) {
  if (options.size < 1) return absl::InvalidArgumentError("pool size must be at least 1");
  auto pool = std::unique_ptr<PgPool>(new PgPool(std::move(options)));
  auto conn = pool->Open();
  if (!conn.ok()) return conn.status();
  absl::MutexLock lock(&pool->mu_);
  pool->idle_.push_back(*std::move(conn));
  pool->open_ = 1;
  return pool;
}

PgPool::~PgPool() {
  absl::MutexLock lock(&mu_);
  if (leased_ != 0) log::Error("pg pool destroyed with leased connections");
  idle_.clear();
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgPool::Open() {
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.dsn);
    if (!options_.schema.empty()) {
      pqxx::nontransaction tx(*conn);
      tx.exec("SET search_path TO " + tx.quote_name(options_.schema));
    }
    for (const PgStatement& s : options_.statements) conn->prepare(s.name, s.sql);
    return conn;
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot connect to PostgreSQL: ", e.what()));
  }
}

absl::StatusOr<PgPool::Lease> PgPool::Acquire() {
  absl::Time deadline = absl::Now() + options_.acquire_timeout;
  bool open_new = false;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.size;
    };
    if (!mu_.AwaitWithDeadline(absl::Condition(&available), deadline)) {
      return absl::UnavailableError(absl::StrCat("no database connection free within ",
                                                 absl::FormatDuration(options_.acquire_timeout),
                                                 " (pool size ", options_.size, ")"));
    }
    ++leased_;
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserve the slot, open outside the lock
    open_new = true;
  }
  if (open_new) {
    auto conn = Open();
    if (!conn.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
      --leased_;
      return conn.status();
    }
    return Lease(this, *std::move(conn));
  }
  return absl::InternalError("unreachable");
}

void PgPool::Return(std::unique_ptr<pqxx::connection> conn, bool broken) {
  absl::MutexLock lock(&mu_);
  --leased_;
  if (broken || conn == nullptr || !conn->is_open()) {
    --open_;  // a new one is opened on demand
    return;
  }
  idle_.push_back(std::move(conn));
}

int PgPool::in_use() const {
  absl::MutexLock lock(&mu_);
  return leased_;
}

PgPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), broken_(other.broken_) {
  other.pool_ = nullptr;
}

PgPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Return(std::move(conn_), broken_);
}

absl::Status PgPool::Transact(const std::function<absl::Status(pqxx::work&)>& fn) {
  constexpr int kAttempts = 3;
  absl::Status last;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    auto lease = Acquire();
    if (!lease.ok()) return lease.status();
    try {
      pqxx::work tx(lease->conn());
      absl::Status s = fn(tx);
      if (!s.ok()) return s;  // the transaction aborts on destruction
      tx.commit();
      return absl::OkStatus();
    } catch (const pqxx::broken_connection& e) {
      // Nothing was committed (a failed commit throws in_doubt_error instead):
      // safe to run again on a fresh connection.
      lease->MarkBroken();
      last = StatusFromException(e);
    } catch (const pqxx::in_doubt_error& e) {
      lease->MarkBroken();
      return StatusFromException(e);
    } catch (const pqxx::transaction_rollback& e) {
      last = StatusFromException(e);  // serialization failure or deadlock: retry
    } catch (const std::exception& e) {
      if (!lease->conn().is_open()) lease->MarkBroken();
      return StatusFromException(e);
    }
  }
  return last;
}

}  // namespace petition
