// One JSON object per line on stderr: {"ts","level","service","msg","requestId",...fields}.
// The request id is per thread, set by RequestScope (common/request_context.h).
//
// Warnings and errors are rate-limited per message: within one window
// (default 1 s) at most `lines` (default 20) lines with the same `msg` are
// written; the rest are counted, and the next line of that message written
// after the window is preceded by one {"msg":"suppressed similar lines",
// "key":<msg>,"suppressed":"N"}. A fault that repeats in a tight loop (a
// failing accept, a refused upstream) cannot fill the disk this way. Debug and
// info lines (one per request) are not limited.
#ifndef PETITION_COMMON_LOG_H_
#define PETITION_COMMON_LOG_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace petition::log {

enum class Level { kDebug, kInfo, kWarn, kError };

using Field = std::pair<std::string_view, std::string>;

void SetService(std::string_view service);
void SetMinLevel(Level level);
void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

inline void Debug(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kDebug, msg, fields);
}
inline void Info(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kInfo, msg, fields);
}
inline void Warn(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kWarn, msg, fields);
}
inline void Error(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kError, msg, fields);
}

// Sends the log, and anything else the process writes to stdout and stderr, to the file `path`
// (appending: a restart keeps what was there). When the file reaches `max_bytes` it is rotated:
// path.<keep-1> becomes path.<keep> (the oldest copy is dropped), ..., path becomes path.1, and a
// new path is started; a file already that large at the call is rotated first. Without a call the
// log goes to stderr as it is (a container's log collector).
absl::Status SetLogFile(const std::string& path, int64_t max_bytes, int keep);

// Sets the repeat limit of warnings and errors (see above); lines <= 0
// turns it off.
void SetRepeatLimit(int lines, absl::Duration window);

// Where lines go instead of stderr (nullptr: back to stderr). For tests.
void SetSinkForTesting(std::function<void(std::string_view line)> sink);

// The request id of the current thread ("" when none).
const std::string& CurrentRequestId();
void SetCurrentRequestId(std::string request_id);

// Escapes a string for inclusion in JSON (without the quotes).
std::string JsonEscape(std::string_view s);

}  // namespace petition::log

#endif  // PETITION_COMMON_LOG_H_
