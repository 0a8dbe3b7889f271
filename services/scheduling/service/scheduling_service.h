// gRPC handlers of petition.scheduling.v1.Scheduling: validate, call domain and
// store, map errors to grpc::Status. Nothing else.
#ifndef PETITION_SERVICES_SCHEDULING_SERVICE_SCHEDULING_SERVICE_H_
#define PETITION_SERVICES_SCHEDULING_SERVICE_SCHEDULING_SERVICE_H_

#include "petition/v1/scheduling.grpc.pb.h"
#include "services/scheduling/store/calendar_store.h"

namespace petition::scheduling {

class SchedulingService final : public v1::Scheduling::Service {
 public:
  explicit SchedulingService(CalendarStore* calendars) : calendars_(calendars) {}

  grpc::Status PutCalendar(grpc::ServerContext* context, const v1::PutCalendarRequest* request,
                           v1::Calendar* response) override;
  grpc::Status GetCalendar(grpc::ServerContext* context, const v1::GetCalendarRequest* request,
                           v1::Calendar* response) override;
  grpc::Status GetCalendarDay(grpc::ServerContext* context,
                              const v1::GetCalendarDayRequest* request,
                              v1::CalendarDay* response) override;
  grpc::Status AddWorkingDays(grpc::ServerContext* context,
                              const v1::AddWorkingDaysRequest* request,
                              v1::AddWorkingDaysResponse* response) override;

 private:
  CalendarStore* calendars_;
};

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_SERVICE_SCHEDULING_SERVICE_H_
