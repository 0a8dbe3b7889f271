#include "common/testing/http_receiver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace petition::testing {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

HttpReceiver::HttpReceiver(Responder responder) : responder_(std::move(responder)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd_, 64) != 0) {
    std::abort();  // a test machine without loopback cannot run the test at all
  }
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (pipe2(wake_fd_, O_CLOEXEC) != 0) std::abort();
  thread_ = std::thread([this] { Serve(); });
}

HttpReceiver::~HttpReceiver() {
  close(wake_fd_[1]);
  if (thread_.joinable()) thread_.join();
  close(wake_fd_[0]);
  close(listen_fd_);
}

std::string HttpReceiver::url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

std::vector<HttpReceiver::Request> HttpReceiver::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

void HttpReceiver::Serve() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;  // stopping
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Handle(fd);
    close(fd);
  }
}

void HttpReceiver::Handle(int fd) {
  // One request, then the connection closes (Connection: close).
  std::string data;
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  char buf[4096];
  while (true) {
    if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd_[0], POLLIN, 0}};
    if (poll(fds, 2, 10000) <= 0 || fds[1].revents != 0) return;
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) return;
    data.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        for (absl::string_view line :
             absl::StrSplit(absl::string_view(data).substr(0, header_end), "\r\n")) {
          std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, ':');
          if (absl::AsciiStrToLower(kv.first) == "content-length") {
            absl::SimpleAtoi(absl::StripAsciiWhitespace(kv.second), &content_length);
          }
        }
      }
    }
  }
  Request request;
  std::vector<std::string> lines =
      absl::StrSplit(absl::string_view(data).substr(0, header_end), "\r\n");
  std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
  if (first.size() >= 2) {
    request.method = first[0];
    request.target = first[1];
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    request.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  request.body = data.substr(header_end + 4, content_length);
  int n;
  {
    absl::MutexLock lock(&mu_);
    n = static_cast<int>(requests_.size());
    requests_.push_back(request);
  }
  const int status = responder_(request, n);
  const std::string body = absl::StrCat("{\"status\":", status, "}");
  const std::string response = absl::StrCat(
      "HTTP/1.1 ", status, " ", Reason(status),
      "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ", body.size(),
      "\r\n\r\n", body);
  size_t sent = 0;
  while (sent < response.size()) {
    // MSG_NOSIGNAL: a client that went away must not kill the test with SIGPIPE.
    const ssize_t w = send(fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (w <= 0) return;
    sent += static_cast<size_t>(w);
  }
}

}  // namespace petition::testing
