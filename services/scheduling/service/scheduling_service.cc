#include "services/scheduling/service/scheduling_service.h"

#include "absl/strings/str_cat.h"
#include "common/call_deadline.h"
#include "common/dates.h"
#include "common/request_context.h"
#include "common/status.h"
#include "services/scheduling/domain/working_day_query.h"
#include "services/scheduling/service/request_fingerprint.h"

namespace petition::scheduling {
namespace {

v1::DayKind ToProto(DayKind kind) {
  switch (kind) {
    case DayKind::kWeekday:
      return v1::WEEKDAY;
    case DayKind::kWeekend:
      return v1::WEEKEND;
    case DayKind::kHoliday:
      return v1::HOLIDAY;
    case DayKind::kMakeupWorkday:
      return v1::MAKEUP_WORKDAY;
  }
  return v1::DAY_KIND_UNSPECIFIED;
}

void ToProto(const CalendarYearRecord& record, v1::Calendar* out) {
  out->set_year(record.year);
  for (const SpecialDay& d : record.days) {
    v1::CalendarDate* entry =
        d.kind == DayKind::kHoliday ? out->add_holidays() : out->add_makeup_workdays();
    entry->set_date(FormatDate(d.day));
    entry->set_name(d.name);
  }
  *out->mutable_updated_at() = ToProtoTimestamp(record.updated_at);
}

}  // namespace

grpc::Status SchedulingService::PutCalendar(grpc::ServerContext* context,
                                            const v1::PutCalendarRequest* request,
                                            v1::Calendar* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  auto days = ValidateCalendarYear(*request);
  if (!days.ok()) return ToGrpcStatus(days.status());
  auto record = calendars_->ReplaceYear(
      request->year(), *days,
      {RequestSubject(scope), request->request_id(), RequestFingerprint(*request)},
      TxOptionsFor(*context));
  if (!record.ok()) return ToGrpcStatus(record.status());
  ToProto(*record, response);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::GetCalendar(grpc::ServerContext* context,
                                            const v1::GetCalendarRequest* request,
                                            v1::Calendar* response) {
  RequestScope scope(*context);
  auto record = calendars_->GetYear(request->year(), TxOptionsFor(*context));
  if (!record.ok()) return ToGrpcStatus(record.status());
  ToProto(*record, response);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::ListCalendarVersions(
    grpc::ServerContext* context, const v1::ListCalendarVersionsRequest* /*request*/,
    v1::ListCalendarVersionsResponse* response) {
  RequestScope scope(*context);  // the call guard lets only supervision call this
  auto versions = calendars_->YearVersions(TxOptionsFor(*context));
  if (!versions.ok()) return ToGrpcStatus(versions.status());
  for (const auto& [year, updated_at] : *versions) {
    v1::CalendarVersion* v = response->add_years();
    v->set_year(year);
    v->set_version(absl::ToUnixMicros(updated_at));
    *v->mutable_updated_at() = ToProtoTimestamp(updated_at);
  }
  return grpc::Status::OK;
}

grpc::Status SchedulingService::GetCalendarDay(grpc::ServerContext* context,
                                               const v1::GetCalendarDayRequest* request,
                                               v1::CalendarDay* response) {
  RequestScope scope(*context);
  auto day = ParseDate(request->date());
  if (!day.ok()) return ToGrpcStatus(InvalidField("date", "must be a date YYYY-MM-DD"));
  auto calendar = calendars_->Load(TxOptionsFor(*context));
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  DayInfo info = (*calendar)->Classify(*day);
  response->set_date(FormatDate(*day));
  response->set_working(info.working);
  response->set_kind(ToProto(info.kind));
  response->set_name(info.name);
  response->set_provisional(info.provisional);
  response->set_estimated(info.estimated);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::AddWorkingDays(grpc::ServerContext* context,
                                               const v1::AddWorkingDaysRequest* request,
                                               v1::AddWorkingDaysResponse* response) {
  RequestScope scope(*context);
  auto calendar = calendars_->Load(TxOptionsFor(*context));
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  auto result = AddWorkingDaysQuery(**calendar, request->from(), request->days());
  if (!result.ok()) return ToGrpcStatus(result.status());
  response->set_date(FormatDate(result->date));
  response->set_provisional(result->provisional);
  return grpc::Status::OK;
}

}  // namespace petition::scheduling
