// The only translation unit that includes Boost.Beast.
#include "services/gateway/http_server.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
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
      : stream_(std::move(socket)), state_(std::move(state)) {
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

 private:
  void Read() {
    if (state_->stopping.load()) return Close();
    parser_.emplace();
    parser_->body_limit(state_->options.max_body_bytes);
    parser_->header_limit(kHeaderLimit);
    stream_.expires_after(ToChrono(state_->options.read_timeout));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Reject(413,
                    absl::ResourceExhaustedError(absl::StrCat(
                        "request body larger than ", state_->options.max_body_bytes, " bytes")));
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
    HttpRequest request;
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
    stream_.expires_never();
    state_->handler->Handle(
        std::move(request), [self = shared_from_this()](HttpResponse response) mutable {
          auto executor = self->stream_.get_executor();
          asio::post(executor, [self = std::move(self), response = std::move(response)]() mutable {
            self->Write(std::move(response));
          });
        });
  }

  // An error the server answers itself; the connection closes after it.
  void Reject(int status, const absl::Status& error) {
    keep_alive_ = false;
    HttpResponse response;
    response.status = status;
    response.body = petition::ErrorJson(error);
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
    response_.set(http::field::content_type, response.content_type);
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
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<ServerState> state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  bool busy_ = false;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(const HttpServerOptions& options, HttpHandler* handler)
      : state_(std::make_shared<ServerState>()),
        io_(options.threads),
        acceptor_(asio::make_strand(io_)) {
    state_->handler = handler;
    state_->options = options;
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

  void Stop(absl::Duration grace) {
    if (stopped_) return;
    stopped_ = true;
    state_->stopping.store(true);
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
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
          if (ec) {
            if (!acceptor_.is_open() || state_->stopping.load()) return;
            log::Warn("accept failed", {{"error", ec.message()}});
          } else {
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            auto session = std::make_shared<Session>(std::move(socket), state_);
            {
              absl::MutexLock lock(&sessions_mu_);
              sessions_.erase(
                  std::remove_if(sessions_.begin(), sessions_.end(),
                                 [](const std::weak_ptr<Session>& weak) { return weak.expired(); }),
                  sessions_.end());
              sessions_.push_back(session);
            }
            session->Start();
            if (state_->stopping.load()) session->CloseIfIdle();
          }
          if (!state_->stopping.load()) Accept();
        });
  }

  // Declared first: sessions destroyed with the io_context still reach it.
  std::shared_ptr<ServerState> state_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  bool stopped_ = false;
  absl::Mutex sessions_mu_;
  std::vector<std::weak_ptr<Session>> sessions_ ABSL_GUARDED_BY(sessions_mu_);
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

void HttpServer::Stop(absl::Duration grace) { impl_->Stop(grace); }

}  // namespace petition::gateway
