#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/utf8.h"

namespace petition::log {
namespace {

absl::Mutex g_mu;
std::string& ServiceName() {
  static auto* name = new std::string("petition");
  return *name;
}
std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
thread_local std::string t_request_id;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void SetService(std::string_view service) {
  absl::MutexLock lock(&g_mu);
  ServiceName() = std::string(service);
}

void SetMinLevel(Level level) { g_min_level = static_cast<int>(level); }

const std::string& CurrentRequestId() { return t_request_id; }
void SetCurrentRequestId(std::string request_id) { t_request_id = std::move(request_id); }

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // Multi-byte characters pass through whole; invalid bytes become U+FFFD.
      size_t n = ValidUtf8PrefixLength(s.substr(i));
      if (n == 0) {
        out += "\\ufffd";
      } else {
        out.append(s.substr(i, n));
        i += n - 1;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  std::string line = "{\"ts\":\"";
  line += absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
  line += "\",\"level\":\"";
  line += LevelName(level);
  line += "\",\"service\":\"";
  {
    absl::MutexLock lock(&g_mu);
    line += JsonEscape(ServiceName());
  }
  line += "\",\"msg\":\"";
  line += JsonEscape(msg);
  line += "\"";
  if (!t_request_id.empty()) {
    line += ",\"requestId\":\"" + JsonEscape(t_request_id) + "\"";
  }
  for (const auto& [key, value] : fields) {
    line += ",\"";
    line += JsonEscape(key);
    line += "\":\"";
    line += JsonEscape(value);
    line += "\"";
  }
  line += "}\n";
  absl::MutexLock lock(&g_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace petition::log
