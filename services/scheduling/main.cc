// scheduling: the working-day calendar (and, later, reception plans, rosters,
// substitutions and recusal). Wiring only.
#include <memory>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/dates.h"
#include "common/domain_gauges.h"
#include "common/service_main.h"
#include "services/scheduling/domain/recusal.h"
#include "services/scheduling/service/reception_gauges.h"
#include "services/scheduling/service/scheduling_service.h"
#include "services/scheduling/store/calendar_store.h"
#include "services/scheduling/store/directory_store.h"
#include "services/scheduling/store/request_log.h"

ABSL_FLAG(std::string, time_zone, "Asia/Shanghai",
          "The township's time zone (IANA). Scheduling owns it: intake and supervision read it "
          "at start-up.");

int main(int argc, char** argv) {
  petition::ServiceSpec spec;
  spec.name = "scheduling";
  spec.default_grpc_port = 50052;
  spec.default_metrics_port = 9102;
  spec.migrations = &SchedulingMigrations();
  spec.statements = petition::scheduling::CalendarStore::Statements();
  for (const petition::PgStatement& st : petition::scheduling::DirectoryStore::Statements()) {
    spec.statements.push_back(st);
  }
  for (const petition::PgStatement& st : petition::scheduling::ReceptionStore::Statements()) {
    spec.statements.push_back(st);
  }
  for (const petition::PgStatement& st : petition::scheduling::RequestLog::Statements()) {
    spec.statements.push_back(st);
  }
  return petition::RunService(
      argc, argv, spec,
      [](petition::ServiceContext& ctx) -> absl::StatusOr<petition::ServiceParts> {
        const std::string time_zone = absl::GetFlag(FLAGS_time_zone);
        auto township_zone = petition::LoadZone(time_zone);
        if (!township_zone.ok()) return township_zone.status();
        auto store = std::make_shared<petition::scheduling::CalendarStore>(ctx.pool);
        auto directory = std::make_shared<petition::scheduling::DirectoryStore>(ctx.pool);
        auto receptions = std::make_shared<petition::scheduling::ReceptionStore>(ctx.pool);
        // 月初书面公示: units with a reception plan in the month whose roster for it is not
        // published, for this month and the next (every row present, 0 when none).
        ctx.gauges->Add(
            {"petition_rosters_unpublished",
             "Units with a reception plan in the month and no published roster for it.",
             {"month"},
             [tz = time_zone](pqxx::transaction_base& tx) {
               return tx.exec_params(
                   "SELECT m.which, count(DISTINCT p.unit_id) FROM (VALUES ('current', 0), "
                   "('next', 1)) AS v (which, ahead), LATERAL (SELECT v.which, "
                   "(date_trunc('month', $2::timestamptz AT TIME ZONE $1) + make_interval(months "
                   "=> "
                   "v.ahead))::date AS first) AS m LEFT JOIN reception_plans p ON "
                   "coalesce(nullif(p.spec->>'startDate', '')::date, '-infinity') < "
                   "(m.first + interval '1 month')::date AND "
                   "coalesce(nullif(p.spec->>'endDate', '')::date, 'infinity') >= m.first AND "
                   "NOT EXISTS (SELECT 1 FROM roster_publications r WHERE r.unit_id = p.unit_id "
                   "AND r.month = to_char(m.first, 'YYYY-MM')) GROUP BY 1",
                   tz, petition::SqlTimestamp(petition::Now()));
             }});
        // ... and those already late: today is past the month's first working day (by the
        // loaded calendar; Monday-Friday for a year without one).
        ctx.gauges->Add(
            {"petition_rosters_late",
             "Units whose roster for this month is still unpublished after its first working "
             "day.",
             {},
             [tz = time_zone](pqxx::transaction_base& tx) {
               return tx.exec_params(
                   "WITH t AS (SELECT ($2::timestamptz AT TIME ZONE $1)::date AS today), "
                   "m AS (SELECT date_trunc('month', today)::date AS first, today FROM t), "
                   "w AS (SELECT min(g.d)::date AS first_working FROM m, "
                   "generate_series(m.first, m.first + 20, interval '1 day') AS g (d) "
                   "LEFT JOIN calendar_days c ON c.day = g.d::date "
                   "WHERE c.kind = 'MAKEUP_WORKDAY' OR "
                   "(c.kind IS NULL AND extract(isodow FROM g.d) < 6)) "
                   "SELECT count(DISTINCT p.unit_id) FROM m, w, reception_plans p "
                   "WHERE m.today > w.first_working AND "
                   "coalesce(nullif(p.spec->>'startDate', '')::date, '-infinity') < "
                   "(m.first + interval '1 month')::date AND "
                   "coalesce(nullif(p.spec->>'endDate', '')::date, 'infinity') >= m.first AND "
                   "NOT EXISTS (SELECT 1 FROM roster_publications r WHERE r.unit_id = p.unit_id "
                   "AND r.month = to_char(m.first, 'YYYY-MM'))",
                   tz, petition::SqlTimestamp(petition::Now()));
             }});
        // This week's reception sessions (Monday to Sunday in the township's time zone), by
        // unit: computed from the plans and the calendar, as the sessions themselves are.
        ctx.gauges->AddComputed(
            {"petition_reception_sessions_this_week",
             "Reception sessions of the current week (Monday to Sunday) by unit.",
             {"unit"},
             nullptr},
            [store, receptions,
             zone = *township_zone]() -> absl::StatusOr<petition::DomainGauges::Values> {
              petition::TxOptions options;
              options.deadline = absl::Now() + absl::Seconds(10);
              options.max_attempts = 1;
              auto plans = receptions->ListAllPlans(options);
              if (!plans.ok()) return plans.status();
              auto calendar = store->Load(options);
              if (!calendar.ok()) return calendar.status();
              const auto [monday, sunday] =
                  petition::scheduling::WeekOf(absl::ToCivilDay(petition::Now(), zone));
              auto counts =
                  petition::scheduling::SessionsByUnit(*plans, **calendar, monday, sunday);
              if (!counts.ok()) return counts.status();
              petition::DomainGauges::Values values;
              for (const auto& [unit, n] : *counts) values[{unit}] = n;
              return values;
            });
        petition::ServiceParts parts;
        parts.services.push_back(std::make_unique<petition::scheduling::SchedulingService>(
            store.get(), directory.get(), receptions.get(), time_zone));
        parts.keep_alive.push_back(store);
        parts.keep_alive.push_back(directory);
        parts.keep_alive.push_back(receptions);
        return parts;
      });
}
