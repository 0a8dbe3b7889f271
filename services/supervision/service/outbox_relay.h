// Delivers supervision's outbox (SupervisionEvents) to intake's
// ApplySupervisionEvents: at least once, in order, retried with exponential
// backoff while intake is down. The same pattern as intake's relay of case
// events: one relay per schema across replicas (a session-level advisory
// lock on a connection of its own), and under it each batch is a short read,
// one call with no connection held, and a short write (the loop is
// common/relay_loop.h, shared with intake's relays); intake applies each
// event once by event id. An event refused for good (INVALID_ARGUMENT,
// FAILED_PRECONDITION, NOT_FOUND, ...: IsPermanentDeliveryError in
// common/relay_loop.h) is parked for an operator.
#ifndef PETITION_SERVICES_SUPERVISION_SERVICE_OUTBOX_RELAY_H_
#define PETITION_SERVICES_SUPERVISION_SERVICE_OUTBOX_RELAY_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/relay_loop.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "petition/v1/intake.grpc.pb.h"
#include "services/supervision/store/deadline_store.h"

namespace petition::supervision {

class OutboxRelay {
 public:
  struct Options {
    int batch_size = 100;
    // The relay sleeps until the outbox's trigger notifies it (migration 0013); this is only the
    // safety net.
    absl::Duration idle_poll = absl::Seconds(30);
    absl::Duration min_backoff = absl::Milliseconds(200);
    absl::Duration max_backoff = absl::Seconds(10);
    absl::Duration rpc_timeout = absl::Seconds(5);
  };

  OutboxRelay(DeadlineStore* store, std::shared_ptr<grpc::Channel> intake, Options options);
  ~OutboxRelay();

  void Start();
  void Stop();
  // Something was just written: deliver now rather than at the next poll.
  void Wake();

  // One batch (RelayOrderedBatch), for tests too.
  absl::StatusOr<OutboxBatchResult> RelayBatch();

 private:
  absl::Status Deliver(const std::vector<OutboxRow>& rows, size_t from, size_t to);

  DeadlineStore* store_;
  std::unique_ptr<intake::v1::Intake::Stub> stub_;
  Options options_;

  absl::Mutex mu_;
  grpc::ClientContext* in_flight_ ABSL_GUARDED_BY(mu_) = nullptr;  // Stop() cancels it
  RelayLoop loop_;
};

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_SERVICE_OUTBOX_RELAY_H_
