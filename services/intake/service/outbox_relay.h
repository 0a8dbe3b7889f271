// Delivers intake's outbox to supervision: at least once, in order, retried
// with exponential backoff while supervision is down (the loop is
// common/relay_loop.h).
//
// One relay per schema across replicas: the relay that holds the store's
// SessionLock (a session-level advisory lock on a connection of its own, which
// PostgreSQL releases when the process or the connection dies, with no lease
// to renew and no clock to trust). Under it each batch is three steps, and
// no pooled connection is held while supervision is called:
//   1. read the oldest pending events (a short read-only transaction);
//   2. deliver them in one call;
//   3. mark them delivered, failed (still pending) or parked (a short
//      transaction).
// A relay stopped or killed between 2 and 3 leaves the batch pending: the
// next relay delivers it again and supervision applies each event once (by
// event id). Order per case holds because one relay reads in id order and
// stops a batch at the first event that cannot be delivered for now. An
// event refused for good is parked; supervision then refuses the later events
// of its case as out of order, and they are parked too, until an operator
// re-queues them.
#ifndef PETITION_SERVICES_INTAKE_SERVICE_OUTBOX_RELAY_H_
#define PETITION_SERVICES_INTAKE_SERVICE_OUTBOX_RELAY_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/metrics.h"
#include "common/relay_loop.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "prometheus/gauge.h"
#include "services/intake/store/case_store.h"

namespace petition::intake {

class OutboxRelay {
 public:
  struct Options {
    int batch_size = 100;
    // The relay sleeps until the outbox's trigger notifies it (migration 0019); this is only the
    // safety net.
    absl::Duration idle_poll = absl::Seconds(30);
    absl::Duration min_backoff = absl::Milliseconds(200);
    absl::Duration max_backoff = absl::Seconds(10);
    absl::Duration rpc_timeout = absl::Seconds(5);
  };

  OutboxRelay(CaseStore* store, std::shared_ptr<grpc::Channel> supervision, Metrics* metrics,
              Options options);
  ~OutboxRelay();

  void Start();
  void Stop();
  // Something was just written: deliver now rather than at the next poll.
  void Wake();

 private:
  // One batch and its bookkeeping (metrics, the log), for the loop.
  absl::StatusOr<RelayLoop::Batch> RunBatch();
  // Delivers the oldest pending events (RelayOrderedBatch). An error means
  // the database could not be read or written (the events stay pending).
  absl::StatusOr<OutboxBatchResult> RelayBatch();
  // Calls supervision with events[from, to).
  absl::Status Deliver(const std::vector<OutboxEvent>& events, size_t from, size_t to);

  CaseStore* store_;
  std::unique_ptr<supervision::v1::Supervision::Stub> stub_;
  Options options_;
  prometheus::Gauge* pending_ = nullptr;
  prometheus::Counter* delivered_ = nullptr;
  prometheus::Counter* failures_ = nullptr;
  prometheus::Counter* parked_events_ = nullptr;
  prometheus::Gauge* parked_ = nullptr;
  absl::Time gauge_updated_ = absl::InfinitePast();  // relay thread only

  absl::Mutex mu_;
  grpc::ClientContext* in_flight_ ABSL_GUARDED_BY(mu_) = nullptr;  // Stop() cancels it
  RelayLoop loop_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_SERVICE_OUTBOX_RELAY_H_
