// Delivers intake's outbox to supervision: at least once, in order, retried
// with exponential backoff while supervision is down. One relay at a time
// across replicas (the store holds a cluster-wide lock per batch).
#ifndef PETITION_SERVICES_INTAKE_SERVICE_OUTBOX_RELAY_H_
#define PETITION_SERVICES_INTAKE_SERVICE_OUTBOX_RELAY_H_

#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/metrics.h"
#include "grpcpp/channel.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "prometheus/gauge.h"
#include "services/intake/store/case_store.h"

namespace petition::intake {

class OutboxRelay {
 public:
  struct Options {
    int batch_size = 100;
    absl::Duration idle_poll = absl::Seconds(1);
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
  void Run();
  absl::Status Deliver(const std::vector<petition::v1::CaseEvent>& events);
  // Waits for Stop(), `timeout`, or (when `wakeable`) Wake(). False when stopping.
  bool Wait(absl::Duration timeout, bool wakeable);

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
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_SERVICE_OUTBOX_RELAY_H_
