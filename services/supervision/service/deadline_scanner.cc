#include "services/supervision/service/deadline_scanner.h"

#include <map>

#include "common/log.h"

namespace petition::supervision {

absl::StatusOr<DeadlineScanner::Totals> DeadlineScanner::RunOnce() {
  auto policies = store_->AllPolicies();
  if (!policies.ok()) return policies.status();
  const DeadlinePolicy& current =
      policies->empty() ? DeadlinePolicy::Regulation() : policies->back().policy;
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(current.time_zone, &zone)) {
    return absl::InternalError("the policy's time zone does not load");
  }
  const absl::Time now = clock_->Now();
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  // Each version's DUE_SOON horizon; one calendar question per distinct limit.
  std::map<std::pair<int, int>, absl::CivilDay> memo;
  std::vector<std::pair<int64_t, absl::CivilDay>> horizons;
  auto add = [&](int64_t version, const Limit& due_soon) -> absl::Status {
    const auto key = std::make_pair(due_soon.days, static_cast<int>(due_soon.unit));
    auto it = memo.find(key);
    if (it == memo.end()) {
      auto h = DueSoonHorizon(today, due_soon, *calendar_);
      if (!h.ok()) return h.status();
      it = memo.emplace(key, *h).first;
    }
    horizons.emplace_back(version, it->second);
    return absl::OkStatus();
  };
  if (absl::Status s = add(0, DeadlinePolicy::Regulation().due_soon); !s.ok()) return s;
  for (const StoredPolicy& p : *policies) {
    if (absl::Status s = add(p.version, p.policy.due_soon); !s.ok()) return s;
  }
  Totals totals;
  while (true) {
    auto batch = store_->ScanBatch(today, horizons, now, options_.batch_size);
    if (!batch.ok()) return batch.status();
    ++totals.batches;
    totals.overdue += batch->overdue;
    totals.due_soon += batch->due_soon;
    totals.orders_opened += batch->orders_opened;
    totals.orders_escalated += batch->orders_escalated;
    if (on_overdue_ && !batch->became_overdue.empty()) on_overdue_(batch->became_overdue);
    if (batch->overdue + batch->due_soon < options_.batch_size &&
        batch->orders_escalated < options_.batch_size) {
      break;
    }
  }
  if (totals.overdue + totals.due_soon + totals.orders_escalated > 0) {
    log::Info("deadline states moved",
              {{"overdue", std::to_string(totals.overdue)},
               {"dueSoon", std::to_string(totals.due_soon)},
               {"ordersOpened", std::to_string(totals.orders_opened)},
               {"ordersEscalated", std::to_string(totals.orders_escalated)}});
  }
  return totals;
}

void DeadlineScanner::Start() {
  thread_ = std::thread([this] { Run(); });
}

void DeadlineScanner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void DeadlineScanner::Run() {
  while (true) {
    const absl::Time started = absl::Now();
    auto totals = RunOnce();
    if (options_.on_pass) options_.on_pass(totals, absl::Now() - started);
    if (!totals.ok()) {
      log::Warn("deadline scan failed", {{"error", totals.status().ToString()}});
    }
    absl::MutexLock lock(&mu_);
    auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
    mu_.AwaitWithTimeout(absl::Condition(&stopping), options_.interval);
    if (stopping_) return;
  }
}

}  // namespace petition::supervision
