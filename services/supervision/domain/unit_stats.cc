#include "services/supervision/domain/unit_stats.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace petition::supervision {
namespace {

bool In(absl::CivilDay day, absl::CivilDay from, absl::CivilDay to) {
  return from <= day && day <= to;
}

struct Tally {
  UnitStatsRow row;
  int settled = 0;
  int on_time = 0;
  int rated = 0;
  int satisfied = 0;
  bool any = false;
};

}  // namespace

std::string_view CriticismReasonName(CriticismReason reason) {
  switch (reason) {
    case CriticismReason::kOverLevelToProvinceOrBeijing:
      return "OVER_LEVEL_TO_PROVINCE_OR_BEIJING";
    case CriticismReason::kRepeatedEscalation:
      return "REPEATED_ESCALATION";
    case CriticismReason::kUnreportedCollectiveEscalation:
      return "UNREPORTED_COLLECTIVE_ESCALATION";
    case CriticismReason::kOverdueHandlingOpinion:
      return "OVERDUE_HANDLING_OPINION";
  }
  return "";
}

std::vector<UnitStatsRow> ComputeUnitStats(absl::CivilDay from, absl::CivilDay to,
                                           absl::CivilDay today,
                                           const std::vector<CaseFacts>& cases,
                                           const std::vector<EscalationFacts>& escalations) {
  std::map<std::string, Tally> units;
  for (const CaseFacts& c : cases) {
    const bool received = In(c.received_on, from, to);
    const bool concluded = c.concluded_on.has_value() && In(*c.concluded_on, from, to);
    const bool rated = !c.rating.empty() && c.rated_on.has_value() && In(*c.rated_on, from, to);
    const bool satisfied = c.rating == "SATISFIED" || c.rating == "BASICALLY_SATISFIED";
    bool settled = false;
    bool on_time = false;
    if (c.handling.has_value() && In(c.handling->due, from, to)) {
      if (c.handling->met_on.has_value()) {
        on_time = *c.handling->met_on <= c.handling->due;
        settled = !c.handling->withdrawn || !on_time;
        if (c.handling->withdrawn) on_time = false;
      } else {
        settled = c.handling->due < today;
      }
    }
    const bool unheard = c.complex && c.answered_on.has_value() && In(*c.answered_on, from, to) &&
                         (!c.first_hearing_on.has_value() || *c.first_hearing_on > *c.answered_on);
    // The HANDLING opinion went overdue the day after the due date.
    std::optional<absl::CivilDay> went_overdue;
    if (c.handling.has_value()) {
      const absl::CivilDay day_after = c.handling->due + 1;
      if (In(day_after, from, to) && day_after <= today &&
          PastDueUnmetBefore({c.handling->due, c.handling->met_on}, day_after)) {
        went_overdue = day_after;
      }
    }
    const int changed =
        static_cast<int>(std::count_if(c.answer_changed_on.begin(), c.answer_changed_on.end(),
                                       [&](absl::CivilDay d) { return In(d, from, to); }));
    if (!received && !concluded && !rated && !settled && !unheard && !went_overdue.has_value() &&
        changed == 0) {
      continue;
    }
    for (const std::string& unit : c.unit_ids) {
      Tally& t = units[unit];
      t.any = true;
      if (received) {
        ++t.row.received;
        if (c.repeat) ++t.row.repeat;
        if (c.collective) ++t.row.collective;
      }
      if (concluded) ++t.row.concluded;
      if (rated) {
        ++t.rated;
        if (satisfied) ++t.satisfied;
      }
      if (unheard) ++t.row.complex_without_hearing;
      t.row.review_changed += changed;
      if (settled) {
        ++t.settled;
        if (on_time) ++t.on_time;
      }
      if (went_overdue.has_value()) {
        t.row.criticisms.push_back(
            {CriticismReason::kOverdueHandlingOpinion, c.case_id, *went_overdue, ""});
      }
    }
  }
  // Escalations in the order they happened: a case's second and later ones
  // are repeats.
  std::vector<const EscalationFacts*> ordered;
  for (const EscalationFacts& e : escalations) {
    if (e.occurred_on <= to) ordered.push_back(&e);
  }
  std::sort(ordered.begin(), ordered.end(), [](const EscalationFacts* a, const EscalationFacts* b) {
    return std::tie(a->occurred_on, a->recorded_at, a->escalation_id) <
           std::tie(b->occurred_on, b->recorded_at, b->escalation_id);
  });
  std::map<std::string, int> escalated_before;  // by case
  for (const EscalationFacts* e : ordered) {
    const bool repeated = escalated_before[e->case_id]++ > 0;
    if (e->occurred_on < from) continue;
    Tally& t = units[e->unit_id];
    t.any = true;
    auto criticise = [&](CriticismReason reason) {
      t.row.criticisms.push_back({reason, e->case_id, e->occurred_on, e->escalation_id});
    };
    if (OverLevelFaults(e->occurred_on, e->case_facts).empty()) {
      ++t.row.over_level_not_at_fault;
    } else {
      ++t.row.over_level;
      if (e->level == "PROVINCE" || e->level == "NATIONAL") {
        criticise(CriticismReason::kOverLevelToProvinceOrBeijing);
      }
    }
    if (repeated) criticise(CriticismReason::kRepeatedEscalation);
    if (e->headcount >= kCollectiveHeadcount && !e->reported_in_advance) {
      criticise(CriticismReason::kUnreportedCollectiveEscalation);
    }
  }
  std::vector<UnitStatsRow> rows;
  for (auto& [unit, t] : units) {
    if (!t.any) continue;
    t.row.unit_id = unit;
    t.row.overdue = t.settled - t.on_time;
    if (t.settled > 0) t.row.on_time_rate = static_cast<double>(t.on_time) / t.settled;
    if (t.rated > 0) t.row.satisfaction_rate = static_cast<double>(t.satisfied) / t.rated;
    std::sort(t.row.criticisms.begin(), t.row.criticisms.end(),
              [](const Criticism& a, const Criticism& b) {
                return std::tie(a.occurred_on, a.case_id, a.reason, a.escalation_id) <
                       std::tie(b.occurred_on, b.case_id, b.reason, b.escalation_id);
              });
    rows.push_back(std::move(t.row));
  }
  return rows;
}

}  // namespace petition::supervision
