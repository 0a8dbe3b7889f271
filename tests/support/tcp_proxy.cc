#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace petition::testing {
namespace {

int ConnectTo(const std::string& host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Moves what `from` has to `to`; false when either side is done.
bool Pump(int from, int to) {
  char buf[16384];
  ssize_t n = read(from, buf, sizeof(buf));
  if (n <= 0) return false;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = write(to, buf + off, static_cast<size_t>(n - off));
    if (w <= 0) return false;
    off += w;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TcpProxy>> TcpProxy::Start(const std::string& target_host,
                                                          int target_port) {
  auto proxy = std::unique_ptr<TcpProxy>(new TcpProxy());
  proxy->target_host_ = target_host;
  proxy->target_port_ = target_port;
  proxy->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (proxy->listen_fd_ < 0 ||
      bind(proxy->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(proxy->listen_fd_, 64) != 0 ||
      getsockname(proxy->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      pipe2(proxy->wake_, O_CLOEXEC) != 0) {
    return absl::InternalError("the test proxy cannot listen");
  }
  proxy->port_ = ntohs(addr.sin_port);
  proxy->thread_ = std::thread([p = proxy.get()] { p->Run(); });
  return proxy;
}

TcpProxy::~TcpProxy() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (wake_[1] >= 0) (void)!write(wake_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  for (Pair& pair : pairs_) ClosePair(pair);
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) {
    if (fd >= 0) close(fd);
  }
}

void TcpProxy::SetMode(Mode mode) {
  {
    absl::MutexLock lock(&mu_);
    mode_ = mode;
  }
  (void)!write(wake_[1], "x", 1);
}

void TcpProxy::ClosePair(Pair& pair) {
  if (pair.client >= 0) close(pair.client);
  if (pair.upstream >= 0) close(pair.upstream);
  pair.client = pair.upstream = -1;
}

void TcpProxy::Run() {
  while (true) {
    Mode mode;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      mode = mode_;
    }
    if (mode == Mode::kRefuse) {
      for (Pair& pair : pairs_) ClosePair(pair);
      pairs_.clear();
    }
    std::vector<pollfd> fds = {{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    if (mode == Mode::kForward) {
      for (const Pair& pair : pairs_) {
        fds.push_back({pair.client, POLLIN, 0});
        fds.push_back({pair.upstream, POLLIN, 0});
      }
    }
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
    if (fds[0].revents != 0) {
      char drain[64];
      (void)!read(wake_[0], drain, sizeof(drain));
    }
    if (fds[1].revents & POLLIN) {
      int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        int upstream = mode == Mode::kRefuse ? -1 : ConnectTo(target_host_, target_port_);
        if (upstream < 0) {
          close(client);
        } else {
          pairs_.push_back({client, upstream});  // in kHang: held, nothing passed on
        }
      }
    }
    if (mode != Mode::kForward) continue;
    for (size_t i = 2; i < fds.size(); i += 2) {
      Pair& pair = pairs_[(i - 2) / 2];
      bool alive = true;
      if (fds[i].revents != 0) alive = Pump(pair.client, pair.upstream);
      if (alive && fds[i + 1].revents != 0) alive = Pump(pair.upstream, pair.client);
      if (!alive) ClosePair(pair);
    }
    std::vector<Pair> open;
    for (const Pair& pair : pairs_) {
      if (pair.client >= 0) open.push_back(pair);
    }
    pairs_.swap(open);
  }
}

}  // namespace petition::testing
