#include "services/supervision/domain/unit_stats.h"

#include <map>

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

bool IsOverLevel(absl::CivilDay occurred_on, const std::optional<HandlingFacts>& handling) {
  if (!handling.has_value()) return false;  // not accepted (yet): A19 does not apply
  if (occurred_on < handling->start) return false;
  if (occurred_on > handling->due) return false;  // past its limit
  if (handling->met_on.has_value() && *handling->met_on < occurred_on) return false;
  return true;
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
    if (!received && !concluded && !rated && !settled && !unheard) continue;
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
      if (settled) {
        ++t.settled;
        if (on_time) ++t.on_time;
      }
    }
  }
  for (const EscalationFacts& e : escalations) {
    if (!In(e.occurred_on, from, to) || !IsOverLevel(e.occurred_on, e.handling)) continue;
    Tally& t = units[e.unit_id];
    t.any = true;
    ++t.row.over_level;
    if (e.headcount >= kCollectiveHeadcount && !e.reported_in_advance) t.row.veto = true;
  }
  std::vector<UnitStatsRow> rows;
  for (auto& [unit, t] : units) {
    if (!t.any) continue;
    t.row.unit_id = unit;
    t.row.overdue = t.settled - t.on_time;
    if (t.settled > 0) t.row.on_time_rate = static_cast<double>(t.on_time) / t.settled;
    if (t.rated > 0) t.row.satisfaction_rate = static_cast<double>(t.satisfied) / t.rated;
    rows.push_back(std::move(t.row));
  }
  return rows;
}

}  // namespace petition::supervision
