// The only translation unit that includes Boost.Beast.
#include "services/gateway/http_server.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <limits>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"

namespace petition::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

constexpr std::size_t kHeaderLimit = 16 * 1024;

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return absl::ToChronoNanoseconds(d);
}

int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What a connection over the cap gets when no other can make room.
const std::string& OverCapacityResponse() {
  static const std::string* const response = [] {
    const std::string body =
        petition::ErrorJson(absl::UnavailableError("too many connections; retry later"));
    return new std::string(
        absl::StrCat("HTTP/1.1 503 Service Unavailable\r\nServer: petition-gateway\r\n"
                     "Content-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\n"
                     "Content-Length: ",
                     body.size(), "\r\n\r\n", body));
  }();
  return *response;
}

// A header block (up to, without, the blank line) that folds a line: a line
// break followed by a space or tab.
bool HasObsFold(absl::string_view header) {
  for (std::size_t i = header.find('\n'); i != absl::string_view::npos;
       i = header.find('\n', i + 1)) {
    if (i + 1 < header.size() && (header[i + 1] == ' ' || header[i + 1] == '\t')) return true;
  }
  return false;
}

// What sessions share with the server; outlives every session.
struct ServerState {
  HttpHandler* handler = nullptr;
  HttpServerOptions options;
  std::atomic<bool> stopping{false};

