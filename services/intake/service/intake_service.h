// gRPC handlers of petition.intake.v1.Intake: validate, call domain and store,
// map errors to grpc::Status.
#ifndef PETITION_SERVICES_INTAKE_SERVICE_INTAKE_SERVICE_H_
#define PETITION_SERVICES_INTAKE_SERVICE_INTAKE_SERVICE_H_

#include "absl/time/time.h"
#include "petition/v1/intake.grpc.pb.h"
#include "services/intake/domain/registration.h"
#include "services/intake/service/outbox_relay.h"
#include "services/intake/store/case_store.h"

namespace petition::intake {

class IntakeService final : public v1::Intake::Service {
 public:
  // `relay` may be null (tests without delivery).
  IntakeService(CaseStore* store, OutboxRelay* relay, absl::TimeZone zone,
                RegistrationLimits limits = {})
      : store_(store), relay_(relay), zone_(zone), limits_(limits) {}

  grpc::Status RegisterCase(grpc::ServerContext* context, const v1::RegisterCaseRequest* request,
                            v1::Case* response) override;
  grpc::Status GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request,
                       v1::Case* response) override;

 private:
  CaseStore* store_;
  OutboxRelay* relay_;
  absl::TimeZone zone_;
  RegistrationLimits limits_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_SERVICE_INTAKE_SERVICE_H_
