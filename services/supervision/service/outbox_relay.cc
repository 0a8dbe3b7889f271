#include "services/supervision/service/outbox_relay.h"

#include <algorithm>
#include <chrono>

#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status.h"

namespace petition::supervision {

OutboxRelay::OutboxRelay(DeadlineStore* store, std::shared_ptr<grpc::Channel> intake,
                         Options options)
    : store_(store), stub_(intake::v1::Intake::NewStub(intake)), options_(options) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  thread_ = std::thread([this] { Run(); });
}

void OutboxRelay::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::Wake() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

bool OutboxRelay::Wait(absl::Duration timeout, bool wakeable) {
  absl::MutexLock lock(&mu_);
  auto ready = [this, wakeable]()
                   ABSL_SHARED_LOCKS_REQUIRED(mu_) { return (wakeable && wake_) || stopping_; };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  wake_ = false;
  return !stopping_;
}

bool OutboxRelay::IsPermanentDeliveryError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kDataLoss:
      return true;
    default:  // down, overloaded, not deployed yet: try again
      return false;
  }
}

absl::Status OutboxRelay::Deliver(const std::vector<OutboxRow>& rows, size_t from, size_t to) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(absl::ToInt64Milliseconds(options_.rpc_timeout)));
  intake::v1::ApplySupervisionEventsRequest request;
  for (size_t i = from; i < to; ++i) {
    if (!request.add_events()->ParseFromString(rows[i].payload)) {
      return absl::DataLossError("an outbox event does not parse");
    }
  }
  intake::v1::ApplySupervisionEventsResponse response;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("the relay is stopping");
    in_flight_ = &context;
  }
  absl::Status s = FromGrpcStatus(stub_->ApplySupervisionEvents(&context, request, &response));
  {
    absl::MutexLock lock(&mu_);
    in_flight_ = nullptr;
  }
  if (!s.ok()) {
    log::Warn("supervision events not delivered", {{"events", std::to_string(to - from)},
                                                   {"firstEventId", request.events(0).event_id()},
                                                   {"error", s.ToString()}});
  }
  return s;
}

absl::StatusOr<int> OutboxRelay::RelayBatch() {
  auto bounded = [this] {
    TxOptions o;
    o.deadline = absl::Now() + options_.rpc_timeout;
    return o;
  };
  failed_ = false;
  auto rows = store_->PendingOutbox(options_.batch_size, bounded());
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return 0;
  auto ids = [&](size_t from, size_t to) {
    std::vector<int64_t> out;
    for (size_t i = from; i < to; ++i) out.push_back((*rows)[i].id);
    return out;
  };
  const size_t n = rows->size();
  absl::Status delivered = Deliver(*rows, 0, n);
  if (delivered.ok()) {
    if (absl::Status s = store_->MarkDelivered(ids(0, n), bounded()); !s.ok()) return s;
    return static_cast<int>(n);
  }
  if (!IsPermanentDeliveryError(delivered)) {
    if (absl::Status s = store_->MarkFailed(ids(0, n), delivered.ToString(), bounded()); !s.ok())
      return s;
    failed_ = true;
    return 0;
  }
  int count = 0;
  for (size_t i = 0; i < n; ++i) {
    absl::Status one = n == 1 ? delivered : Deliver(*rows, i, i + 1);
    absl::Status marked;
    if (one.ok()) {
      marked = store_->MarkDelivered(ids(i, i + 1), bounded());
      ++count;
    } else if (IsPermanentDeliveryError(one)) {
      marked = store_->Park((*rows)[i].id, one.ToString(), bounded());
      log::Error("a supervision event was parked: intake refused it for good",
                 {{"outboxId", std::to_string((*rows)[i].id)}});
    } else {
      marked = store_->MarkFailed(ids(i, n), one.ToString(), bounded());
      failed_ = true;
    }
    if (!marked.ok()) return marked;
    if (failed_) break;
  }
  return count;
}

void OutboxRelay::Run() {
  absl::Duration backoff = options_.min_backoff;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
    }
    if (lock_ == nullptr || !lock_->Alive()) {
      auto lock = store_->TryLockRelay();
      if (!lock.ok() || *lock == nullptr) {  // no database, or another replica relays
        if (!Wait(lock.ok() ? options_.idle_poll : backoff, /*wakeable=*/false)) break;
        continue;
      }
      lock_ = *std::move(lock);
    }
    auto batch = RelayBatch();
    if (!batch.ok() || failed_) {
      if (!batch.ok())
        log::Warn("outbox relay batch failed", {{"error", batch.status().ToString()}});
      if (!Wait(backoff, /*wakeable=*/false)) break;
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    backoff = options_.min_backoff;
    if (*batch == options_.batch_size) continue;  // more may wait
    if (!Wait(options_.idle_poll, /*wakeable=*/true)) break;
  }
  lock_.reset();
}

}  // namespace petition::supervision
