#include "common/township_time_zone.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"
#include "petition/v1/scheduling.grpc.pb.h"

namespace petition {

absl::StatusOr<std::string> AgreeTimeZone(absl::string_view process, absl::string_view own,
                                          absl::string_view owner) {
  if (owner.empty()) return absl::FailedPreconditionError("scheduling has no time zone");
  if (own.empty() || own == owner) return std::string(owner);
  return absl::FailedPreconditionError(absl::StrCat(
      process, " --time_zone=", own, " conflicts with the township's time zone ", owner,
      ", which scheduling owns (its --time_zone): drop this flag or set it alike"));
}

absl::StatusOr<std::string> FetchTownshipTimeZone(const std::shared_ptr<grpc::Channel>& scheduling,
                                                  absl::Duration wait) {
  auto stub = scheduling::v1::Scheduling::NewStub(scheduling);
  const absl::Time end = absl::Now() + wait;
  absl::Status last = absl::UnavailableError("scheduling was not asked");
  for (int attempt = 0;; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(std::min(end, absl::Now() + absl::Seconds(3))));
    context.set_wait_for_ready(true);  // scheduling may still be starting
    PropagateToClient(context, NewRequestId());
    scheduling::v1::TimeZoneSetting setting;
    grpc::Status status =
        stub->GetTimeZone(&context, scheduling::v1::GetTimeZoneRequest(), &setting);
    if (status.ok()) return setting.time_zone();
    last = FromGrpcStatus(status);
    if (absl::Now() >= end) break;
    if (attempt == 0) {
      log::Warn("waiting for scheduling's time zone", {{"error", std::string(last.message())}});
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  return absl::UnavailableError(absl::StrCat(
      "could not read the township's time zone from scheduling, which owns it: ", last.message()));
}

}  // namespace petition
