// The reception sessions as an RFC 5545 calendar a phone can subscribe to:
// one VEVENT per session (UID from the session id, so the same session keeps
// its event), times in Asia/Shanghai with its VTIMEZONE (in UTC for a
// township in another time zone), the officials as
// attendees and in the summary, the location; CRLF line ends, long lines
// folded at 75 octets without splitting a UTF-8 character.
#ifndef PETITION_SERVICES_SCHEDULING_DOMAIN_ICAL_H_
#define PETITION_SERVICES_SCHEDULING_DOMAIN_ICAL_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "petition/v1/scheduling.pb.h"
#include "services/scheduling/domain/recusal.h"

namespace petition::scheduling {

// `hours` gives the sessions' times and the township's time zone;
// `stamp` is every event's DTSTAMP.
std::string ReceptionsCalendar(const std::string& calendar_name,
                               const std::vector<v1::ReceptionSession>& sessions,
                               const DutyHours& hours, absl::Time stamp);

// TEXT escaping of RFC 5545 3.3.11 (backslash, semicolon, comma, newline).
std::string EscapeText(const std::string& text);

// A content line folded at 75 octets (3.1), with its CRLF.
std::string FoldLine(const std::string& line);

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_DOMAIN_ICAL_H_
