#include "common/pg_pool.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace petition {

namespace {

// SQLSTATEs of the timeouts RunAttempts sets from a deadline.
constexpr char kQueryCanceled[] = "57014";     // statement_timeout
constexpr char kLockNotAvailable[] = "55P03";  // lock_timeout

std::string SqlState(const std::exception& e) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  return sql == nullptr ? "" : sql->sqlstate();
}

}  // namespace

absl::Status StatusFromException(const std::exception& e) {
  // The text of a libpqxx exception holds SQL and server details: log it,
  // never hand it to a client.
  const std::string sqlstate = SqlState(e);
  log::Warn("database error", {{"sqlstate", sqlstate}, {"error", e.what()}});
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError("database unavailable");
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError("database commit outcome unknown; retry with the same requestId");
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return absl::AlreadyExistsError("a record with this key exists already");
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return absl::AbortedError("transaction conflict; retry");
  }
  if (!sqlstate.empty()) return absl::InternalError("database error " + sqlstate);
  return absl::InternalError("database error");
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
    {
      pqxx::nontransaction tx(*conn);
      // ParseSqlTimestamp reads timestamptz as ISO text; UTC keeps it simple.
      tx.exec("SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO'");
      if (!options_.schema.empty()) {
        tx.exec("SET search_path TO " + tx.quote_name(options_.schema));
      }
    }
    for (const PgStatement& s : options_.statements) conn->prepare(s.name, s.sql);
    return conn;
  } catch (const std::exception& e) {
    log::Warn("cannot connect to PostgreSQL", {{"error", e.what()}});
    return absl::UnavailableError("cannot connect to the database");
  }
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgPool::OpenDedicated() {
  {
    absl::MutexLock lock(&mu_);
    if (spare_dedicated_ != nullptr) return std::move(spare_dedicated_);
  }
  return Open();
}

void PgPool::KeepDedicated(std::unique_ptr<pqxx::connection> conn) {
  if (conn == nullptr || !conn->is_open()) return;
  absl::MutexLock lock(&mu_);
  spare_dedicated_ = std::move(conn);
}

absl::StatusOr<PgPool::Lease> PgPool::Acquire(absl::Time deadline) {
  const absl::Time start = absl::Now();
  const absl::Time give_up = std::min(start + options_.acquire_timeout, deadline);
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.size;
    };
    ++waiting_;
    const bool got = mu_.AwaitWithDeadline(absl::Condition(&available), give_up);
    --waiting_;
    // A histogram's Observe is a few atomic adds: fine under the lock.
    if (acquire_observer_) acquire_observer_(absl::Now() - start);
    if (!got) {
      ++acquire_timeouts_;
      if (give_up == deadline) {
        return absl::DeadlineExceededError("no database connection free before the deadline");
      }
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
  }
  auto conn = Open();
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    --leased_;
    return conn.status();
  }
  return Lease(this, *std::move(conn));
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

int PgPool::waiting() const {
  absl::MutexLock lock(&mu_);
  return waiting_;
}

PgPool::Stats PgPool::stats() const {
  absl::MutexLock lock(&mu_);
  return Stats{options_.size, open_, leased_, waiting_, acquire_timeouts_};
}

PgPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), broken_(other.broken_) {
  other.pool_ = nullptr;
}

PgPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Return(std::move(conn_), broken_);
}

namespace {

// A read-committed transaction whose BEGIN carries its modes and the call's
// timeouts: one round trip where pqxx::work and then SET LOCAL took two, on
// every transaction of every service. libpqxx 6.4 begins a transaction whose
// isolation string is not exactly "READ COMMITTED" with the one simple query
// "BEGIN; SET TRANSACTION ISOLATION LEVEL <string>"; `modes` starts with
// the level and may go on with "; SET LOCAL ..." statements. pg_pool_test
// proves the modes and the timeouts hold.
class OneTripTransaction final : public pqxx::internal::basic_transaction {
 public:
  OneTripTransaction(pqxx::connection_base& conn, const std::string& modes)
      : pqxx::internal::namedclass("transaction"),
        pqxx::internal::basic_transaction(conn, modes, pqxx::read_write) {
    Begin();
  }
  ~OneTripTransaction() noexcept override { End(); }
};

}  // namespace

absl::Status PgPool::RunAttempts(
    const TxOptions& options, bool read_only,
    const std::function<absl::Status(pqxx::transaction_base&)>& attempt) {
  const bool bounded = options.deadline != absl::InfiniteFuture();
  auto past_deadline = [&] {
    return absl::DeadlineExceededError(
        "the call's deadline passed before the database answered; nothing was committed");
  };
  absl::Status last = absl::InternalError("no attempt made");
  for (int run = 1; run <= std::max(1, options.max_attempts); ++run) {
    if (bounded && absl::Now() >= options.deadline) return past_deadline();
    auto lease = Acquire(options.deadline);
    if (!lease.ok()) return lease.status();
    try {
      std::string modes = read_only ? "READ COMMITTED READ ONLY" : "READ COMMITTED";
      if (bounded) {
        // Whole milliseconds left, at least one (0 would mean "no timeout").
        const int64_t ms =
            std::max<int64_t>(1, absl::ToInt64Milliseconds(options.deadline - absl::Now()));
        absl::StrAppend(&modes, "; SET LOCAL statement_timeout = ", ms,
                        "; SET LOCAL lock_timeout = ", ms);
      }
      auto tx = std::make_unique<OneTripTransaction>(lease->conn(), modes);
      absl::Status s = attempt(*tx);
      if (!s.ok()) return s;  // the transaction rolls back on destruction
      // The deadline first: gRPC reports a call past its deadline as cancelled too.
      if (bounded && absl::Now() >= options.deadline) return past_deadline();
      if (options.cancelled && options.cancelled()) {
        return absl::CancelledError("the call was cancelled; nothing was committed");
      }
      tx->commit();
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
      const std::string state = SqlState(e);
      if (bounded && (state == kQueryCanceled || state == kLockNotAvailable)) {
        log::Warn("database statement stopped at the call's deadline",
                  {{"sqlstate", state}, {"error", e.what()}});
        return past_deadline();
      }
      return StatusFromException(e);
    }
  }
  return last;
}

}  // namespace petition
