#include "common/log.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/utf8.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

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
// Held while lines are written out: batches leave in the order they were taken, Flush() waits
// for the batch under way, and the log file's state is the writer's.
absl::Mutex g_io_mu;  // taken before g_mu and the queue's mu, never after
LogFile* g_file ABSL_GUARDED_BY(g_io_mu) = nullptr;

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
void RotateLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_io_mu) {
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

void AfterWriteLocked(size_t bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_io_mu) {
  if (g_file == nullptr) return;
  g_file->size += static_cast<int64_t>(bytes);
  if (g_file->size >= g_file->max_bytes) {
    std::fflush(stderr);
    RotateLocked();
  }
}

constexpr int kLevels = 4;
constexpr size_t kDefaultCapacity = 16384;  // lines; a few MB at most
// How long a warning or an error waits for room in a full queue.
constexpr absl::Duration kWarnErrorWait = absl::Milliseconds(100);

// Lines waiting for the writer thread.
struct Queue {
  absl::Mutex mu;
  std::deque<std::string> lines ABSL_GUARDED_BY(mu);
  size_t capacity ABSL_GUARDED_BY(mu) = kDefaultCapacity;
  int64_t dropped_unreported ABSL_GUARDED_BY(mu) = 0;
  bool writer_running ABSL_GUARDED_BY(mu) = false;
};
Queue& TheQueue() {
  static auto* queue = new Queue();
  return *queue;
}

std::atomic<int64_t> g_dropped[kLevels];
std::atomic<prometheus::Counter*> g_dropped_counters[kLevels];

std::function<void(std::string_view)>& Output() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_io_mu) {
  static auto* output = new std::function<void(std::string_view)>();
  return *output;
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
  Flush();  // what was logged before goes where it was meant to go
  absl::MutexLock lock(&g_io_mu);
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

// Writes out what has queued up (and a count of what was dropped), in one flush.
void WriteOutLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_io_mu) {
  Queue& q = TheQueue();
  std::deque<std::string> batch;
  int64_t dropped = 0;
  {
    absl::MutexLock lock(&q.mu);
    batch.swap(q.lines);  // room again: waiting warnings and errors go on
    dropped = q.dropped_unreported;
    q.dropped_unreported = 0;
  }
  if (dropped > 0) {
    // Everything dropped came after the lines taken here (it found the queue full).
    std::string service;
    {
      absl::MutexLock lock(&g_mu);
      service = ServiceName();
    }
    std::string line = LinePrefix(Level::kWarn, absl::Now(), service, "log lines dropped");
    absl::StrAppend(&line, ",\"dropped\":\"", dropped, "\"}\n");
    batch.push_back(std::move(line));
  }
  if (batch.empty()) return;
  if (Output()) {
    std::string all;
    for (const std::string& line : batch) all += line;
    Output()(all);
    return;
  }
  for (const std::string& line : batch) {
    std::fwrite(line.data(), 1, line.size(), stderr);
    AfterWriteLocked(line.size());
  }
  std::fflush(stderr);
}

void WriterThread() {
  Queue& q = TheQueue();
  auto work = [&q]() ABSL_SHARED_LOCKS_REQUIRED(q.mu) {
    return !q.lines.empty() || q.dropped_unreported > 0;
  };
  while (true) {
    {
      absl::MutexLock lock(&q.mu);
      q.mu.Await(absl::Condition(&work));
    }
    absl::MutexLock io(&g_io_mu);
    WriteOutLocked();
  }
}

// A forked child has no writer thread: it starts its own on its first line. The locks are held
// across fork() so that the child never inherits one taken by a thread it does not have.
void BeforeFork() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  g_io_mu.Lock();
  TheQueue().mu.Lock();
}
void AfterForkInParent() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  TheQueue().mu.Unlock();
  g_io_mu.Unlock();
}
void AfterForkInChild() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  TheQueue().writer_running = false;
  TheQueue().mu.Unlock();
  g_io_mu.Unlock();
}

