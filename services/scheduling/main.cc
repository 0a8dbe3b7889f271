// scheduling: the working-day calendar (and, later, reception plans, rosters,
// substitutions and recusal). Wiring only.
#include <memory>

#include "common/service_main.h"
#include "services/scheduling/service/scheduling_service.h"
#include "services/scheduling/store/calendar_store.h"
#include "services/scheduling/store/directory_store.h"

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
  return petition::RunService(
      argc, argv, spec,
      [](petition::ServiceContext& ctx) -> absl::StatusOr<petition::ServiceParts> {
        auto store = std::make_shared<petition::scheduling::CalendarStore>(ctx.pool);
        auto directory = std::make_shared<petition::scheduling::DirectoryStore>(ctx.pool);
        auto receptions = std::make_shared<petition::scheduling::ReceptionStore>(ctx.pool);
        petition::ServiceParts parts;
        parts.services.push_back(std::make_unique<petition::scheduling::SchedulingService>(
            store.get(), directory.get(), receptions.get()));
        parts.keep_alive.push_back(store);
        parts.keep_alive.push_back(directory);
        parts.keep_alive.push_back(receptions);
        return parts;
      });
}
