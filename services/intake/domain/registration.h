// Registering a petition (登记): what a complete, accurate registration form
// must hold, and the collective-visit rule (集体访: five or more people elect
// at most five representatives, 信访工作条例 A20).
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_REGISTRATION_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_REGISTRATION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

inline constexpr int kCollectiveHeadcount = 5;
inline constexpr int kMaxRepresentatives = 5;

// Who registers: the calling official.
struct Registrar {
  std::string subject;
  // A clerk may record a petition another official received (a leader's
  // reception day). Any well-formed official id is accepted for now: the
  // directory of officials does not exist yet.
  bool may_record_for_others = false;
};

struct RegistrationLimits {
  size_t max_subject = 200;
  size_t max_content = 20000;
  size_t max_name = 50;
  size_t max_address = 200;
  size_t max_ids = 20;  // reported units, repeat-of cases
  // receivedAt: not after now + the clock skew between a clerk's device and
  // ours, and not longer ago than the window (a late letter, a backlog
  // entered after a leave; intake's --received_at_window_days).
  absl::Duration max_clock_skew = absl::Minutes(5);
  absl::Duration received_at_window = absl::Hours(24 * 365);
  // A collective visit of ten thousand people is already implausible for a
  // township; more is a typo or an attack on the statistics.
  int max_headcount = 10000;
  // An earlier case of one of the petitioners whose subject and content are
  // at least this similar (pg_trgm similarity, 0..1) makes the new case a
  // repeat petition; 0 turns detection off (intake's
  // --repeat_similarity_threshold).
  double repeat_similarity = 0.4;
};

// Anonymous petitions (匿名信访): written or phoned in without identity.
// A visit (the person stands at the desk) and a fax are never anonymous here.
bool MayBeAnonymous(v1::Channel channel);

// Validates `request` (every violation reported by JSON field path) and
// returns the new case as registered: status REGISTERED, source TOWNSHIP,
// headcount defaulted, collective derived, received_at defaulted to `now`,
// received_by defaulted to the registrar, identity numbers normalised and
// checked by their document type (identity_document.h), `anonymous` kept
// (no petitioners then; headcount defaults to 1). Ids
// and the query code are left for the caller to assign. Violations name the
// field and the rule, never the value.
absl::StatusOr<v1::Case> BuildRegisteredCase(const v1::RegisterCaseRequest& request,
                                             const Registrar& registrar, absl::Time now,
                                             absl::TimeZone zone,
                                             const RegistrationLimits& limits = {});

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_REGISTRATION_H_
