#include "common/relay_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/random/distributions.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace petition {

absl::Duration BackoffWithJitter(int attempt, absl::Duration min, absl::Duration max,
                                 absl::BitGen& random) {
  if (min <= absl::ZeroDuration()) return absl::ZeroDuration();
  if (max < min) max = min;
  absl::Duration d = min;
  for (int i = 1; i < attempt && d < max; ++i) d *= 2;
  d = std::min(d, max);
  const int64_t half_us = absl::ToInt64Microseconds(d) / 2;
  if (half_us <= 0) return d;
  return d - absl::Microseconds(absl::Uniform<int64_t>(random, 0, half_us + 1));
}

bool IsPermanentDeliveryError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kNotFound:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<OutboxBatchResult> RelayOrderedBatch(size_t n, const OutboxBatchOps& ops) {
  OutboxBatchResult result;
  if (n == 0) return result;
  const absl::Status delivered = ops.deliver(0, n);
  if (delivered.ok()) {
    if (absl::Status s = ops.mark_delivered(0, n); !s.ok()) return s;
    result.delivered = static_cast<int>(n);
    return result;
  }
  if (!IsPermanentDeliveryError(delivered)) {
    if (absl::Status s = ops.mark_failed(0, n, delivered.ToString()); !s.ok()) return s;
    result.failed = true;
    return result;
  }
  for (size_t i = 0; i < n && !result.failed; ++i) {
    const absl::Status one = n == 1 ? delivered : ops.deliver(i, i + 1);
    absl::Status marked;
    if (one.ok()) {
      marked = ops.mark_delivered(i, i + 1);
      ++result.delivered;
    } else if (IsPermanentDeliveryError(one)) {
      marked = ops.park(i, one.ToString());
      ++result.parked;
    } else {
      marked = ops.mark_failed(i, n, one.ToString());
      result.failed = true;
    }
    if (!marked.ok()) return marked;
  }
  return result;
}

RelayLoop::RelayLoop(std::string name, TryLock try_lock, RunBatch run_batch, Options options)
    : name_(std::move(name)),
      try_lock_(std::move(try_lock)),
      run_batch_(std::move(run_batch)),
      options_(options),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

RelayLoop::~RelayLoop() {
  Stop();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void RelayLoop::Ring() {
  if (wake_fd_ < 0) return;
  const uint64_t one = 1;
  // EAGAIN (the counter is full) means it rings already.
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

void RelayLoop::Start() {
  thread_ = std::thread([this] { Run(); });
}

void RelayLoop::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    stopping_flag_.store(true, std::memory_order_relaxed);
  }
  Ring();
  if (on_stop_) on_stop_();
  if (thread_.joinable()) thread_.join();
}

void RelayLoop::Wake() {
  {
    absl::MutexLock lock(&mu_);
    wake_ = true;
  }
  Ring();
}

bool RelayLoop::Wait(absl::Duration timeout, bool wakeable) {
  absl::MutexLock lock(&mu_);
  auto ready = [this, wakeable]()
                   ABSL_SHARED_LOCKS_REQUIRED(mu_) { return (wakeable && wake_) || stopping_; };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  wake_ = false;
  return !stopping_;
}

bool RelayLoop::WaitIdle(absl::Duration timeout) {
  if (!listening_ || lock_ == nullptr || wake_fd_ < 0) return Wait(timeout, /*wakeable=*/true);
  bool woken = false;
  {
    absl::MutexLock lock(&mu_);
    woken = wake_ || stopping_;
  }
  if (!woken) {
    auto notified = lock_->AwaitNotification(timeout, wake_fd_);
    if (!notified.ok()) {
      // The lock went with the connection: the loop takes it again (or another replica does).
      lock_.reset();
      listening_ = false;
    }
  }
  uint64_t rings = 0;
  [[maybe_unused]] ssize_t n = read(wake_fd_, &rings, sizeof rings);  // EAGAIN: none
  absl::MutexLock lock(&mu_);
  wake_ = false;
  return !stopping_;
}

void RelayLoop::Run() {
  int failures = 0;
  auto back_off = [&] {
    ++failures;
    // New writes do not cut a backoff short.
    return Wait(BackoffWithJitter(failures, options_.min_backoff, options_.max_backoff, random_),
                /*wakeable=*/false);
  };
  while (!stopping()) {
    if (try_lock_ && (lock_ == nullptr || !lock_->Alive())) {
      lock_.reset();
      listening_ = false;
      auto lock = try_lock_();
      if (!lock.ok()) {
        log::Warn(name_ + " cannot take its lock", {{"error", lock.status().ToString()}});
        if (!back_off()) break;
        continue;
      }
      lock_ = *std::move(lock);
      if (lock_ == nullptr) {  // another replica relays
        if (!Wait(options_.standby_poll, /*wakeable=*/false)) break;
        continue;
      }
      if (!options_.channel.empty()) {
        // LISTEN before the first batch: a row committed after that batch read is notified.
        if (absl::Status s = lock_->Listen(options_.channel); !s.ok()) {
          lock_.reset();
          if (!back_off()) break;
          continue;
        }
        listening_ = true;
      }
    }
    auto batch = run_batch_();
    if (!batch.ok() || batch->failed) {
      if (!batch.ok()) log::Warn(name_ + " batch failed", {{"error", batch.status().ToString()}});
      if (!back_off()) break;
      continue;
    }
    failures = 0;
    if (batch->more) continue;
    const absl::Duration until_due = batch->next_due - absl::Now();
    if (!WaitIdle(std::max(absl::ZeroDuration(), std::min(options_.idle_poll, until_due)))) break;
  }
  lock_.reset();  // another replica may relay now
}

}  // namespace petition