void StartWriterLocked(Queue& q) ABSL_EXCLUSIVE_LOCKS_REQUIRED(q.mu) {
  if (q.writer_running) return;
  q.writer_running = true;
  static const bool registered = [] {
    pthread_atfork(&BeforeFork, &AfterForkInParent, &AfterForkInChild);
    std::atexit(&Flush);  // std::exit and the return from main write what is queued
    return true;
  }();
  (void)registered;
  std::thread(&WriterThread).detach();  // runs as long as the process
}

void CountDropped(Level level) {
  const int i = static_cast<int>(level);
  g_dropped[i].fetch_add(1, std::memory_order_relaxed);
  if (prometheus::Counter* c = g_dropped_counters[i].load(std::memory_order_acquire)) {
    c->Increment();
  }
}

// Hands `line` to the writer thread (see the header for a full queue).
void Enqueue(Level level, std::string line) {
  Queue& q = TheQueue();
  {
    absl::MutexLock lock(&q.mu);
    StartWriterLocked(q);
    auto room = [&q]() ABSL_SHARED_LOCKS_REQUIRED(q.mu) { return q.lines.size() < q.capacity; };
    if (!room() && level >= Level::kWarn)
      q.mu.AwaitWithTimeout(absl::Condition(&room), kWarnErrorWait);
    if (room()) {
      q.lines.push_back(std::move(line));
      return;
    }
    ++q.dropped_unreported;
  }
  CountDropped(level);
}

}  // namespace

void Flush() {
  absl::MutexLock io(&g_io_mu);
  WriteOutLocked();
}

int64_t DroppedLines(Level level) {
  return g_dropped[static_cast<int>(level)].load(std::memory_order_relaxed);
}

void ExportMetrics(std::shared_ptr<prometheus::Registry> shared) {
  // Kept for good: the writer may count a drop after main's registry would have gone.
  static auto* kept = new std::vector<std::shared_ptr<prometheus::Registry>>();
  kept->push_back(shared);
  prometheus::Registry& registry = *shared;
  auto& family = prometheus::BuildCounter()
                     .Name("petition_log_lines_dropped_total")
                     .Help(
                         "Log lines dropped because the log's queue was full (the output could "
                         "not keep up), by level.")
                     .Register(registry);
  for (int i = 0; i < kLevels; ++i) {
    const Level level = static_cast<Level>(i);
    prometheus::Counter& c = family.Add({{"level", LevelName(level)}});
    c.Increment(static_cast<double>(DroppedLines(level)));  // those dropped before
    g_dropped_counters[i].store(&c, std::memory_order_release);
  }
}

void SetQueueCapacityForTesting(size_t capacity) {
  Queue& q = TheQueue();
  absl::MutexLock lock(&q.mu);
  q.capacity = capacity == 0 ? kDefaultCapacity : capacity;
}

void SetOutputForTesting(std::function<void(std::string_view batch)> output) {
  absl::MutexLock io(&g_io_mu);
  Output() = std::move(output);
}

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

  std::string out;
  {
    absl::MutexLock lock(&g_mu);
    if (level >= Level::kWarn && TheLimiter().lines > 0) {
      Limiter& limiter = TheLimiter();
      if (limiter.by_msg.size() >= kMaxKeys) limiter.by_msg.clear();
      RepeatState& state = limiter.by_msg[std::string(msg)];
      if (now - state.window_start >= limiter.window) {
        if (state.suppressed > 0) {
          out = LinePrefix(level, now, ServiceName(), "suppressed similar lines");
          absl::StrAppend(&out, ",\"key\":\"", JsonEscape(msg), "\",\"suppressed\":\"",
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
    const std::size_t summary_end = out.size();
    out += LinePrefix(level, now, ServiceName(), msg);
    out += body;
    if (Sink()) {
      if (summary_end > 0) Sink()(std::string_view(out).substr(0, summary_end));
      Sink()(std::string_view(out).substr(summary_end));
      return;
    }
  }
  // The summary (if any) and the line stay together.
  Enqueue(level, std::move(out));
}

}  // namespace petition::log
