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
//
// Writing is asynchronous: Write() formats the line on the caller's thread and appends it to a
// bounded queue; one writer thread takes what has queued up and writes it in one go (one
// write(2) and flush per batch, not per line). A request thread never waits for the disk or for a
// slow log collector on the other end of stderr. When the queue is full (the output cannot keep
// up, or is stuck):
// - debug and info lines are dropped at once, so that requests never slow down for their log;
// - warnings and errors, which an operator must not lose, wait for room up to 100 ms (the
//   caller is delayed only while the log is already overflowing) and are dropped only after that;
// - every dropped line is counted, by level, in petition_log_lines_dropped_total (ExportMetrics)
//   and in DroppedLines(), and the log itself says so: as soon as there is room again the writer
//   adds {"level":"warn","msg":"log lines dropped","dropped":"N"}, so that a gap in the file
//   is visible where it happened.
// Flush() waits until everything written before it is out; it runs at exit (std::exit, or the
// return from main) and from FlushOnExit, the guard the processes' mains hold. A process killed by
// a signal loses what was still queued (at most a few milliseconds of lines).
#ifndef PETITION_COMMON_LOG_H_
#define PETITION_COMMON_LOG_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

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

// Where lines go instead of stderr (nullptr: back to stderr), synchronously on the writing
// thread, without the queue. For tests.
void SetSinkForTesting(std::function<void(std::string_view line)> sink);

// Waits until every line written before the call has been written out (and stderr flushed).
void Flush();

// Flushes the log when it goes out of scope: held by main, so that the last lines of an orderly
// shutdown are written before the process ends.
class FlushOnExit {
 public:
  FlushOnExit() = default;
  ~FlushOnExit() { Flush(); }
  FlushOnExit(const FlushOnExit&) = delete;
  FlushOnExit& operator=(const FlushOnExit&) = delete;
};

// Lines dropped so far because the queue was full (see above), of `level`.
int64_t DroppedLines(Level level);

// Registers petition_log_lines_dropped_total{level} in `registry` (counting from the process's
// start), which is kept alive from then on: lines are logged until the very end. Once per process.
void ExportMetrics(std::shared_ptr<prometheus::Registry> registry);

// Test hooks for the queue. `capacity` lines at most (0: the default). `output`, when set,
// receives each batch instead of stderr (on the writer thread; a test may block in it to fill
// the queue); nullptr restores stderr.
void SetQueueCapacityForTesting(size_t capacity);
void SetOutputForTesting(std::function<void(std::string_view batch)> output);

// The request id of the current thread ("" when none).
const std::string& CurrentRequestId();
void SetCurrentRequestId(std::string request_id);

// Escapes a string for inclusion in JSON (without the quotes).
std::string JsonEscape(std::string_view s);

}  // namespace petition::log

#endif  // PETITION_COMMON_LOG_H_
