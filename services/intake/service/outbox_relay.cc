#include "services/intake/service/outbox_relay.h"

#include <algorithm>
#include <chrono>

#include "absl/time/clock.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"

namespace petition::intake {

OutboxRelay::OutboxRelay(CaseStore* store, std::shared_ptr<grpc::Channel> supervision,
                         Metrics* metrics, Options options)
    : store_(store),
      stub_(supervision::v1::Supervision::NewStub(supervision)),
      options_(options),
      loop_(
          "outbox relay", [this] { return store_->TryLockRelay(); }, [this] { return RunBatch(); },
          [&options] {
            RelayLoop::Options o;
            o.idle_poll = options.idle_poll;
            o.min_backoff = options.min_backoff;
            o.max_backoff = options.max_backoff;
            o.channel = "petition_outbox";  // migration 0019's trigger
            return o;
          }()) {
  // A delivery under way ends at Stop(); its events stay pending (at least once).
  loop_.set_on_stop([this] {
    absl::MutexLock lock(&mu_);
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  });
  if (metrics != nullptr) {
    pending_ = &prometheus::BuildGauge()
                    .Name("petition_outbox_pending")
                    .Help("Case events written but not yet delivered to supervision.")
                    .Register(metrics->registry())
                    .Add({});
    auto& counters = prometheus::BuildCounter()
                         .Name("petition_outbox_events_total")
                         .Help("Outbox delivery attempts by result.")
                         .Register(metrics->registry());
    delivered_ = &counters.Add({{"result", "delivered"}});
    failures_ = &counters.Add({{"result", "failed"}});
    parked_events_ = &counters.Add({{"result", "parked"}});
    parked_ = &prometheus::BuildGauge()
                   .Name("petition_outbox_parked")
                   .Help("Case events supervision refused for good, kept aside for an operator.")
                   .Register(metrics->registry())
                   .Add({});
  }
}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() { loop_.Start(); }
void OutboxRelay::Stop() { loop_.Stop(); }
void OutboxRelay::Wake() { loop_.Wake(); }

absl::Status OutboxRelay::Deliver(const std::vector<OutboxEvent>& events, size_t from, size_t to) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(absl::ToInt64Milliseconds(options_.rpc_timeout)));
  supervision::v1::ApplyCaseEventsRequest request;
  request.mutable_events()->Reserve(static_cast<int>(to - from));
  for (size_t i = from; i < to; ++i) {
    std::string_view bytes = events[i].bytes();
    // Parsed once, from the stored bytes straight into the request.
    if (!request.add_events()->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::DataLossError("an outbox event does not parse");
    }
  }
  supervision::v1::ApplyCaseEventsResponse response;
  {
    absl::MutexLock lock(&mu_);
    // Checked under the lock Stop()'s cancel takes: a call begun after it is never made.
    if (loop_.stopping()) return absl::CancelledError("the relay is stopping");
    in_flight_ = &context;
  }
  absl::Status s = FromGrpcStatus(stub_->ApplyCaseEvents(&context, request, &response));
  {
    absl::MutexLock lock(&mu_);
    in_flight_ = nullptr;
  }
  const double n = static_cast<double>(to - from);
  if (s.ok()) {
    if (delivered_ != nullptr) delivered_->Increment(n);
  } else {
    if (failures_ != nullptr) failures_->Increment(n);
    log::Warn("case events not delivered", {{"events", std::to_string(to - from)},
                                            {"firstEventId", request.events(0).event_id()},
                                            {"error", s.ToString()}});
  }
  return s;
}

absl::StatusOr<OutboxBatchResult> OutboxRelay::RelayBatch() {
  // Every step is bounded, so that a hung database cannot hold the relay
  // (and Stop()) for longer than a delivery could.
  auto bounded = [this] {
    TxOptions o;
    o.deadline = absl::Now() + options_.rpc_timeout;
    return o;
  };
  auto events = store_->PendingEvents(options_.batch_size, bounded());  // 1. a short read
  if (!events.ok()) return events.status();
  auto ids = [&](size_t from, size_t to) {
    std::vector<int64_t> out;
    for (size_t i = from; i < to; ++i) out.push_back((*events)[i].id);
    return out;
  };
  // 2. no connection held while delivering; 3. a short write. If a write
  // fails the events stay pending and are delivered again: at least once.
  OutboxBatchOps ops;
  ops.deliver = [&](size_t from, size_t to) { return Deliver(*events, from, to); };
  ops.mark_delivered = [&](size_t from, size_t to) {
    return store_->MarkDelivered(ids(from, to), bounded());
  };
  ops.mark_failed = [&](size_t from, size_t to, const std::string& error) {
    return store_->MarkFailed(ids(from, to), error, bounded());
  };
  ops.park = [&](size_t i, const std::string& error) {
    return store_->Park((*events)[i].id, error, bounded());
  };
  return RelayOrderedBatch(events->size(), ops);
}

absl::StatusOr<RelayLoop::Batch> OutboxRelay::RunBatch() {
  auto batch = RelayBatch();
  // The backlog gauge costs a count: at most once a second.
  if (pending_ != nullptr && absl::Now() - gauge_updated_ >= absl::Seconds(1)) {
    gauge_updated_ = absl::Now();
    if (auto n = store_->CountOutbox(); n.ok()) {
      pending_->Set(static_cast<double>(n->pending));
      parked_->Set(static_cast<double>(n->parked));
    }
  }
  if (!batch.ok()) return batch.status();
  if (batch->parked > 0) {
    if (parked_events_ != nullptr) parked_events_->Increment(batch->parked);
    log::Error("case events parked: supervision refused them for good",
               {{"parked", std::to_string(batch->parked)}});
  }
  RelayLoop::Batch next;
  next.failed = batch->failed;
  next.more = !batch->failed && batch->delivered + batch->parked == options_.batch_size;
  return next;
}

}  // namespace petition::intake
