// A real binary started by a test: environment and flags in, the ports it
// chose (through --port_file) out, SIGTERM and reaping on destruction.
#ifndef PETITION_TESTS_SUPPORT_CHILD_PROCESS_H_
#define PETITION_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace petition::testing {

class ChildProcess {
 public:
  // Starts `binary` with `args` and a --port_file of its own (unless `with_port_file` is false:
  // a program of somebody else's, such as prometheus); output goes to `log_path`.
  ChildProcess(std::string name, std::string binary, std::vector<std::string> args,
               std::string log_path, bool with_port_file = true);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits until the process has written its port file (it is serving), up to `timeout`.
  // Fails early, with the tail of its log, if it exits.
  absl::StatusOr<std::map<std::string, int>> WaitForPorts(absl::Duration timeout);

  // SIGTERM, then waits for the exit; returns the exit code (-1 on a signal).
  int Stop();
  // Sends `sig` and returns (Stop() still waits for the exit).
  void Signal(int sig);
  bool running() const { return pid_ > 0; }
  // False once the process has exited (it is then reaped), whether stopped or crashed.
  bool Alive();
  const std::string& name() const { return name_; }
  std::string LogTail(size_t bytes = 4000) const;

 private:
  std::string name_;
  std::string port_file_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// The directory holding the built binaries (PETITION_TEST_BIN_DIR, else the build tree).
std::string BinaryDir();

}  // namespace petition::testing

#endif  // PETITION_TESTS_SUPPORT_CHILD_PROCESS_H_
