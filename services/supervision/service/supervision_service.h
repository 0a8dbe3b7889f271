// gRPC handlers of petition.supervision.v1.Supervision.
#ifndef PETITION_SERVICES_SUPERVISION_SERVICE_SUPERVISION_SERVICE_H_
#define PETITION_SERVICES_SUPERVISION_SERVICE_SUPERVISION_SERVICE_H_

#include "absl/time/time.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "services/supervision/domain/deadline_policy.h"
#include "services/supervision/store/deadline_store.h"

namespace petition::supervision {

class SupervisionService final : public v1::Supervision::Service {
 public:
  SupervisionService(DeadlineStore* store, WorkingDayOracle* calendar, DeadlinePolicy policy,
                     absl::TimeZone zone)
      : store_(store), calendar_(calendar), policy_(std::move(policy)), zone_(zone) {}

  grpc::Status ApplyCaseEvents(grpc::ServerContext* context,
                               const v1::ApplyCaseEventsRequest* request,
                               v1::ApplyCaseEventsResponse* response) override;
  grpc::Status GetCaseDeadlines(grpc::ServerContext* context,
                                const v1::GetCaseDeadlinesRequest* request,
                                v1::CaseDeadlines* response) override;

 private:
  DeadlineStore* store_;
  WorkingDayOracle* calendar_;
  DeadlinePolicy policy_;
  absl::TimeZone zone_;
};

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_SERVICE_SUPERVISION_SERVICE_H_
