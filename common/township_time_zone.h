// One township time zone with one owner. Scheduling owns it (its
// --time_zone, answered by its internal GetTimeZone): the day boundaries of
// its sessions, duty hours and rosters. Intake (received dates, documents,
// list filters) and supervision (deadlines, its policy's timeZone) read it
// once at start-up and keep it; a process's own --time_zone is only a check
// that must agree with the owner's.
#ifndef PETITION_COMMON_TOWNSHIP_TIME_ZONE_H_
#define PETITION_COMMON_TOWNSHIP_TIME_ZONE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace petition {

// The zone a reader uses: the owner's. `own` (the reader's --time_zone) may be
// empty (take the owner's) or the same; anything else is FAILED_PRECONDITION
// naming both, so that two settings never disagree silently.
absl::StatusOr<std::string> AgreeTimeZone(absl::string_view process, absl::string_view own,
                                          absl::string_view owner);

// Asks scheduling over `scheduling` (a signed channel) for the township's
// time zone, again until it answers or `wait` has passed: UNAVAILABLE then.
absl::StatusOr<std::string> FetchTownshipTimeZone(const std::shared_ptr<grpc::Channel>& scheduling,
                                                  absl::Duration wait);

}  // namespace petition

#endif  // PETITION_COMMON_TOWNSHIP_TIME_ZONE_H_
