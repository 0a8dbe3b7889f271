// One JSON object per line on stderr: {"ts","level","service","msg","requestId",...fields}.
// The request id is per thread, set by RequestScope (common/request_context.h).
#ifndef PETITION_COMMON_LOG_H_
#define PETITION_COMMON_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

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

// The request id of the current thread ("" when none).
const std::string& CurrentRequestId();
void SetCurrentRequestId(std::string request_id);

// Escapes a string for inclusion in JSON (without the quotes).
std::string JsonEscape(std::string_view s);

}  // namespace petition::log

#endif  // PETITION_COMMON_LOG_H_
