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
            auto relayed = RelayBatch();
            if (!relayed.ok()) return relayed.status();
            RelayLoop::Batch batch;
            batch.failed = relayed->failed;
            batch.more =
                !relayed->failed && relayed->delivered + relayed->parked == options_.batch_size;
            return batch;
          },
          [&options] {
            RelayLoop::Options o;
            o.idle_poll = options.idle_poll;
            o.min_backoff = options.min_backoff;
            o.max_backoff = options.max_backoff;
            o.channel = "petition_outbox";  // migration 0013's trigger
            return o;
          }()) {
  loop_.set_on_stop([this] {
    absl::MutexLock lock(&mu_);
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  });
}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() { loop_.Start(); }
void OutboxRelay::Stop() { loop_.Stop(); }
void OutboxRelay::Wake() { loop_.Wake(); }

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

absl::StatusOr<OutboxBatchResult> OutboxRelay::RelayBatch() {
  auto bounded = [this] {
    TxOptions o;
    o.deadline = absl::Now() + options_.rpc_timeout;
    return o;
  };
  auto rows = store_->PendingOutbox(options_.batch_size, bounded());
  if (!rows.ok()) return rows.status();
  auto ids = [&](size_t from, size_t to) {
    std::vector<int64_t> out;
    for (size_t i = from; i < to; ++i) out.push_back((*rows)[i].id);
    return out;
  };
  OutboxBatchOps ops;
  ops.deliver = [&](size_t from, size_t to) { return Deliver(*rows, from, to); };
  ops.mark_delivered = [&](size_t from, size_t to) {
    return store_->MarkDelivered(ids(from, to), bounded());
  };
  ops.mark_failed = [&](size_t from, size_t to, const std::string& error) {
    return store_->MarkFailed(ids(from, to), error, bounded());
  };
  ops.park = [&](size_t i, const std::string& error) {
    log::Error("a supervision event was parked: intake refused it for good",
               {{"outboxId", std::to_string((*rows)[i].id)}, {"error", error}});
    return store_->Park((*rows)[i].id, error, bounded());
  };
  return RelayOrderedBatch(rows->size(), ops);
}

}  // namespace petition::supervision
