// The deadline policy between its domain form and its message (the REST
// body and the stored JSON).
#ifndef PETITION_SERVICES_SUPERVISION_STORE_POLICY_CODEC_H_
#define PETITION_SERVICES_SUPERVISION_STORE_POLICY_CODEC_H_

#include <string>

#include "absl/status/statusor.h"
#include "petition/v1/supervision.pb.h"
#include "services/supervision/domain/deadline_policy.h"

namespace petition::supervision {

v1::DeadlinePolicy PolicyToProto(const DeadlinePolicy& policy);

// INVALID_ARGUMENT naming the field for a missing limit, an unknown
// complexity or level key, or an unspecified unit. The values are judged by
// ValidatePolicy (domain/policy_validation.h) when a policy is set, not
// here: a stored policy decodes as it was stored. Absent `extendable` and
// `orderResponse` levels take their defaults.
absl::StatusOr<DeadlinePolicy> PolicyFromProto(const v1::DeadlinePolicy& message);

std::string PolicyToJson(const DeadlinePolicy& policy);
absl::StatusOr<DeadlinePolicy> PolicyFromJson(const std::string& json);

const char* DayUnitName(DayUnit unit);
absl::StatusOr<DayUnit> DayUnitFromName(const std::string& name);

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_STORE_POLICY_CODEC_H_
