// The one clock of the rules: what "now" and "today" mean for every deadline,
// window, roster and statistic, in every process. Code that applies a rule reads
// petition::Now() (or NowTimestamp() in common/dates.h), never absl::Now();
// absl::Now() stays for what is about real elapsed time: RPC deadlines,
// timeouts, backoff, rate limits, token and call-proof lifetimes, log stamps.
//
// In production it is the system clock. A test build (CMake option
// PETITION_TEST_CLOCK, on in the dev and asan presets, off in release and so in
// the image) honours --clock_offset (PETITION_CLOCK_OFFSET): the rules' clock
// runs that far ahead of (or behind) the system's, at the same pace. The test
// stack gives all three services one offset, so a test runs the township at the
// date of its choosing (tests/support/test_stack.h, Options::clock_at). A binary
// built without the option refuses to start with a non-zero offset.
#ifndef PETITION_COMMON_CLOCK_H_
#define PETITION_COMMON_CLOCK_H_

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace petition {

// The rules' time now: the system clock plus the test offset (zero in production).
absl::Time Now();

// Reads --clock_offset; FAILED_PRECONDITION for a non-zero offset in a build
// without PETITION_TEST_CLOCK. Called once at start-up (InitConfig).
absl::Status InitClockFromFlags();

// True when this build honours --clock_offset.
bool ClockOffsetHonoured();

}  // namespace petition

#endif  // PETITION_COMMON_CLOCK_H_
