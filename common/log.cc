#include "common/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
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

// The repeat limiter of warnings and errors, per message.
struct RepeatState {
  absl::Time window_start;
  int written = 0;
  int64_t suppressed = 0;
};
struct Limiter {
  int lines = 20;
  absl::Duration window = absl::Seconds(1);
  absl::flat_hash_map<std::string, RepeatState> by_msg;
};
// Messages are literals, so few distinct keys; a caller passing varying text
// must not grow the map without bound.
constexpr std::size_t kMaxKeys = 4096;

Limiter& TheLimiter() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  static auto* limiter = new Limiter();
  return *limiter;
}
std::function<void(std::string_view)>& Sink() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  static auto* sink = new std::function<void(std::string_view)>();
  return *sink;
}

// The log file, when SetLogFile was called.
struct LogFile {
  std::string path;
  int64_t max_bytes = 0;
  int keep = 0;
  int64_t size = 0;  // bytes in the current file, as far as we know
};
LogFile* g_file ABSL_GUARDED_BY(g_mu) = nullptr;

// Opens `path` for appending as the process's stdout and stderr; returns its size.
absl::Status OpenOntoStdStreams(const std::string& path, int64_t* size) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0)
    return absl::UnavailableError(absl::StrCat("cannot open ", path, ": ", strerror(errno)));
  struct stat st {};
  *size = fstat(fd, &st) == 0 ? st.st_size : 0;
  std::fflush(stdout);
  std::fflush(stderr);
  const bool ok = dup2(fd, STDOUT_FILENO) >= 0 && dup2(fd, STDERR_FILENO) >= 0;
  const int error = errno;
  close(fd);
  if (!ok)
    return absl::UnavailableError(absl::StrCat("cannot redirect to ", path, ": ", strerror(error)));
  return absl::OkStatus();
}

// Shifts path.N up by one (dropping path.<keep>), moves path to path.1 and opens a new path.
void RotateLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  const std::string& path = g_file->path;
  if (g_file->keep == 0) {
    std::remove(path.c_str());
  } else {
    for (int i = g_file->keep - 1; i >= 1; --i) {
      std::rename(absl::StrCat(path, ".", i).c_str(), absl::StrCat(path, ".", i + 1).c_str());
    }
    std::rename(path.c_str(), absl::StrCat(path, ".1").c_str());
  }
  int64_t size = 0;
  // On failure the process keeps writing to the file it has (now renamed): nothing is lost.
  if (OpenOntoStdStreams(path, &size).ok()) g_file->size = size;
}

void AfterWriteLocked(size_t bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  if (g_file == nullptr) return;
  g_file->size += static_cast<int64_t>(bytes);
  if (g_file->size >= g_file->max_bytes) RotateLocked();
}

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

void SetRepeatLimit(int lines, absl::Duration window) {
  absl::MutexLock lock(&g_mu);
  TheLimiter().lines = lines;
  TheLimiter().window = window;
}

void SetSinkForTesting(std::function<void(std::string_view line)> sink) {
  absl::MutexLock lock(&g_mu);
  Sink() = std::move(sink);
}

absl::Status SetLogFile(const std::string& path, int64_t max_bytes, int keep) {
  if (path.empty() || max_bytes <= 0 || keep < 0) {
    return absl::InvalidArgumentError("log file: a path, a positive size and keep >= 0");
  }
  absl::MutexLock lock(&g_mu);
  int64_t size = 0;
  if (absl::Status s = OpenOntoStdStreams(path, &size); !s.ok()) return s;
  delete g_file;
  g_file = new LogFile{path, max_bytes, keep, size};
  if (size >= max_bytes) RotateLocked();
  return absl::OkStatus();
}

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

namespace {

std::string LinePrefix(Level level, absl::Time now, const std::string& service,
                       std::string_view msg) {
  std::string line = "{\"ts\":\"";
  line += absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", now, absl::UTCTimeZone());
  line += "\",\"level\":\"";
  line += LevelName(level);
  line += "\",\"service\":\"";
  line += JsonEscape(service);
  line += "\",\"msg\":\"";
  line += JsonEscape(msg);
  line += "\"";
  return line;
}

void EmitLocked(const std::string& line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  if (Sink()) {
    Sink()(line);
    return;
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  AfterWriteLocked(line.size());
}

}  // namespace

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  const absl::Time now = absl::Now();
  std::string body;
  if (!t_request_id.empty()) {
    body += ",\"requestId\":\"" + JsonEscape(t_request_id) + "\"";
  }
  for (const auto& [key, value] : fields) {
    body += ",\"";
    body += JsonEscape(key);
    body += "\":\"";
    body += JsonEscape(value);
    body += "\"";
  }
  body += "}\n";

  absl::MutexLock lock(&g_mu);
  std::string summary;
  if (level >= Level::kWarn && TheLimiter().lines > 0) {
    Limiter& limiter = TheLimiter();
    if (limiter.by_msg.size() >= kMaxKeys) limiter.by_msg.clear();
    RepeatState& state = limiter.by_msg[std::string(msg)];
    if (now - state.window_start >= limiter.window) {
      if (state.suppressed > 0) {
        summary = LinePrefix(level, now, ServiceName(), "suppressed similar lines");
        absl::StrAppend(&summary, ",\"key\":\"", JsonEscape(msg), "\",\"suppressed\":\"",
                        state.suppressed, "\"}\n");
      }
      state = RepeatState{now, 0, 0};
    }
    if (state.written >= limiter.lines) {
      ++state.suppressed;
      return;
    }
    ++state.written;
  }
  if (!summary.empty()) EmitLocked(summary);
  EmitLocked(LinePrefix(level, now, ServiceName(), msg) + body);
}

}  // namespace petition::log
