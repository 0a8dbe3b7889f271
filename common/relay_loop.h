// The loop behind every outbox relay: one relay per schema across replicas
// (the holder of a SessionLock, common/session_lock.h), batches one after
// another while work remains, a wait for a notification or a Wake() when it is
// drained, exponential backoff with jitter while a batch fails, and a prompt
// Stop().
//
// Idle, a relay costs the database nothing: the holder sleeps on its lock's
// connection until the outbox's trigger NOTIFYs (Options::channel; the
// inserting transaction's commit delivers it), with idle_poll as a safety
// net only; a standby keeps its one connection and tries the lock every
// standby_poll. What a batch does (read pending rows, deliver them with no pooled
// connection held, mark them) is the relay's own; the loop only decides when
// the next one runs.
#ifndef PETITION_COMMON_RELAY_LOOP_H_
#define PETITION_COMMON_RELAY_LOOP_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/session_lock.h"

namespace petition {

// The delay before retry number `attempt` (1 for the first retry): min * 2^(attempt-1), at most
// max, of which a random half is taken off ("equal jitter"), so that many clients failing
// together do not retry together, and no retry comes sooner than half the exponential delay.
absl::Duration BackoffWithJitter(int attempt, absl::Duration min, absl::Duration max,
                                 absl::BitGen& random);

// Whether a receiver's answer refuses an event for good, so that retrying
// cannot help and the event is parked for an operator: the event is invalid
// (INVALID_ARGUMENT, OUT_OF_RANGE, DATA_LOSS), contradicts the receiver's
// state (FAILED_PRECONDITION), or names what the receiver does not have
// (NOT_FOUND: retried, it would stay ahead of every later event forever).
// Anything else (down, overloaded, not deployed yet, misconfigured) is
// tried again.
bool IsPermanentDeliveryError(const absl::Status& status);

// One batch of an ordered outbox, rows [0, n) oldest first, the receiver
// applying each once by its id (at least once, in order):
// 1. deliver them all in one call (no database connection held);
// 2. delivered: mark them; failed for now: mark them failed, the batch
//    failed (backed off, retried);
// 3. refused for good: one at a time, to find the culprit: each delivered
//    is marked, each refused for good parked, and at the first that fails
//    for now it and the rest are marked failed and the batch stops.
// An error from a mark (the database) ends the batch with it; the rows not
// marked stay pending and are delivered again.
struct OutboxBatchOps {
  std::function<absl::Status(size_t from, size_t to)> deliver;
  std::function<absl::Status(size_t from, size_t to)> mark_delivered;
  std::function<absl::Status(size_t from, size_t to, const std::string& error)> mark_failed;
  std::function<absl::Status(size_t i, const std::string& error)> park;
};
struct OutboxBatchResult {
  int delivered = 0;
  int parked = 0;
  bool failed = false;  // the rest waits for the next try, after a backoff
};
absl::StatusOr<OutboxBatchResult> RelayOrderedBatch(size_t n, const OutboxBatchOps& ops);

class RelayLoop {
 public:
  struct Options {
    // Between batches when nothing waits: a notification or Wake() cuts it short, so with a
    // channel it is only the safety net (a notification lost with a broken connection).
    absl::Duration idle_poll = absl::Seconds(30);
    // After a failed batch (or no database for the lock): doubling from min to max, jittered.
    absl::Duration min_backoff = absl::Milliseconds(200);
    absl::Duration max_backoff = absl::Seconds(10);
    // The channel the outbox's trigger notifies, with the schema as payload. Empty: no
    // listening (idle_poll alone), as without a lock.
    std::string channel;
    // Between two tries of the lock while another replica holds it.
    absl::Duration standby_poll = absl::Seconds(5);
  };

  // What one batch found.
  struct Batch {
    bool more = false;    // a full batch: run the next one at once
    bool failed = false;  // back off before the next one (the rows stay pending)
    // Work that becomes due later without a notification (a retry at a set time): wait no
    // longer than this.
    absl::Time next_due = absl::InfiniteFuture();
  };

  using TryLock = std::function<absl::StatusOr<std::unique_ptr<SessionLock>>()>;
  using RunBatch = std::function<absl::StatusOr<Batch>()>;

  // `name` names the relay in the log. `try_lock` returns nullptr while another replica
  // relays (an empty `try_lock`: no lock, for a relay alone in its schema, as in tests);
  // `run_batch` runs on the loop's thread only, while the lock is held. An error from it (the
  // database) is logged and backed off like a failed batch.
  RelayLoop(std::string name, TryLock try_lock, RunBatch run_batch, Options options);
  ~RelayLoop();  // stops
  RelayLoop(const RelayLoop&) = delete;
  RelayLoop& operator=(const RelayLoop&) = delete;

  void Start();
  // Sets stopping(), runs `on_stop` (e.g. cancels a delivery under way) and joins the thread.
  void Stop();
  // Something was just written: run a batch now rather than at the next poll.
  void Wake();
  // True once Stop() began: a long delivery polls it to give up early.
  bool stopping() const { return stopping_flag_.load(std::memory_order_relaxed); }
  // Called by Stop() before joining; set before Start().
  void set_on_stop(std::function<void()> on_stop) { on_stop_ = std::move(on_stop); }

 private:
  void Run();
  // Waits for Stop(), `timeout`, or (when `wakeable`) Wake(). False when stopping.
  bool Wait(absl::Duration timeout, bool wakeable);
  // Drained: waits for a notification on the lock's connection (when listening), Wake(),
  // Stop() or `timeout`. False when stopping.
  bool WaitIdle(absl::Duration timeout);
  void Ring();  // wakes WaitIdle()

  const std::string name_;
  TryLock try_lock_;
  RunBatch run_batch_;
  const Options options_;
  std::function<void()> on_stop_;
  std::unique_ptr<SessionLock> lock_;  // loop thread only
  bool listening_ = false;             // loop thread only: lock_ listens on the channel
  int wake_fd_ = -1;                   // an eventfd: Wake() and Stop() reach a WaitIdle()
  absl::BitGen random_;                // loop thread only
  std::atomic<bool> stopping_flag_{false};

  absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace petition

#endif  // PETITION_COMMON_RELAY_LOOP_H_
