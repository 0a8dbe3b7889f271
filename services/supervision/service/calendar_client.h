// Working-day arithmetic from scheduling over gRPC: the calendar has one owner.
#ifndef PETITION_SERVICES_SUPERVISION_SERVICE_CALENDAR_CLIENT_H_
#define PETITION_SERVICES_SUPERVISION_SERVICE_CALENDAR_CLIENT_H_

#include <memory>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "petition/v1/scheduling.grpc.pb.h"
#include "services/supervision/domain/deadline_policy.h"

namespace petition::supervision {

class CalendarClient : public WorkingDayOracle {
 public:
  explicit CalendarClient(std::shared_ptr<grpc::Channel> scheduling,
                          absl::Duration timeout = absl::Seconds(3));

  // UNAVAILABLE while scheduling is down (the caller's caller retries).
  absl::StatusOr<WorkingDayResult> AddWorkingDays(absl::CivilDay from, int n) override;

 private:
  std::unique_ptr<scheduling::v1::Scheduling::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_SERVICE_CALENDAR_CLIENT_H_
