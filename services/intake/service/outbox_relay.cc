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
          RelayLoop::Options{options.idle_poll, options.min_backoff, options.max_backoff}) {
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

bool OutboxRelay::IsPermanentDeliveryError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kDataLoss:
      return true;
    default:  // down, overloaded, not deployed yet, misconfigured: try again
      return false;
  }
}

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

absl::StatusOr<OutboxRelay::BatchResult> OutboxRelay::RelayBatch() {
  // Every step is bounded, so that a hung database cannot hold the relay
  // (and Stop()) for longer than a delivery could.
  auto bounded = [this] {
    TxOptions o;
    o.deadline = absl::Now() + options_.rpc_timeout;
    return o;
  };
  BatchResult result;
  auto events = store_->PendingEvents(options_.batch_size, bounded());  // 1. a short read
  if (!events.ok()) return events.status();
  if (events->empty()) return result;
  auto ids = [&](size_t from, size_t to) {
    std::vector<int64_t> out;
    for (size_t i = from; i < to; ++i) out.push_back((*events)[i].id);
    return out;
  };
  const size_t n = events->size();
  absl::Status delivered = Deliver(*events, 0, n);  // 2. no connection held
  // 3. a short write. If it fails the events stay pending and are delivered
  // again: at least once.
  if (delivered.ok()) {
    if (absl::Status s = store_->MarkDelivered(ids(0, n), bounded()); !s.ok()) return s;
    result.delivered = static_cast<int>(n);
    return result;
  }
  if (!IsPermanentDeliveryError(delivered)) {
    if (absl::Status s = store_->MarkFailed(ids(0, n), delivered.ToString(), bounded()); !s.ok())
      return s;
    result.failed = true;
    return result;
  }
  // Refused for good: find the culprit one event at a time, park it, and
  // deliver the others, still in order.
  for (size_t i = 0; i < n; ++i) {
    absl::Status one = n == 1 ? delivered : Deliver(*events, i, i + 1);
    absl::Status marked;
    if (one.ok()) {
      marked = store_->MarkDelivered(ids(i, i + 1), bounded());
      ++result.delivered;
    } else if (IsPermanentDeliveryError(one)) {
      marked = store_->Park((*events)[i].id, one.ToString(), bounded());
      ++result.parked;
    } else {
      marked = store_->MarkFailed(ids(i, n), one.ToString(), bounded());
      result.failed = true;
    }
    if (!marked.ok()) return marked;
    if (result.failed) break;
  }
  return result;
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
