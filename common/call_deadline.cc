#include "common/call_deadline.h"

#include "absl/time/clock.h"

namespace petition {

absl::Time DeadlineOf(const grpc::ServerContextBase& context) {
  const absl::Time deadline = absl::FromChrono(context.deadline());
  // gRPC reports "no deadline" as the end of its clock, centuries away.
  if (deadline - absl::Now() > absl::Hours(24 * 365)) return absl::InfiniteFuture();
  return deadline;
}

TxOptions TxOptionsFor(const grpc::ServerContextBase& context) {
  TxOptions options;
  options.deadline = DeadlineOf(context);
  options.cancelled = [&context] { return context.IsCancelled(); };
  return options;
}

}  // namespace petition
