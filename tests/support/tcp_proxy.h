// A TCP proxy a test puts between a service and PostgreSQL, to make the
// database hang (accept, then pass nothing on: a paused server) or go down
// (close every connection) and come back, without touching the database
// other tests share.
#ifndef PETITION_TESTS_SUPPORT_TCP_PROXY_H_
#define PETITION_TESTS_SUPPORT_TCP_PROXY_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace petition::testing {

class TcpProxy {
 public:
  enum class Mode { kForward, kHang, kRefuse };

  // Listens on 127.0.0.1 (a free port) and forwards to target_host:target_port.
  static absl::StatusOr<std::unique_ptr<TcpProxy>> Start(const std::string& target_host,
                                                         int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  void SetMode(Mode mode);

 private:
  struct Pair {
    int client = -1;
    int upstream = -1;
  };
  TcpProxy() = default;
  void Run();
  void ClosePair(Pair& pair);

  std::string target_host_;
  int target_port_ = 0;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};  // a pipe: wakes the loop on a mode change or stop
  absl::Mutex mu_;
  Mode mode_ ABSL_GUARDED_BY(mu_) = Mode::kForward;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Pair> pairs_;  // only the loop's thread
  std::thread thread_;
};

}  // namespace petition::testing

#endif  // PETITION_TESTS_SUPPORT_TCP_PROXY_H_