  absl::Mutex mu;
  int live_sessions ABSL_GUARDED_BY(mu) = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ServerState> state)
      : stream_(std::move(socket)), deadline_(stream_.get_executor()), state_(std::move(state)) {
    beast::error_code ec;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_address_ = remote.address().to_string();
    absl::MutexLock lock(&state_->mu);
    ++state_->live_sessions;
  }
  ~Session() {
    absl::MutexLock lock(&state_->mu);
    --state_->live_sessions;
  }

  void Start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

  // From any thread: close now when waiting for a request, else after the
  // response in flight.
  void CloseIfIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->Close();
    });
  }

  // Since when (steady clock, ns) the connection has waited for the rest of a
  // request header; 0 while a request is being read or served, or closed.
  int64_t waiting_since() const { return waiting_since_.load(std::memory_order_relaxed); }

  // From any thread: closes the connection if it still waits for a header
  // (makes room for a new connection).
  void Evict() {
    waiting_since_.store(0, std::memory_order_relaxed);  // not picked twice
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_ && !self->reading_body_) self->Close();
    });
  }

 private:
  void Read() {
    if (state_->stopping.load()) return Close();
    parser_.emplace();
    // No limit while the header is parsed: the limit is the route's, known
    // once the header names the target (OnHeader sets it before any body).
    body_limit_ = state_->options.max_body_bytes;
    // (Not boost::none: Beast compares a Content-Length with the optional,
    // and none is less than any length.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->header_limit(kHeaderLimit);
    reading_body_ = false;
    waiting_since_.store(SteadyNanos(), std::memory_order_relaxed);
    // The whole header within header_timeout however slowly it trickles in
    // (slow-loris), then the body within read_timeout.
    stream_.expires_never();
    ArmDeadline(state_->options.header_timeout);
    // The header block is read whole first, so that its raw bytes can be
    // checked for what the parser would silently accept (folded lines).
    ReadHeader();
  }

  // Reads until the buffer holds a blank line (the end of the header block).
  void ReadHeader() {
    auto data = buffer_.data();
    absl::string_view held(static_cast<const char*>(data.data()), data.size());
    if (std::size_t end = held.find("\r\n\r\n"); end != absl::string_view::npos) {
      return OnHeader({}, end + 4);
    }
    if (held.size() >= kHeaderLimit) {
      return OnHeader(asio::error::not_found, 0);
    }
    stream_.async_read_some(
        buffer_.prepare(std::min<std::size_t>(4096, kHeaderLimit - held.size())),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) {
          if (ec) return self->OnHeader(ec, 0);
          self->buffer_.commit(n);
          self->ReadHeader();
        });
  }

  void OnHeader(beast::error_code ec, std::size_t header_bytes) {
    waiting_since_.store(0, std::memory_order_relaxed);
    if (timed_out_) {
      // Part of a request arrived, not all of it: say so. An idle keep-alive
      // connection (nothing of a next request) just closes.
      if (buffer_.size() == 0) return Close();
      return Reject(408, absl::DeadlineExceededError(
                             "request header not received within the header timeout"));
    }
    if (ec == asio::error::not_found) {
      return Reject(431, absl::ResourceExhaustedError("request header too large"));
    }
    if (ec) return Close();
    auto data = buffer_.data();
    absl::string_view header(static_cast<const char*>(data.data()), header_bytes);
    if (HasObsFold(header.substr(0, header.size() - 2))) {
      return Reject(400, absl::InvalidArgumentError(
                             "bad HTTP request: folded header lines (obs-fold) are not accepted"));
    }
    std::size_t used = parser_->put(asio::buffer(data.data(), header_bytes), ec);
    buffer_.consume(used);
    if (!ec && !parser_->is_header_done()) ec = http::error::partial_message;
    if (ec) return OnRead(ec, 0);
    {
      // The route's own limit, now that the target is known.
      const auto& head = parser_->get();
      absl::string_view target(head.target().data(), head.target().size());
      const std::size_t route_limit = state_->handler->MaxBodyBytes(
          absl::string_view(head.method_string().data(), head.method_string().size()),
          target.substr(0, target.find('?')));
      if (route_limit != 0) body_limit_ = route_limit;
      if (parser_->content_length().has_value() && *parser_->content_length() > body_limit_) {
        return OnRead(http::error::body_limit, 0);
      }
      parser_->body_limit(body_limit_);
    }
    if (parser_->is_done()) return OnRead({}, 0);
    reading_body_ = true;
    ArmDeadline(state_->options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    reading_body_ = false;
    if (timed_out_) {
      return Reject(
          408, absl::DeadlineExceededError("request body not received within the read timeout"));
    }
    DisarmDeadline();
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Reject(413, absl::ResourceExhaustedError(
                             absl::StrCat("request body larger than ", body_limit_, " bytes")));
    }
    if (ec == http::error::header_limit) {
      return Reject(431, absl::ResourceExhaustedError("request header too large"));
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      return Reject(400,
                    absl::InvalidArgumentError(absl::StrCat("bad HTTP request: ", ec.message())));
    }
    if (ec) return Close();

    http::request<http::string_body> message = parser_->release();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    if (std::distance(message.equal_range(http::field::authorization).first,
                      message.equal_range(http::field::authorization).second) > 1) {
      return Reject(
          400, absl::InvalidArgumentError("bad HTTP request: more than one Authorization header"));
    }
    for (auto it = message.equal_range(http::field::content_encoding).first;
         it != message.equal_range(http::field::content_encoding).second; ++it) {
      if (!absl::EqualsIgnoreCase(
              absl::StripAsciiWhitespace(absl::string_view(it->value().data(), it->value().size())),
              "identity")) {
        return Reject(415,
                      absl::InvalidArgumentError(
                          "Content-Encoding is not accepted: send the body uncompressed"),
                      "UNSUPPORTED_MEDIA_TYPE");
      }
    }
    HttpRequest request;
    request.remote_address = remote_address_;
    request.method = std::string(message.method_string());
    absl::string_view target(message.target().data(), message.target().size());
    std::size_t question = target.find('?');
    request.path = std::string(target.substr(0, question));
    if (question != absl::string_view::npos)
      request.query = std::string(target.substr(question + 1));
    for (const auto& field : message) {
      request.headers.emplace_back(absl::AsciiStrToLower(absl::string_view(
                                       field.name_string().data(), field.name_string().size())),
                                   std::string(field.value()));
    }
    request.body = std::move(message.body());

    busy_ = true;
    state_->handler->Handle(
        std::move(request), [self = shared_from_this()](HttpResponse response) mutable {
          auto executor = self->stream_.get_executor();
          asio::post(executor, [self = std::move(self), response = std::move(response)]() mutable {
            self->Write(std::move(response));
          });
        });
  }

  // Closes the connection's reads after `timeout` (their handlers then see
  // timed_out_). Each arming supersedes the one before.
  void ArmDeadline(absl::Duration timeout) {
    timed_out_ = false;
    const uint64_t generation = ++deadline_generation_;
    deadline_.expires_after(ToChrono(timeout));
    deadline_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
      if (ec || generation != self->deadline_generation_ || self->busy_) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void DisarmDeadline() {
    ++deadline_generation_;
    deadline_.cancel();
  }

  // An error the server answers itself; the connection closes after it.
  // `http_code`: the error code of an error of HTTP itself (415
  // UNSUPPORTED_MEDIA_TYPE, as the gateway's), instead of the canonical
  // code of `error`.
  void Reject(int status, const absl::Status& error, absl::string_view http_code = {}) {
    DisarmDeadline();
    timed_out_ = false;
    keep_alive_ = false;
    HttpResponse response;
    response.status = status;
    response.body =
        http_code.empty()
            ? petition::ErrorJson(error)
            : absl::StrCat(R"({"error":{"code":")", http_code, R"(","message":")",
                           log::JsonEscape(std::string(error.message())), R"(","details":[]}})");
    response.headers.emplace_back("X-Request-Id", petition::NewRequestId());
    log::Warn("http request rejected",
              {{"status", absl::StrCat(status)}, {"error", std::string(error.message())}});
    Write(std::move(response));
  }

  void Write(HttpResponse response) {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "petition-gateway");
    if (!response.content_type.empty()) {
      response_.set(http::field::content_type, response.content_type);
    }
    for (auto& [name, value] : response.headers) response_.set(name, value);
    response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive_ && !state_->stopping.load());
    response_.prepare_payload();
    stream_.expires_after(ToChrono(state_->options.read_timeout));
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t) {
    busy_ = false;
    if (ec || !response_.keep_alive()) return Close();
    Read();
  }

  void Close() {
    DisarmDeadline();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  // Bounds reading a request (header, then body); the stream's own timer
  // bounds writing a response, and would close the socket before a 408.
  asio::steady_timer deadline_;
  uint64_t deadline_generation_ = 0;
  bool timed_out_ = false;
  std::string remote_address_;
  std::shared_ptr<ServerState> state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  bool busy_ = false;
  bool reading_body_ = false;
  // The body limit of the request being read (its route's, once known).
  std::size_t body_limit_ = 0;
  std::atomic<int64_t> waiting_since_{0};
};

}  // namespace

