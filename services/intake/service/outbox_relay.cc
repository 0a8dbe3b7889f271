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
    : store_(store), stub_(supervision::v1::Supervision::NewStub(supervision)), options_(options) {
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

void OutboxRelay::Start() {
  thread_ = std::thread([this] { Run(); });
}

void OutboxRelay::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
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

absl::Status OutboxRelay::Deliver(const std::vector<petition::v1::CaseEvent>& events) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(absl::ToInt64Milliseconds(options_.rpc_timeout)));
  supervision::v1::ApplyCaseEventsRequest request;
  request.mutable_events()->Reserve(static_cast<int>(events.size()));
  for (const petition::v1::CaseEvent& e : events) *request.add_events() = e;
  supervision::v1::ApplyCaseEventsResponse response;
  absl::Status s = FromGrpcStatus(stub_->ApplyCaseEvents(&context, request, &response));
  if (s.ok()) {
    if (delivered_ != nullptr) delivered_->Increment(static_cast<double>(events.size()));
  } else {
    if (failures_ != nullptr) failures_->Increment(static_cast<double>(events.size()));
    log::Warn("case events not delivered; retrying with backoff",
              {{"events", std::to_string(events.size())},
               {"firstEventId", events.front().event_id()},
               {"error", s.ToString()}});
  }
  return s;
}

void OutboxRelay::Run() {
  absl::Duration backoff = options_.min_backoff;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    auto batch = store_->RelayBatch(
        options_.batch_size,
        [this](const std::vector<petition::v1::CaseEvent>& events) { return Deliver(events); });
    // The backlog gauge costs a count: at most once a second.
    if (pending_ != nullptr && absl::Now() - gauge_updated_ >= absl::Seconds(1)) {
      gauge_updated_ = absl::Now();
      if (auto n = store_->CountOutbox(); n.ok()) {
        pending_->Set(static_cast<double>(n->pending));
        parked_->Set(static_cast<double>(n->parked));
      }
    }
    if (!batch.ok() || batch->failed) {
      if (!batch.ok())
        log::Warn("outbox relay batch failed", {{"error", batch.status().ToString()}});
      if (!Wait(backoff, /*wakeable=*/false)) return;  // new writes do not cut a backoff short
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    if (batch->parked > 0) {
      if (parked_events_ != nullptr) parked_events_->Increment(batch->parked);
      log::Error("case events parked: supervision refused them for good",
                 {{"parked", std::to_string(batch->parked)}});
    }
    backoff = options_.min_backoff;
    if (batch->delivered + batch->parked == options_.batch_size) continue;  // more may wait
    if (!Wait(options_.idle_poll, /*wakeable=*/true)) return;
  }
}

}  // namespace petition::intake
