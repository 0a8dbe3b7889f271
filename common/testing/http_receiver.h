// A small real HTTP/1.1 server for tests, on 127.0.0.1 and a free port: it
// records every request it reads and answers each with the status a test
// decides (e.g. the county platform refusing the first two results). One
// request per connection is read at a time; keep-alive is honoured.
#ifndef PETITION_COMMON_TESTING_HTTP_RECEIVER_H_
#define PETITION_COMMON_TESTING_HTTP_RECEIVER_H_

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace petition::testing {

class HttpReceiver {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
  };
  // The status to answer the n-th request (0-based) with.
  using Responder = std::function<int(const Request& request, int n)>;

  explicit HttpReceiver(Responder responder);
  ~HttpReceiver();  // stops serving

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const;
  std::vector<Request> requests() const;

 private:
  void Serve();
  void Handle(int fd);

  Responder responder_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_fd_[2] = {-1, -1};  // closing the write end stops Serve()
  mutable absl::Mutex mu_;
  std::vector<Request> requests_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace petition::testing

#endif  // PETITION_COMMON_TESTING_HTTP_RECEIVER_H_