int DefaultMaxConnections() {
  rlimit limit{};
  constexpr int64_t kCeiling = 16384;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kCeiling;
  const int64_t soft = static_cast<int64_t>(std::min<rlim_t>(limit.rlim_cur, 1 << 30));
  const int64_t reserve = std::min<int64_t>(1024, std::max<int64_t>(64, soft / 8));
  return static_cast<int>(std::clamp<int64_t>(soft - reserve, 1, kCeiling));
}

class HttpServer::Impl {
 public:
  Impl(const HttpServerOptions& options, HttpHandler* handler)
      : state_(std::make_shared<ServerState>()),
        io_(options.threads),
        acceptor_(asio::make_strand(io_)),
        accept_timer_(acceptor_.get_executor()) {
    state_->handler = handler;
    state_->options = options;
    if (state_->options.max_connections <= 0) {
      state_->options.max_connections = DefaultMaxConnections();
    }
  }

  ~Impl() { Stop(absl::ZeroDuration()); }

  absl::Status Listen() {
    beast::error_code ec;
    asio::ip::address address = asio::ip::make_address(state_->options.host, ec);
    if (ec) return absl::InvalidArgumentError(absl::StrCat("bad --host: ", ec.message()));
    tcp::endpoint endpoint(address, static_cast<unsigned short>(state_->options.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", state_->options.host, ":",
                                                 state_->options.port, ": ", ec.message()));
    }
    port_ = acceptor_.local_endpoint().port();
    Accept();
    int threads = std::max(1, state_->options.threads);
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
    return absl::OkStatus();
  }

  int port() const { return port_; }
  int max_connections() const { return state_->options.max_connections; }

  void Stop(absl::Duration grace) {
    if (stopped_) return;
    stopped_ = true;
    state_->stopping.store(true);
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      accept_timer_.cancel();
    });
    {
      absl::MutexLock lock(&sessions_mu_);
      for (const std::weak_ptr<Session>& weak : sessions_) {
        if (std::shared_ptr<Session> session = weak.lock()) session->CloseIfIdle();
      }
    }
    {
      ServerState& state = *state_;
      absl::MutexLock lock(&state.mu);
      state.mu.AwaitWithTimeout(absl::Condition(
                                    +[](ServerState* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu) {
                                      return s->live_sessions == 0;
                                    },
                                    &state),
                                grace);
    }
    io_.stop();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

 private:
  void Accept() {
    acceptor_.async_accept(
        asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
          if (!acceptor_.is_open() || state_->stopping.load()) return;
          if (ec) return OnAcceptError(ec);
          int live;
          {
            absl::MutexLock lock(&state_->mu);
            live = state_->live_sessions;
          }
          if (live >= state_->options.max_connections && !EvictLongestWaiting()) {
            RefuseOverCapacity(std::move(socket));
            return Accept();
          }
          beast::error_code ignored;
          socket.set_option(tcp::no_delay(true), ignored);
          auto session = std::make_shared<Session>(std::move(socket), state_);
          {
            absl::MutexLock lock(&sessions_mu_);
            // Amortised: swept when the vector has doubled since the last sweep.
            if (sessions_.size() >= 2 * swept_size_ + 64) {
              sessions_.erase(
                  std::remove_if(sessions_.begin(), sessions_.end(),
                                 [](const std::weak_ptr<Session>& weak) { return weak.expired(); }),
                  sessions_.end());
              swept_size_ = sessions_.size();
            }
            sessions_.push_back(session);
          }
          session->Start();
          Accept();
        });
  }

  // Out of descriptors (or kernel memory): retrying at once would spin. Free
  // a descriptor if some connection is only waiting, and pause.
  void OnAcceptError(const beast::error_code& ec) {
    const int code = ec.value();
    const bool exhausted = ec.category() == asio::error::get_system_category() &&
                           (code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM);
    log::Warn("accept failed", {{"error", ec.message()}});
    if (exhausted) EvictLongestWaiting();
    accept_timer_.expires_after(exhausted ? ToChrono(state_->options.accept_backoff)
                                          : std::chrono::milliseconds(10));
    accept_timer_.async_wait([this](beast::error_code timer_ec) {
      if (timer_ec || !acceptor_.is_open() || state_->stopping.load()) return;
      Accept();
    });
  }

  // Closes the connection that has waited longest for a request header;
  // false when none waits (every connection has a request in flight).
  bool EvictLongestWaiting() {
    std::shared_ptr<Session> victim;
    int64_t oldest = std::numeric_limits<int64_t>::max();
    {
      absl::MutexLock lock(&sessions_mu_);
      for (const std::weak_ptr<Session>& weak : sessions_) {
        std::shared_ptr<Session> session = weak.lock();
        if (session == nullptr) continue;
        const int64_t since = session->waiting_since();
        if (since != 0 && since < oldest) {
          oldest = since;
          victim = std::move(session);
        }
      }
    }
    if (victim == nullptr) return false;
    log::Warn("connection limit reached: closing the longest-waiting connection",
              {{"max_connections", absl::StrCat(state_->options.max_connections)}});
    victim->Evict();
    return true;
  }

  // A short 503 written without waiting (a fresh socket's send buffer is
  // empty), then closed.
  void RefuseOverCapacity(tcp::socket socket) {
    log::Warn("connection limit reached: refusing a connection",
              {{"max_connections", absl::StrCat(state_->options.max_connections)}});
    beast::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(OverCapacityResponse()), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  // Declared first: sessions destroyed with the io_context still reach it.
  std::shared_ptr<ServerState> state_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_timer_;  // on the acceptor's strand
  std::vector<std::thread> threads_;
  int port_ = 0;
  bool stopped_ = false;
  absl::Mutex sessions_mu_;
  std::vector<std::weak_ptr<Session>> sessions_ ABSL_GUARDED_BY(sessions_mu_);
  std::size_t swept_size_ ABSL_GUARDED_BY(sessions_mu_) = 0;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                              HttpHandler* handler) {
  auto impl = std::make_unique<Impl>(options, handler);
  if (absl::Status status = impl->Listen(); !status.ok()) return status;
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port(); }

int HttpServer::max_connections() const { return impl_->max_connections(); }

void HttpServer::Stop(absl::Duration grace) { impl_->Stop(grace); }

}  // namespace petition::gateway
