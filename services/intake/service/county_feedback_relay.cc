#include "services/intake/service/county_feedback_relay.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "services/intake/domain/county_transfer.h"

namespace petition::intake {
namespace {

constexpr size_t kMaxErrorBody = 200;

// libcurl's global state, set up once per process before any handle.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Keeps the start of the county's answer (for the attempt's error) and drops the rest.
size_t KeepStart(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  const size_t bytes = size * n;
  if (body->size() < kMaxErrorBody) {
    body->append(data, std::min(bytes, kMaxErrorBody - body->size()));
  }
  return bytes;
}

// Aborts a transfer under way once the relay is stopping.
int AbortWhenStopping(void* loop, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const RelayLoop*>(loop)->stopping() ? 1 : 0;
}

}  // namespace

// One easy handle for the relay's thread: the connection to the county stays
// open between POSTs.
struct CountyFeedbackRelay::Curl {
  CURL* handle = nullptr;
  Curl() : handle(curl_easy_init()) {}
  ~Curl() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

CountyFeedbackRelay::CountyFeedbackRelay(CountyStore* store, Metrics* metrics, Options options)
    : store_(store),
      options_(std::move(options)),
      loop_(
          "county feedback relay", [this] { return store_->TryLockRelay(); },
          [this] { return RunBatch(); },
          [this] {
            RelayLoop::Options o;
            o.idle_poll = options_.idle_poll;
            o.min_backoff = absl::Milliseconds(200);
            o.max_backoff = absl::Seconds(10);
            o.channel = "petition_county_feedback";  // migration 0019's trigger
            return o;
          }()) {
  InitCurlOnce();
  curl_ = std::make_unique<Curl>();
  if (metrics != nullptr) {
    auto& attempts = prometheus::BuildCounter()
                         .Name("petition_county_feedback_attempts_total")
                         .Help("POSTs of results to the county platform, by what they led to.")
                         .Register(metrics->registry());
    delivered_ = &attempts.Add({{"result", "delivered"}});
    failed_ = &attempts.Add({{"result", "failed"}});
    parked_total_ = &attempts.Add({{"result", "parked"}});
  }
}

CountyFeedbackRelay::~CountyFeedbackRelay() { Stop(); }

void CountyFeedbackRelay::Start() { loop_.Start(); }
void CountyFeedbackRelay::Stop() { loop_.Stop(); }
void CountyFeedbackRelay::Wake() { loop_.Wake(); }

CountyFeedbackRelay::Answer CountyFeedbackRelay::Post(const std::string& delivery_id, int attempt,
                                                      const std::string& body) {
  Answer answer;
  CURL* h = curl_->handle;
  if (h == nullptr) {
    answer.error = "libcurl could not make a handle";
    return answer;
  }
  curl_easy_reset(h);
  curl_slist* headers = nullptr;
  for (const std::string& header :
       {std::string("Content-Type: application/json"),
        "X-Signature: " + FeedbackSignature(options_.secret, body), "X-Delivery-Id: " + delivery_id,
        absl::StrCat("X-Delivery-Attempt: ", attempt),
        std::string("Expect:")}) {  // no 100-continue round trip
    headers = curl_slist_append(headers, header.c_str());
  }
  std::string response;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // a thread among others: no SIGALRM
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));  // NOLINT
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, KeepStart);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, AbortWhenStopping);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &loop_);
  const absl::Time start = absl::Now();
  const CURLcode code = curl_easy_perform(h);
  answer.duration = absl::Now() - start;
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    answer.error = error[0] != '\0' ? error : curl_easy_strerror(code);
    return answer;
  }
  long status = 0;  // NOLINT(runtime/int): libcurl's type
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  answer.http_status = static_cast<int>(status);
  if (VerdictOf(answer.http_status) != FeedbackVerdict::kDelivered) {
    answer.error = absl::StrCat("HTTP ", status, response.empty() ? "" : ": ", response);
  }
  return answer;
}

absl::StatusOr<RelayLoop::Batch> CountyFeedbackRelay::RunBatch() {
  // Each database step is bounded, so that a hung database cannot hold the
  // relay (and Stop()) for long.
  auto bounded = [this] {
    TxOptions o;
    o.deadline = absl::Now() + options_.timeout;
    return o;
  };
  RelayLoop::Batch batch;
  // Retries falling due now are read below; those still ahead set the next wake-up.
  retries_.erase(retries_.begin(), retries_.upper_bound(absl::Now()));
  auto due = store_->Due(options_.batch_size, bounded());
  if (!due.ok()) return due.status();
  for (const DueFeedback& f : *due) {
    if (loop_.stopping()) break;  // unrecorded: the next relay POSTs it again
    Answer answer = Post(f.delivery_id, f.attempts + 1, f.body);
    if (loop_.stopping() && answer.http_status == 0) break;  // cut short by Stop()
    FeedbackAttemptRecord record{answer.http_status, answer.error, answer.duration};
    absl::Status marked;
    switch (VerdictOf(answer.http_status)) {
      case FeedbackVerdict::kDelivered:
        marked = store_->MarkDelivered(f.id, record, bounded());
        if (delivered_ != nullptr) delivered_->Increment();
        break;
      case FeedbackVerdict::kPark:
        marked = store_->Park(f.id, record, bounded());
        if (parked_total_ != nullptr) parked_total_->Increment();
        log::Error("county feedback parked: the county refused it for good",
                   {{"deliveryId", f.delivery_id}, {"error", answer.error}});
        break;
      case FeedbackVerdict::kRetry: {
        const absl::Duration wait =
            BackoffWithJitter(f.attempts + 1, options_.min_backoff, options_.max_backoff, random_);
        const absl::Time retry_at = absl::Now() + wait;
        marked = store_->MarkRetry(f.id, record, retry_at, bounded());
        if (marked.ok()) retries_.insert(retry_at);
        if (failed_ != nullptr) failed_->Increment();
        log::Warn("county feedback not delivered; trying again later",
                  {{"deliveryId", f.delivery_id},
                   {"attempt", std::to_string(f.attempts + 1)},
                   {"error", answer.error},
                   {"retryInMs", std::to_string(absl::ToInt64Milliseconds(wait))}});
        break;
      }
    }
    if (!marked.ok()) return marked;
  }
  batch.more = static_cast<int>(due->size()) == options_.batch_size;
  if (!retries_.empty()) batch.next_due = *retries_.begin();
  return batch;
}

}  // namespace petition::intake
