#include "services/supervision/service/deadline_scanner.h"

#include <map>
#include <tuple>

#include "common/log.h"

namespace petition::supervision {

absl::StatusOr<int> DeadlineScanner::RecomputeAfterCalendarChanges(
    const std::vector<StoredPolicy>& policies) {
  if (options_.calendar_versions == nullptr) return 0;
  auto versions = options_.calendar_versions->Versions();
  if (!versions.ok()) return versions.status();
  auto seen = store_->SeenCalendarVersions();
  if (!seen.ok()) return seen.status();
  auto policy_of = [&](int64_t version) -> const DeadlinePolicy* {
    static const DeadlinePolicy kRegulation = DeadlinePolicy::Regulation();
    if (version == 0) return &kRegulation;
    for (const StoredPolicy& p : policies) {
      if (p.version == version) return &p.policy;
    }
    return nullptr;
  };
  int moved = 0;
  for (const auto& [year, version] : *versions) {
    auto it = seen->find(year);
    const int64_t expected = it == seen->end() ? 0 : it->second;
    if (expected == version) continue;
    // A year seen for the first time was not loaded when the deadlines over
    // it were counted: only provisional ones can move. A changed year moves
    // any deadline counted over it.
    auto pending = store_->PendingDeadlinesTouching(year, /*only_provisional=*/expected == 0);
    if (!pending.ok()) return pending.status();
    std::vector<DueDateChangeRecord> changes;
    const absl::Time now = clock_->Now();
    // Deadlines opened the same day under the same limit share a due date.
    std::map<std::tuple<absl::CivilDay, int, int, int, int64_t>, WorkingDayResult> memo;
    for (const DeadlineRecord& d : *pending) {
      const DeadlinePolicy* policy = policy_of(d.policy_version);
      if (policy == nullptr || !d.limit.has_value()) continue;
      const auto key = std::make_tuple(d.start_date, d.limit->days, static_cast<int>(d.limit->unit),
                                       d.extended_by_days, d.policy_version);
      auto found = memo.find(key);
      if (found == memo.end()) {
        absl::StatusOr<WorkingDayResult> due =
            d.extended_by_days > 0
                ? ExtendedDueDate(d.start_date, *d.limit, d.extended_by_days, policy->extension_max,
                                  policy->roll_to_working_day, *calendar_)
                : ComputeDueDate(d.start_date, *d.limit, 0, policy->roll_to_working_day,
                                 *calendar_);
        if (absl::IsUnavailable(due.status())) return due.status();
        if (!due.ok()) {
          log::Warn("a deadline's due date cannot be recomputed",
                    {{"caseId", d.case_id}, {"kind", d.kind}, {"error", due.status().ToString()}});
          continue;
        }
        found = memo.emplace(key, *due).first;
      }
      const WorkingDayResult* due = &found->second;
      if (due->date == d.due_date && due->provisional == d.provisional) continue;
      changes.push_back(
          {d.case_id, d.kind, d.due_date, due->date, d.provisional, due->provisional, year, now});
    }
    auto applied = store_->ApplyRecomputation(year, expected, version, changes);
    if (!applied.ok()) return applied.status();
    if (!*applied) continue;  // another replica did it
    int year_moved = 0;
    for (const DueDateChangeRecord& c : changes) {
      if (c.old_due_date != c.new_due_date) ++year_moved;
    }
    moved += year_moved;
    log::Info("due dates recomputed after a calendar change",
              {{"year", std::to_string(year)},
               {"checked", std::to_string(pending->size())},
               {"moved", std::to_string(year_moved)}});
  }
  return moved;
}

absl::StatusOr<DeadlineScanner::Totals> DeadlineScanner::RunOnce() {
  auto policies = store_->AllPolicies();
  if (!policies.ok()) return policies.status();
  // Before the states: a moved due date is judged at once.
  auto recomputed = RecomputeAfterCalendarChanges(*policies);
  if (!recomputed.ok()) {
    // The calendar's owner may be down: states still move on the dates known.
    log::Warn("due dates not recomputed", {{"error", recomputed.status().ToString()}});
  }
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
  // The due date of an order opened or escalated today, by level, under
  // the current policy's response windows.
  OrderDueDates order_due;
  for (const char* level : {"REMINDER", "ORDER", "LISTED", "SUMMONS"}) {
    auto due = OrderDueDate(today, level, current, *calendar_);
    if (!due.ok()) return due.status();
    order_due[level] = due->date;
  }
  Totals totals;
  totals.recomputed = recomputed.value_or(0);
  while (true) {
    auto batch = store_->ScanBatch(today, horizons, order_due, now, options_.batch_size);
    if (!batch.ok()) return batch.status();
    ++totals.batches;
    totals.overdue += batch->overdue;
    totals.expired += batch->expired;
    totals.due_soon += batch->due_soon;
    totals.orders_opened += batch->orders_opened;
    totals.orders_escalated += batch->orders_escalated;
    if (on_overdue_ && !batch->became_overdue.empty()) on_overdue_(batch->became_overdue);
    if (batch->overdue + batch->expired + batch->due_soon < options_.batch_size &&
        batch->orders_escalated < options_.batch_size) {
      break;
    }
  }
  if (totals.overdue + totals.expired + totals.due_soon + totals.orders_escalated > 0) {
    log::Info("deadline states moved",
              {{"overdue", std::to_string(totals.overdue)},
               {"expired", std::to_string(totals.expired)},
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
