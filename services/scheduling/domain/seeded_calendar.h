// For tests and benchmarks: the calendar the service starts with, read from
// the seed migration (the 2025 and 2026 State Council notices) and completed
// by the statutory estimate for later years.
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_SEEDED_CALENDAR_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_SEEDED_CALENDAR_H_

#include "common/working_calendar.h"

namespace petition::scheduling {

// Aborts the test (std::abort with a message) when the seed cannot be read:
// the repository is broken, not the input.
const WorkingCalendar& SeededCalendar();

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_SEEDED_CALENDAR_H_
