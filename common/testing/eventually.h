// Waiting in tests without fixed sleeps: poll a condition until it holds.
#ifndef PETITION_COMMON_TESTING_EVENTUALLY_H_
#define PETITION_COMMON_TESTING_EVENTUALLY_H_

#include <functional>

#include "absl/time/time.h"

namespace petition::testing {

// Polls `done` every millisecond or two until it holds (true) or `timeout`
// passes (false).
bool Eventually(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(20));

}  // namespace petition::testing

#endif  // PETITION_COMMON_TESTING_EVENTUALLY_H_
