// Feeds county cases' results back to the county platform (反馈): POSTs each
// row of intake.county_feedback to --county_feedback_url as JSON, signed
// (X-Signature: sha256=<hex HMAC-SHA256 of the body under
// --county_feedback_secret>, X-Delivery-Id), until the county answers 2xx.
//
// The loop is common/relay_loop.h (one relay per schema across replicas, a
// background thread: no gRPC handler ever waits for the county). Under it each
// batch reads the results due (a short read), POSTs them one by one with no
// pooled connection held (libcurl, bounded by --county_feedback_timeout_ms),
// and records each attempt with its consequence in a short transaction:
// delivered; tried again after an exponential backoff with jitter
// (--county_feedback_min_backoff_ms doubling to --county_feedback_max_backoff_ms);
// or, for a 4xx other than 408/429, parked for an operator. A relay killed
// between a POST and its record POSTs again: the county dedupes by delivery id.
#ifndef PETITION_SERVICES_INTAKE_SERVICE_COUNTY_FEEDBACK_RELAY_H_
#define PETITION_SERVICES_INTAKE_SERVICE_COUNTY_FEEDBACK_RELAY_H_

#include <memory>
#include <set>
#include <string>

#include "absl/random/random.h"
#include "absl/time/time.h"
#include "common/metrics.h"
#include "common/relay_loop.h"
#include "prometheus/counter.h"
#include "services/intake/store/county_store.h"

namespace petition::intake {

class CountyFeedbackRelay {
 public:
  struct Options {
    std::string url;     // required
    std::string secret;  // required
    int batch_size = 20;
    // The relay sleeps until county_feedback's trigger notifies it (migration 0019) or a retry
    // it scheduled falls due; this is only the safety net (and how a retry scheduled before a
    // restart is found).
    absl::Duration idle_poll = absl::Seconds(30);
    absl::Duration min_backoff = absl::Seconds(1);
    absl::Duration max_backoff = absl::Minutes(10);
    absl::Duration timeout = absl::Seconds(10);
  };

  // What one POST got back.
  struct Answer {
    int http_status = 0;  // 0: no answer (connection refused, timeout, ...)
    std::string error;    // the transport error, or the start of a non-2xx body
    absl::Duration duration;
  };

  CountyFeedbackRelay(CountyStore* store, Metrics* metrics, Options options);
  ~CountyFeedbackRelay();

  void Start();
  void Stop();
  // A result was just recorded: deliver now rather than at the next poll.
  void Wake();

  // One signed POST of `body` (the relay's thread; public for tests).
  Answer Post(const std::string& delivery_id, int attempt, const std::string& body);

 private:
  absl::StatusOr<RelayLoop::Batch> RunBatch();

  CountyStore* store_;
  const Options options_;
  struct Curl;
  std::unique_ptr<Curl> curl_;  // the relay's thread only (keeps the connection alive)
  absl::BitGen random_;         // the relay's thread only
  // When the retries this relay scheduled fall due (the relay's thread only): it wakes for them
  // without a poll.
  std::multiset<absl::Time> retries_;
  prometheus::Counter* delivered_ = nullptr;
  prometheus::Counter* failed_ = nullptr;
  prometheus::Counter* parked_total_ = nullptr;
  RelayLoop loop_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_SERVICE_COUNTY_FEEDBACK_RELAY_H_
