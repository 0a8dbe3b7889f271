#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace petition::testing {
namespace {

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

absl::StatusOr<HttpResponse> HttpRequest(int port, const std::string& method,
                                         const std::string& target, const std::string& body,
                                         const std::map<std::string, std::string>& headers) {
  Fd sock{socket(AF_INET, SOCK_STREAM, 0)};
  if (sock.fd < 0) return absl::InternalError("socket");
  timeval tv{30, 0};
  setsockopt(sock.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot connect to port ", port));
  }
  std::string request = absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                     "Connection: close\r\n");
  bool typed = false;
  for (const auto& [k, v] : headers) {
    const bool type = absl::EqualsIgnoreCase(k, "Content-Type");
    typed |= type;
    // An empty Content-Type: none is sent.
    if (!(type && v.empty())) absl::StrAppend(&request, k, ": ", v, "\r\n");
  }
  if (!body.empty() || method == "POST" || method == "PUT") {
    // JSON unless the caller says otherwise (an upload's media type), as the
    // gateway wants a JSON body sent.
    if (!typed) absl::StrAppend(&request, "Content-Type: application/json\r\n");
    absl::StrAppend(&request, "Content-Length: ", body.size(), "\r\n");
  }
  absl::StrAppend(&request, "\r\n", body);
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(sock.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return absl::UnavailableError("send failed");
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[8192];
  ssize_t n;
  while ((n = recv(sock.fd, buf, sizeof buf, 0)) > 0) raw.append(buf, static_cast<size_t>(n));
  size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return absl::DataLossError("no HTTP header: " + raw);
  HttpResponse response;
  std::vector<std::string> lines = absl::StrSplit(raw.substr(0, head_end), "\r\n");
  std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
  if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &response.status)) {
    return absl::DataLossError("bad status line: " + lines[0]);
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    response.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  response.body = raw.substr(head_end + 4);
  if (absl::AsciiStrToLower(response.headers["transfer-encoding"]) == "chunked") {
    std::string decoded;
    size_t pos = 0;
    while (pos < response.body.size()) {
      size_t eol = response.body.find("\r\n", pos);
      if (eol == std::string::npos) break;
      size_t len = std::stoul(response.body.substr(pos, eol - pos), nullptr, 16);
      if (len == 0) break;
      decoded += response.body.substr(eol + 2, len);
      pos = eol + 2 + len + 2;
    }
    response.body = decoded;
  }
  return response;
}

}  // namespace petition::testing
