#include "common/clock.h"

#include <atomic>
#include <cstdint>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"

ABSL_FLAG(absl::Duration, clock_offset, absl::ZeroDuration(),
          "Test builds only: the rules' clock runs this far ahead of the system's (e.g. 336h; "
          "negative: behind). Deadlines, windows and statistics then see that date.");

namespace petition {
namespace {

std::atomic<int64_t> offset_ns{0};

}  // namespace

absl::Time Now() {
  return absl::Now() + absl::Nanoseconds(offset_ns.load(std::memory_order_relaxed));
}

bool ClockOffsetHonoured() {
#ifdef PETITION_TEST_CLOCK
  return true;
#else
  return false;
#endif
}

absl::Status InitClockFromFlags() {
  const absl::Duration offset = absl::GetFlag(FLAGS_clock_offset);
  if (offset == absl::ZeroDuration()) return absl::OkStatus();
  if (!ClockOffsetHonoured()) {
    return absl::FailedPreconditionError(
        "--clock_offset (PETITION_CLOCK_OFFSET) is honoured only by test builds "
        "(CMake option PETITION_TEST_CLOCK); this one keeps the system clock");
  }
  if (offset == absl::InfiniteDuration() || offset == -absl::InfiniteDuration() ||
      absl::AbsDuration(offset) > absl::Hours(24 * 366 * 100)) {
    return absl::InvalidArgumentError("--clock_offset must be within 100 years");
  }
  offset_ns.store(absl::ToInt64Nanoseconds(offset), std::memory_order_relaxed);
  return absl::OkStatus();
}

}  // namespace petition
