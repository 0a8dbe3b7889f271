// gRPC handlers of petition.scheduling.v1.Scheduling: validate, call domain and
// store, map errors to grpc::Status. Nothing else.
#ifndef PETITION_SERVICES_SCHEDULING_SERVICE_SCHEDULING_SERVICE_H_
#define PETITION_SERVICES_SCHEDULING_SERVICE_SCHEDULING_SERVICE_H_

#include <string>
#include <utility>

#include "petition/v1/scheduling.grpc.pb.h"
#include "services/scheduling/domain/directory.h"
#include "services/scheduling/domain/recusal.h"
#include "services/scheduling/store/calendar_store.h"
#include "services/scheduling/store/directory_store.h"
#include "services/scheduling/store/reception_store.h"

namespace petition::scheduling {

class SchedulingService final : public v1::Scheduling::Service {
 public:
  // `time_zone`: the township's (IANA, valid), which this service owns and
  // the others read (GetTimeZone).
  SchedulingService(CalendarStore* calendars, DirectoryStore* directory, ReceptionStore* receptions,
                    std::string time_zone = DutyHours{}.time_zone)
      : calendars_(calendars),
        directory_(directory),
        receptions_(receptions),
        time_zone_(std::move(time_zone)) {}

  grpc::Status PutCalendar(grpc::ServerContext* context, const v1::PutCalendarRequest* request,
                           v1::Calendar* response) override;
  grpc::Status GetCalendar(grpc::ServerContext* context, const v1::GetCalendarRequest* request,
                           v1::Calendar* response) override;
  grpc::Status GetCalendarDay(grpc::ServerContext* context,
                              const v1::GetCalendarDayRequest* request,
                              v1::CalendarDay* response) override;
  grpc::Status ListCalendarVersions(grpc::ServerContext* context,
                                    const v1::ListCalendarVersionsRequest* request,
                                    v1::ListCalendarVersionsResponse* response) override;
  grpc::Status AddWorkingDays(grpc::ServerContext* context,
                              const v1::AddWorkingDaysRequest* request,
                              v1::AddWorkingDaysResponse* response) override;

  // The directory (directory_handlers.cc).
  grpc::Status CreateUnit(grpc::ServerContext* context, const v1::CreateUnitRequest* request,
                          v1::Unit* response) override;
  grpc::Status SetPrincipalLeader(grpc::ServerContext* context,
                                  const v1::SetPrincipalLeaderRequest* request,
                                  v1::Unit* response) override;
  grpc::Status SetLeaderInCharge(grpc::ServerContext* context,
                                 const v1::SetLeaderInChargeRequest* request,
                                 v1::Unit* response) override;
  grpc::Status GetUnit(grpc::ServerContext* context, const v1::GetUnitRequest* request,
                       v1::Unit* response) override;
  grpc::Status ListUnits(grpc::ServerContext* context, const v1::ListUnitsRequest* request,
                         v1::ListUnitsResponse* response) override;
  grpc::Status CreateOfficial(grpc::ServerContext* context,
                              const v1::CreateOfficialRequest* request,
                              v1::Official* response) override;
  grpc::Status GetOfficial(grpc::ServerContext* context, const v1::GetOfficialRequest* request,
                           v1::Official* response) override;
  grpc::Status ListOfficials(grpc::ServerContext* context, const v1::ListOfficialsRequest* request,
                             v1::ListOfficialsResponse* response) override;

  // Reception plans, sessions, substitutions, recusals
  // (reception_handlers.cc).
  grpc::Status CreateReceptionPlan(grpc::ServerContext* context,
                                   const v1::CreateReceptionPlanRequest* request,
                                   v1::ReceptionPlan* response) override;
  grpc::Status ListReceptionPlans(grpc::ServerContext* context,
                                  const v1::ListReceptionPlansRequest* request,
                                  v1::ListReceptionPlansResponse* response) override;
  grpc::Status ListReceptions(grpc::ServerContext* context,
                              const v1::ListReceptionsRequest* request,
                              v1::ListReceptionsResponse* response) override;
  grpc::Status Substitute(grpc::ServerContext* context, const v1::SubstituteRequest* request,
                          v1::ReceptionSession* response) override;
  grpc::Status GetOnDuty(grpc::ServerContext* context, const v1::GetOnDutyRequest* request,
                         v1::ReceptionSession* response) override;
  grpc::Status CreateRecusal(grpc::ServerContext* context, const v1::CreateRecusalRequest* request,
                             v1::Recusal* response) override;
  grpc::Status ListRecusals(grpc::ServerContext* context, const v1::ListRecusalsRequest* request,
                            v1::ListRecusalsResponse* response) override;
  grpc::Status GetAssignee(grpc::ServerContext* context, const v1::GetAssigneeRequest* request,
                           v1::Assignee* response) override;
  // Internal (intake, supervision): the township's time zone.
  grpc::Status GetTimeZone(grpc::ServerContext* context, const v1::GetTimeZoneRequest* request,
                           v1::TimeZoneSetting* response) override;
  // Internal (intake): whether an official may decide on a case (recusal, rank).
  grpc::Status CheckDecider(grpc::ServerContext* context, const v1::CheckDeciderRequest* request,
                            v1::CheckDeciderResponse* response) override;

  // Rosters and appointments (reception_handlers.cc).
  grpc::Status GetRoster(grpc::ServerContext* context, const v1::GetRosterRequest* request,
                         v1::Roster* response) override;
  grpc::Status PublishRoster(grpc::ServerContext* context, const v1::PublishRosterRequest* request,
                             v1::Roster* response) override;
  grpc::Status CreateAppointment(grpc::ServerContext* context,
                                 const v1::CreateAppointmentRequest* request,
                                 v1::Appointment* response) override;
  grpc::Status ListAppointments(grpc::ServerContext* context,
                                const v1::ListAppointmentsRequest* request,
                                v1::ListAppointmentsResponse* response) override;

  grpc::Status ExportReceptions(grpc::ServerContext* context,
                                const v1::ListReceptionsRequest* request,
                                petition::v1::HttpBody* response) override;

 private:
  // A unit's duty hours in the township's time zone.
  DutyHours HoursOf(const v1::Unit& unit) const {
    DutyHours hours = DutyHoursOf(unit);
    hours.time_zone = time_zone_;
    return hours;
  }

  CalendarStore* calendars_;
  DirectoryStore* directory_;
  ReceptionStore* receptions_;
  std::string time_zone_;
};

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_SERVICE_SCHEDULING_SERVICE_H_
