#include "services/supervision/service/calendar_client.h"

#include <chrono>

#include "common/dates.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"

namespace petition::supervision {

CalendarClient::CalendarClient(std::shared_ptr<grpc::Channel> scheduling, absl::Duration timeout)
    : stub_(scheduling::v1::Scheduling::NewStub(scheduling)), timeout_(timeout) {}

absl::StatusOr<WorkingDayResult> CalendarClient::AddWorkingDays(absl::CivilDay from, int n) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout_)));
  PropagateToClient(context, log::CurrentRequestId());
  scheduling::v1::AddWorkingDaysRequest request;
  request.set_from(FormatDate(from));
  request.set_days(n);
  scheduling::v1::AddWorkingDaysResponse response;
  absl::Status s = FromGrpcStatus(stub_->AddWorkingDays(&context, request, &response));
  if (!s.ok()) {
    if (s.code() == absl::StatusCode::kInvalidArgument) return s;
    return absl::UnavailableError("scheduling (the calendar) is unavailable: " +
                                  std::string(s.message()));
  }
  auto date = ParseDate(response.date());
  if (!date.ok()) return absl::InternalError("scheduling answered a malformed date");
  return WorkingDayResult{*date, response.provisional()};
}

}  // namespace petition::supervision
