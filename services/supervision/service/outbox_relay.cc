#include "services/supervision/service/outbox_relay.h"

#include <algorithm>
#include <chrono>

#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status.h"

namespace petition::supervision {

OutboxRelay::OutboxRelay(DeadlineStore* store, std::shared_ptr<grpc::Channel> intake,
                         Options options)
    : store_(store),
      stub_(intake::v1::Intake::NewStub(intake)),
      options_(options),
      loop_(
          "supervision outbox relay", [this] { return store_->TryLockRelay(); },
          [this]() -> absl::StatusOr<RelayLoop::Batch> {
            auto delivered = RelayBatch();
            if (!delivered.ok()) return delivered.status();
            RelayLoop::Batch batch;
            batch.failed = failed_;
            batch.more = !failed_ && *delivered == options_.batch_size;
            return batch;
          },
          RelayLoop::Options{options.idle_poll, options.min_backoff, options.max_backoff}) {
  loop_.set_on_stop([this] {
    absl::MutexLock lock(&mu_);
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  });
}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() { loop_.Start(); }
void OutboxRelay::Stop() { loop_.Stop(); }
void OutboxRelay::Wake() { loop_.Wake(); }

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
    if (loop_.stopping()) return absl::CancelledError("the relay is stopping");
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

}  // namespace petition::supervision
