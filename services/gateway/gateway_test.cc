// The gateway end to end over loopback: a real HttpServer in front of a
// Gateway whose scheduling upstream is an in-process fake gRPC server and
// whose intake and supervision upstreams are down.
#include "services/gateway/gateway.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"
#include "petition/v1/scheduling.grpc.pb.h"
#include "services/gateway/http_server.h"

namespace petition::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FakeScheduling final : public scheduling::v1::Scheduling::CallbackService {
 public:
  grpc::ServerUnaryReactor* AddWorkingDays(
      grpc::CallbackServerContext* context, const scheduling::v1::AddWorkingDaysRequest* request,
      scheduling::v1::AddWorkingDaysResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      metadata_.clear();
      for (const auto& [key, value] : context->client_metadata()) {
        metadata_[std::string(key.data(), key.size())] = std::string(value.data(), value.size());
      }
    }
    response->set_date(absl::StrCat(request->from(), "+", request->days()));
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* PutCalendar(grpc::CallbackServerContext* context,
                                        const scheduling::v1::PutCalendarRequest* request,
                                        scheduling::v1::Calendar* response) override {
    put_calendar_calls_.fetch_add(1);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(InvalidField("holidays[0].date", "not a date")));
    return reactor;
  }

  // As a service answers a call whose proof it does not accept.
  grpc::ServerUnaryReactor* GetCalendar(grpc::CallbackServerContext* context,
                                        const scheduling::v1::GetCalendarRequest*,
                                        scheduling::v1::Calendar*) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no valid proof"));
    return reactor;
  }

  // As a service at its bound of calls in flight answers (gRPC's thread quota).
  grpc::ServerUnaryReactor* ListUnits(grpc::CallbackServerContext* context,
                                      const scheduling::v1::ListUnitsRequest*,
                                      scheduling::v1::ListUnitsResponse*) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many calls"));
    return reactor;
  }

  // Held until Release(): a request in flight for as long as a test wants.
  grpc::ServerUnaryReactor* GetCalendarDay(grpc::CallbackServerContext* context,
                                           const scheduling::v1::GetCalendarDayRequest*,
                                           scheduling::v1::CalendarDay*) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    absl::MutexLock lock(&mu_);
    held_.push_back(reactor);
    return reactor;
  }

  bool AwaitHeld(std::size_t n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return held_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }

  void Release() {
    std::vector<grpc::ServerUnaryReactor*> held;
    {
      absl::MutexLock lock(&mu_);
      held.swap(held_);
    }
    for (grpc::ServerUnaryReactor* reactor : held) reactor->Finish(grpc::Status::OK);
  }

  std::map<std::string, std::string> metadata() {
    absl::MutexLock lock(&mu_);
    return metadata_;
  }

  // How many PutCalendar calls reached the service.
  int put_calendar_calls() const { return put_calendar_calls_.load(); }

 private:
  std::atomic<int> put_calendar_calls_{0};
  absl::Mutex mu_;
  std::map<std::string, std::string> metadata_ ABSL_GUARDED_BY(mu_);
  std::vector<grpc::ServerUnaryReactor*> held_ ABSL_GUARDED_BY(mu_);
};

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A minimal blocking HTTP/1.1 client on one connection.
class Client {
 public:
  explicit Client(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Client() { close(fd_); }

  bool connected() const { return connected_; }

  // A body goes as JSON (Content-Type: application/json) unless `headers`
  // name a Content-Type of their own, or `json_type` is false (none at all).
  Reply Send(const std::string& method, const std::string& target, const std::string& body = "",
             const std::vector<std::string>& headers = {}, bool json_type = true) {
    std::string request = absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: test\r\n");
    bool typed = false;
    for (const std::string& header : headers) {
      absl::StrAppend(&request, header, "\r\n");
      typed |= absl::StartsWithIgnoreCase(header, "content-type:");
    }
    if (!body.empty() && !typed && json_type) {
      absl::StrAppend(&request, "Content-Type: application/json\r\n");
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
      absl::StrAppend(&request, "Content-Length: ", body.size(), "\r\n");
    }
    absl::StrAppend(&request, "\r\n", body);
    std::size_t sent = 0;
    while (sent < request.size()) {
      ssize_t n = send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;  // the server may answer (413) and close before reading it all
      sent += static_cast<std::size_t>(n);
    }
    return Receive();
  }

  // True when the server closed the connection.
  bool Closed() {
    char c;
    return recv(fd_, &c, 1, 0) <= 0;
  }

  // The next answer on the connection.
  Reply Read() { return Receive(); }

  // Sends raw bytes without waiting for an answer.
  void SendRaw(const std::string& bytes) {
    (void)send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }

  // True when the server closes the connection (end of stream) within
  // `timeout`; false if it is still open then.
  bool ClosedWithin(absl::Duration timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(absl::ToInt64Seconds(timeout));
    tv.tv_usec =
        static_cast<suseconds_t>(absl::ToInt64Microseconds(timeout - absl::Seconds(tv.tv_sec)));
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char c;
    ssize_t n = recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  Reply Receive() {
    Reply reply;
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return reply;
    }
    std::vector<std::string> lines = absl::StrSplit(buffer_.substr(0, header_end), "\r\n");
    std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
    if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &reply.status)) return reply;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      std::pair<std::string, std::string> kv = absl::StrSplit(lines[i], absl::MaxSplits(": ", 1));
      reply.headers[absl::AsciiStrToLower(kv.first)] = kv.second;
    }
    std::size_t length = 0;
    (void)absl::SimpleAtoi(reply.headers["content-length"], &length);
    while (buffer_.size() < header_end + 4 + length) {
      if (!Fill()) break;
    }
    reply.body = buffer_.substr(header_end + 4, length);
    buffer_.erase(0, header_end + 4 + length);
    return reply;
  }

  bool Fill() {
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int grpc_port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &grpc_port);
    builder.RegisterService(&scheduling_);
    grpc_server_ = builder.BuildAndStart();
    ASSERT_NE(grpc_server_, nullptr);

    GatewayOptions options;
    options.channels["petition.scheduling.v1.Scheduling"] = grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", grpc_port), grpc::InsecureChannelCredentials());
    // Nothing listens on port 1.
    options.channels["petition.intake.v1.Intake"] =
        grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
    options.channels["petition.supervision.v1.Supervision"] =
        grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
    options.optional_services.insert("petition.supervision.v1.Supervision");
    options.upstream_timeout = absl::Seconds(10);
    Configure(options);
    absl::StatusOr<std::unique_ptr<Auth>> auth = Auth::Create("secret", "k1=county:county");
    ASSERT_TRUE(auth.ok());
    registry_ = std::make_shared<prometheus::Registry>();
    absl::StatusOr<std::unique_ptr<Gateway>> gateway =
        Gateway::Create(std::move(options), *std::move(auth), registry_.get());
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);

    HttpServerOptions server_options;
    server_options.port = 0;
    server_options.max_body_bytes = 1000;
    absl::StatusOr<std::unique_ptr<HttpServer>> server =
        HttpServer::Start(server_options, gateway_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  void TearDown() override {
    scheduling_.Release();
    if (server_ != nullptr) server_->Stop();
    if (gateway_ != nullptr) gateway_->Shutdown();
    server_.reset();
    gateway_.reset();
    if (grpc_server_ != nullptr) grpc_server_->Shutdown();
  }

  // What a suite changes in the gateway's options.
  virtual void Configure(GatewayOptions& options) {}

  std::string Token(std::vector<std::string> roles, const std::string& subject = "official_9") {
    Jwt::Claims claims;
    claims.subject = subject;
    claims.roles = std::move(roles);
    claims.unit_id = "unit_2";
    claims.expires_at = absl::Now() + absl::Hours(1);
    return absl::StrCat("Authorization: Bearer ", Jwt("secret").Mint(claims));
  }

  Reply Get(const std::string& target, const std::vector<std::string>& headers = {}) {
    Client client(server_->port());
    EXPECT_TRUE(client.connected());
    return client.Send("GET", target, "", headers);
  }

  double Count(const std::string& route, const std::string& code) {
    for (const auto& family : registry_->Collect()) {
      if (family.name != "http_requests_total") continue;
      for (const auto& metric : family.metric) {
        std::map<std::string, std::string> labels;
        for (const auto& label : metric.label) labels[label.name] = label.value;
        if (labels["route"] == route && labels["code"] == code) return metric.counter.value;
      }
    }
    return 0;
  }

  FakeScheduling scheduling_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(GatewayTest, Healthz) {
  Reply reply = Get("/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"status":"ok"})");
  EXPECT_EQ(reply.headers["content-type"], "application/json");
  EXPECT_EQ(reply.headers["x-request-id"].size(), 32u);
}

TEST_F(GatewayTest, TranscodesARequestToTheServiceAndBack) {
  std::vector<std::string> lines;
  absl::Mutex lines_mu;
  log::SetSinkForTesting([&](std::string_view line) {
    absl::MutexLock lock(&lines_mu);
    lines.emplace_back(line);
  });
  Reply reply = Get("/v1/calendar:addWorkingDays?from=2026-01-01&days=3",
                    {Token({"clerk"}), "X-Request-Id: req-42"});
  log::SetSinkForTesting(nullptr);
  {
    // The client's id is kept; the gateway's own is logged beside it.
    absl::MutexLock lock(&lines_mu);
    auto access = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
      return l.find("\"http request\"") != std::string::npos;
    });
    ASSERT_NE(access, lines.end());
    EXPECT_THAT(*access, HasSubstr(R"("requestId":"req-42")"));
    EXPECT_THAT(*access, ::testing::ContainsRegex(R"("gatewayRequestId":"[0-9a-f]{32}")"));
  }
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, R"({"date":"2026-01-01+3","provisional":false})");
  EXPECT_EQ(reply.headers["x-request-id"], "req-42");
  std::map<std::string, std::string> metadata = scheduling_.metadata();
  EXPECT_EQ(metadata["x-request-id"], "req-42");
  EXPECT_EQ(metadata["x-petition-sub"], "official_9");
  EXPECT_EQ(metadata["x-petition-roles"], "clerk");
  EXPECT_EQ(metadata["x-petition-unit"], "unit_2");
  EXPECT_EQ(Count("/v1/calendar:addWorkingDays", "200"), 1);
}

TEST_F(GatewayTest, ServiceErrorsKeepTheirCodeAndDetails) {
  Client client(server_->port());
  Reply reply = client.Send("PUT", "/v1/calendars/2026", R"({"holidays":[{"date":"x"}]})",
                            {Token({"admin"})});
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr(R"("code":"INVALID_ARGUMENT")"));
  EXPECT_THAT(reply.body, HasSubstr(R"({"field":"holidays[0].date","reason":"not a date"})"));
}

// The client's token was good; the gateway's proof to the service was not
// (secrets differ between processes): a server fault, never a 401.
TEST_F(GatewayTest, AServiceRefusingTheGatewaysProofIs500NotA401) {
  Reply reply = Get("/v1/calendars/2026", {Token({"clerk"})});
  EXPECT_EQ(reply.status, 500) << reply.body;
  EXPECT_THAT(reply.body, HasSubstr(R"("code":"INTERNAL")"));
}

TEST_F(GatewayTest, ServiceDownIs503) {
  Reply reply = Get("/v1/cases/case_1", {Token({"clerk"})});
  EXPECT_EQ(reply.status, 503);
  EXPECT_THAT(reply.body, HasSubstr(R"("code":"UNAVAILABLE")"));
  // gRPC's message names the backend's address; the client sees none of it,
  // only the request id to quote.
  EXPECT_THAT(reply.body, Not(HasSubstr("127.0.0.1")));
  EXPECT_THAT(reply.body, Not(HasSubstr(":1")));
  EXPECT_THAT(reply.body, HasSubstr("request id " + reply.headers["x-request-id"]));
}

TEST_F(GatewayTest, MetricSeriesExistPerRouteFromTheStartAndMethodsStayBounded) {
  // Made at start-up: every route has its latency series before any request.
  std::set<std::string> routes;
  for (const auto& family : registry_->Collect()) {
    if (family.name != "http_request_duration_seconds") continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == "route") routes.insert(label.value);
      }
    }
  }
  for (const auto& route : gateway_->routes().routes()) {
    EXPECT_EQ(routes.count(route->path_template), 1u) << route->path_template;
  }
  // A made-up method is counted as OTHER, not as a new label value.
  Client client(server_->port());
  EXPECT_EQ(client.Send("FROBNICATE", "/v1/nothing").status, 404);
  bool other = false;
  for (const auto& family : registry_->Collect()) {
    if (family.name != "http_requests_total") continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        EXPECT_NE(label.value, "FROBNICATE");
        other = other || (label.name == "method" && label.value == "OTHER");
      }
    }
  }
  EXPECT_TRUE(other);
}

TEST_F(GatewayTest, RoutingErrorsDoNotEchoThePath) {
  Reply reply = Get("/v1/13800138000");
  EXPECT_EQ(reply.status, 404);
  EXPECT_THAT(reply.body, Not(HasSubstr("13800138000")));
  Client client(server_->port());
  reply = client.Send("DELETE", "/v1/calendars/13800138000");
  EXPECT_EQ(reply.status, 405);
  EXPECT_THAT(reply.body, Not(HasSubstr("13800138000")));
}

TEST_F(GatewayTest, ABodyThatDoesNotParseIsNotQuotedBack) {
  Client client(server_->port());
  Reply reply =
      client.Send("PUT", "/v1/calendars/2026",
                  R"({"holidays":[{"date":"2026-01-01","name":13800138000}]})", {Token({"admin"})});
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr(R"("field":"holidays[0].name")"));
  EXPECT_THAT(reply.body, Not(HasSubstr("13800138000")));
}

TEST_F(GatewayTest, RoutingErrors) {
  Reply reply = Get("/v1/nothing");
  EXPECT_EQ(reply.status, 404);
  EXPECT_THAT(reply.body, HasSubstr(R"({"error":{"code":"NOT_FOUND")"));

  Client client(server_->port());
  reply = client.Send("DELETE", "/v1/calendars/2026");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers["allow"], "GET, PUT");
  EXPECT_THAT(reply.body, HasSubstr(R"({"error":{"code":"METHOD_NOT_ALLOWED")"));
  EXPECT_EQ(Count("unmatched", "405"), 1);
}

TEST_F(GatewayTest, AuthErrors) {
  EXPECT_EQ(Get("/v1/cases/case_1").status, 401);
  EXPECT_EQ(Get("/v1/cases/case_1", {"Authorization: Bearer x.y.z"}).status, 401);
  Reply reply = Get("/v1/cases/case_1", {Token({"county"})});
  EXPECT_EQ(reply.status, 403);
  EXPECT_THAT(reply.body, HasSubstr(R"("code":"PERMISSION_DENIED")"));
  EXPECT_EQ(Get("/v1/cases/case_1", {"X-Api-Key: k1"}).status, 403);
  EXPECT_EQ(Get("/v1/cases/case_1", {"X-Api-Key: k2"}).status, 401);
}

TEST_F(GatewayTest, A401SaysHowToAuthenticate) {
  Reply reply = Get("/v1/cases/case_1");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.headers["www-authenticate"], R"(Bearer realm="petition")");
  reply = Get("/v1/cases/case_1", {"Authorization: Bearer x.y.z"});
  EXPECT_EQ(reply.status, 401);
  EXPECT_THAT(reply.headers["www-authenticate"],
              HasSubstr(R"(Bearer realm="petition", error="invalid_token", error_description=")"));
  reply = Get("/v1/cases/case_1", {"X-Api-Key: k2"});
  EXPECT_THAT(reply.headers["www-authenticate"], HasSubstr(R"(error="invalid_token")"));
  reply = Get("/v1/cases/case_1", {Token({"county"})});
  EXPECT_EQ(reply.status, 403);
  EXPECT_THAT(reply.headers["www-authenticate"], HasSubstr(R"(error="insufficient_scope")"));
}

TEST_F(GatewayTest, BadInputIs400) {
  Client client(server_->port());
  Reply reply = client.Send("PUT", "/v1/calendars/2026", "{not json", {Token({"admin"})});
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr(R"("code":"INVALID_ARGUMENT")"));
  reply = client.Send("GET", "/v1/calendar:addWorkingDays?days=x", "", {Token({"admin"})});
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr(R"("field":"days")"));
}

// A service refusing a call because it is at its bound is overload: 503 with
// Retry-After, never the 429 a client would take for its own rate limit.
TEST_F(GatewayTest, AServiceAtItsBoundIs503WithRetryAfter) {
  Reply reply = Get("/v1/units", {Token({"admin"})});
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.headers["retry-after"], "1");
  EXPECT_THAT(reply.body, HasSubstr(R"("code":"UNAVAILABLE")"));
}

TEST_F(GatewayTest, BodyOverTheLimitIs413) {
  Client client(server_->port());
  Reply reply =
      client.Send("PUT", "/v1/calendars/2026", std::string(5000, ' '), {Token({"admin"})});
  EXPECT_EQ(reply.status, 413);
  EXPECT_THAT(reply.body, HasSubstr(R"("code":"RESOURCE_EXHAUSTED")"));
  EXPECT_TRUE(client.Closed());
}

TEST_F(GatewayTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Client client(server_->port());
  EXPECT_EQ(client.Send("GET", "/healthz").status, 200);
  EXPECT_EQ(client
                .Send("GET", "/v1/calendar:addWorkingDays?from=2026-02-01&days=1", "",
                      {Token({"leader"})})
                .body,
            R"({"date":"2026-02-01+1","provisional":false})");
  EXPECT_EQ(client.Send("GET", "/healthz").status, 200);
}

TEST_F(GatewayTest, ReadyzNamesTheServicesThatAreDown) {
  Reply reply = Get("/readyz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.body,
            R"({"status":"not_ready","dependencies":{"intake":"down","scheduling":"up",)"
            R"("supervision":"degraded"}})");
  // Answered again from the cache, the same.
  EXPECT_EQ(Get("/readyz").body, reply.body);
}

TEST_F(GatewayTest, FoldedHeaderLinesAre400) {
  Client client(server_->port());
  Reply reply = client.Send("GET", "/healthz", "", {"X-Note: first\r\n  folded"});
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr("obs-fold"));
}

TEST_F(GatewayTest, TwoAuthorizationHeadersAre400) {
  Client client(server_->port());
  Reply reply = client.Send("GET", "/v1/calendar:addWorkingDays?from=2026-02-01&days=1", "",
                            {Token({"leader"}), Token({"admin"})});
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr("more than one Authorization header"));
}

TEST_F(GatewayTest, AnEncodedBodyIs415) {
  Client client(server_->port());
  Reply reply = client.Send("PUT", "/v1/calendars/2026", R"({"holidays":[]})",
                            {Token({"admin"}), "Content-Encoding: gzip"});
  EXPECT_EQ(reply.status, 415);
  EXPECT_THAT(reply.body, HasSubstr("Content-Encoding"));
  // The same code as every 415.
  EXPECT_THAT(reply.body, HasSubstr(R"({"error":{"code":"UNSUPPORTED_MEDIA_TYPE")"));
  Client identity(server_->port());
  reply = identity.Send("GET", "/healthz", "", {"Content-Encoding: identity"});
  EXPECT_EQ(reply.status, 200);
}

// A JSON route takes its body only as application/json: anything else is 415
// before the service is called.
TEST_F(GatewayTest, AJsonBodyIsTakenAsJsonOnly) {
  const std::string body = R"({"holidays":[{"date":"x"}]})";
  // Reaching the service: its own 400 (the fake refuses every calendar).
  for (const char* type :
       {"application/json", "application/json; charset=utf-8", "Application/JSON;Charset=UTF-8"}) {
    Reply reply = Client(server_->port())
                      .Send("PUT", "/v1/calendars/2026", body,
                            {Token({"admin"}), absl::StrCat("Content-Type: ", type)});
    EXPECT_EQ(reply.status, 400) << type << ": " << reply.body;
    EXPECT_THAT(reply.body, HasSubstr("holidays[0].date")) << type;
  }
  EXPECT_EQ(scheduling_.put_calendar_calls(), 3);
}

TEST_F(GatewayTest, ABodyOfAnotherTypeIs415AndNeverReachesTheService) {
  const std::string body = R"({"holidays":[]})";
  for (const char* type :
       {"application/x-www-form-urlencoded", "text/plain", "text/plain; charset=utf-8",
        "application/json; charset=gbk", "application/json; charset=utf-16",
        "application/merge-patch+json", "multipart/form-data; boundary=x"}) {
    Reply reply = Client(server_->port())
                      .Send("PUT", "/v1/calendars/2026", body,
                            {Token({"admin"}), absl::StrCat("Content-Type: ", type)});
    EXPECT_EQ(reply.status, 415) << type << ": " << reply.body;
    EXPECT_EQ(reply.headers["content-type"], "application/json") << type;
    EXPECT_THAT(reply.body, HasSubstr(R"({"error":{"code":"UNSUPPORTED_MEDIA_TYPE","message":")"))
        << type;
    EXPECT_THAT(reply.body, HasSubstr(R"("details":[]}})")) << type;
    EXPECT_THAT(reply.body, HasSubstr("application/json")) << type;
    EXPECT_EQ(reply.headers.count("accept-post"), 0u) << "PUT: " << type;
  }
  // No Content-Type at all with a body: what a client that did not say JSON sends.
  Reply untyped = Client(server_->port())
                      .Send("PUT", "/v1/calendars/2026", body, {Token({"admin"})},
                            /*json_type=*/false);
  EXPECT_EQ(untyped.status, 415) << untyped.body;
  EXPECT_THAT(untyped.body, HasSubstr("no Content-Type"));
  // Two of them: neither is believed.
  Reply two =
      Client(server_->port())
          .Send("PUT", "/v1/calendars/2026", body,
                {Token({"admin"}), "Content-Type: application/json", "Content-Type: text/plain"});
  EXPECT_EQ(two.status, 415) << two.body;
  EXPECT_EQ(scheduling_.put_calendar_calls(), 0);
  EXPECT_EQ(Count("/v1/calendars/{year}", "415"), 9);
}

TEST_F(GatewayTest, AnEmptyBodyNeedsNoContentType) {
  // Nothing to misread: routed as before (the fake service's own 400).
  for (const std::string& body : {std::string(), std::string(" \r\n")}) {
    Reply reply = Client(server_->port())
                      .Send("PUT", "/v1/calendars/2026", body, {Token({"admin"})},
                            /*json_type=*/false);
    EXPECT_EQ(reply.status, 400) << reply.body;
    reply = Client(server_->port())
                .Send("PUT", "/v1/calendars/2026", body,
                      {Token({"admin"}), "Content-Type: application/x-www-form-urlencoded"});
    EXPECT_EQ(reply.status, 400) << reply.body;
  }
  EXPECT_EQ(scheduling_.put_calendar_calls(), 4);
}

TEST_F(GatewayTest, A415NamesJsonInAcceptPostAndComesAfterAuthentication) {
  // POST on a public route (the petitioner's rating): refused the same way,
  // with Accept-Post.
  Reply form = Client(server_->port())
                   .Send("POST", "/v1/lookup/ABCD2345:rate", "rating=SATISFIED",
                         {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(form.status, 415) << form.body;
  EXPECT_EQ(form.headers["accept-post"], "application/json");
  // As JSON it is routed (intake is down here).
  Reply json =
      Client(server_->port()).Send("POST", "/v1/lookup/ABCD2345:rate", R"({"rating":"SATISFIED"})");
  EXPECT_EQ(json.status, 503) << json.body;
  // Without credentials a route that needs them says so first.
  Reply anonymous =
      Client(server_->port()).Send("PUT", "/v1/calendars/2026", "{}", {"Content-Type: text/plain"});
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
}

TEST_F(GatewayTest, AnUploadKeepsItsOwnMediaTypes) {
  // Not JSON, and not refused by the gateway: the service checks the type against the bytes
  // (intake is down here).
  for (const char* type : {"Content-Type: image/png", "Content-Type: text/plain"}) {
    Reply reply = Client(server_->port())
                      .Send("POST", "/v1/cases/case_x/materials", "abc",
                            {Token({"clerk"}), type, "X-File-Name: a.png"});
    EXPECT_EQ(reply.status, 503) << type << ": " << reply.body;
  }
}

TEST_F(GatewayTest, ARouteWithoutABodyStillRefusesOneAs400) {
  Reply reply = Client(server_->port())
                    .Send("GET", "/v1/calendar:addWorkingDays?from=2026-02-01&days=1", "a=b",
                          {Token({"leader"}), "Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_THAT(reply.body, HasSubstr("takes no request body"));
}

class HttpServerLimitsTest : public GatewayTest {
 protected:
  void StartSecond(HttpServerOptions options) {
    absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(options, gateway_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    second_ = *std::move(server);
  }
  void TearDown() override {
    if (second_ != nullptr) second_->Stop();
    second_.reset();
    GatewayTest::TearDown();
  }
  std::unique_ptr<HttpServer> second_;
};

TEST_F(HttpServerLimitsTest, AHeaderThatDoesNotArriveInTimeIs408) {
  HttpServerOptions options;
  options.header_timeout = absl::Milliseconds(200);
  StartSecond(options);
  Client slow(second_->port());
  slow.SendRaw("GET /healthz HTTP/1.1\r\nHost: t\r\n");  // and never the blank line
  Reply reply = slow.Read();
  EXPECT_EQ(reply.status, 408);
  EXPECT_THAT(reply.body, HasSubstr("DEADLINE_EXCEEDED"));
  EXPECT_EQ(reply.headers["connection"], "close");
  EXPECT_TRUE(slow.ClosedWithin(absl::Seconds(10)));
}

TEST_F(HttpServerLimitsTest, ABodyThatDoesNotArriveInTimeIs408) {
  HttpServerOptions options;
  options.read_timeout = absl::Milliseconds(200);
  StartSecond(options);
  Client slow(second_->port());
  slow.SendRaw("PUT /v1/calendars/2026 HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{");
  Reply reply = slow.Read();
  EXPECT_EQ(reply.status, 408);
  EXPECT_TRUE(slow.ClosedWithin(absl::Seconds(10)));
}

TEST_F(HttpServerLimitsTest, AnIdleKeepAliveConnectionClosesWithoutAnAnswer) {
  HttpServerOptions options;
  options.header_timeout = absl::Milliseconds(200);
  StartSecond(options);
  Client idle(second_->port());
  ASSERT_EQ(idle.Send("GET", "/healthz").status, 200);
  // Nothing of a next request: closed, no 408.
  EXPECT_TRUE(idle.ClosedWithin(absl::Seconds(10)));
}

TEST_F(HttpServerLimitsTest, OverTheCapAWaitingConnectionMakesRoom) {
  HttpServerOptions options;
  options.max_connections = 2;
  options.header_timeout = absl::Seconds(60);  // only the cap closes connections here
  StartSecond(options);
  EXPECT_EQ(second_->max_connections(), 2);
  Client first(second_->port());
  ASSERT_EQ(first.Send("GET", "/healthz").status, 200);  // now idle, waiting for the next
  Client second(second_->port());
  ASSERT_EQ(second.Send("GET", "/healthz").status, 200);
  // A third is served once one of the two is idle (the server may still be
  // finishing a response a moment after the client has it: then the third
  // is answered 503 and closed, and tries again).
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  int status = 0;
  while (status != 200 && absl::Now() < deadline) {
    Client third(second_->port());
    status = third.Send("GET", "/healthz").status;
    ASSERT_TRUE(status == 200 || status == 503) << status;
  }
  ASSERT_EQ(status, 200);
  // One of the idle two (the one waiting longest) was closed to make room;
  // the other still serves.
  Client* closed = nullptr;
  while (closed == nullptr && absl::Now() < deadline) {
    if (first.ClosedWithin(absl::Milliseconds(50)))
      closed = &first;
    else if (second.ClosedWithin(absl::Milliseconds(50)))
      closed = &second;
  }
  ASSERT_NE(closed, nullptr) << "no connection was closed to make room";
  Client& open = closed == &first ? second : first;
  EXPECT_EQ(open.Send("GET", "/healthz").status, 200);
}

TEST_F(HttpServerLimitsTest, OverTheCapWithEveryConnectionBusyANewOneGets503) {
  HttpServerOptions options;
  options.max_connections = 1;
  StartSecond(options);
  Client busy(second_->port());
  busy.SendRaw(absl::StrCat("GET /v1/calendar/days/2026-01-01 HTTP/1.1\r\nHost: t\r\n",
                            Token({"admin"}), "\r\n\r\n"));
  ASSERT_TRUE(scheduling_.AwaitHeld(1, absl::Seconds(10)));  // in flight upstream
  Client refused(second_->port());
  Reply reply = refused.Send("GET", "/healthz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.headers["retry-after"], "1");
  EXPECT_THAT(reply.body, HasSubstr("too many connections"));
  EXPECT_TRUE(refused.Closed());
  scheduling_.Release();
  EXPECT_EQ(busy.Read().status, 200);  // the busy one was left alone
}

TEST(HttpServerDefaultsTest, TheDefaultCapLeavesDescriptorsForTheRest) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  const int cap = DefaultMaxConnections();
  EXPECT_GE(cap, 1);
  EXPECT_LE(cap, 16384);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur > 128) {
    EXPECT_LE(static_cast<rlim_t>(cap) + 64, limit.rlim_cur);
  }
}

TEST_F(GatewayTest, OpenApiComesFromTheAnnotations) {
  Reply reply = Get("/openapi.json");
  EXPECT_EQ(reply.status, 200);
  EXPECT_THAT(reply.body, HasSubstr(R"("openapi":"3.1.0")"));
  EXPECT_THAT(reply.body, HasSubstr(R"("/v1/cases/{caseId}")"));
  EXPECT_THAT(reply.body, HasSubstr(R"("/v1/calendar:addWorkingDays")"));
  EXPECT_THAT(reply.body, HasSubstr(R"("MAKEUP_WORKDAY")"));
  EXPECT_THAT(reply.body, HasSubstr(R"("makeupWorkdays")"));
  EXPECT_THAT(reply.body, HasSubstr(R"("bearerFormat":"JWT")"));
  EXPECT_THAT(reply.body, HasSubstr(R"("name":"X-Api-Key")"));
  EXPECT_THAT(reply.body, HasSubstr(R"("text/calendar")"));
  EXPECT_THAT(reply.body, HasSubstr(R"("x-roles":["admin"])"));
  EXPECT_THAT(reply.body, HasSubstr(R"("format":"date-time")"));
  EXPECT_EQ(reply.body, gateway_->openapi_json());
}

TEST_F(GatewayTest, DocsWithoutTheirFilesSayWhereTheDescriptionIs) {
  Reply reply = Get("/docs");
  EXPECT_EQ(reply.status, 404);
  EXPECT_THAT(reply.body, HasSubstr("/openapi.json"));
  EXPECT_EQ(Get("/docs/swagger-ui.css").status, 404);
}

TEST(GatewayDocsTest, ADocsDirWithoutSwaggerUiStopsTheStart) {
  GatewayOptions options;
  options.docs_dir = ::testing::TempDir();
  auto gateway = Gateway::Create(std::move(options), nullptr, nullptr);
  ASSERT_FALSE(gateway.ok());
  EXPECT_THAT(gateway.status().message(), HasSubstr("swagger-ui"));
}

TEST_F(GatewayTest, NothingIsSniffedAndNoAnswerIsCached) {
  for (const std::string& target :
       {std::string("/healthz"), std::string("/v1/no/such/route"),
        std::string("/v1/calendar:addWorkingDays?from=2026-01-01&days=1")}) {
    Reply reply = Get(target, {Token({"clerk"})});
    EXPECT_EQ(reply.headers["x-content-type-options"], "nosniff") << target;
    EXPECT_EQ(reply.headers["cache-control"], "no-store") << target;
  }
  Reply unauthenticated = Get("/v1/calendar:addWorkingDays?from=2026-01-01&days=1");
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_EQ(unauthenticated.headers["cache-control"], "no-store");
  Reply description = Get("/openapi.json");
  EXPECT_EQ(description.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(description.headers["cache-control"], "no-store");
}

TEST_F(GatewayTest, StopClosesIdleConnectionsWithoutWaitingForTheGrace) {
  Client client(server_->port());
  ASSERT_EQ(client.Send("GET", "/healthz").status, 200);
  absl::Time start = absl::Now();
  server_->Stop(absl::Seconds(30));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_TRUE(client.Closed());
}

class GatewayLimitsTest : public GatewayTest {
 protected:
  void Configure(GatewayOptions& options) override {
    options.principal_rate = 0.001;  // a token every 1000 s: the burst is all there is
    options.principal_burst = 3;
    options.public_rate = 0.001;
    options.public_burst = 2;
    options.failed_auth_rate = 0.001;
    options.failed_auth_burst = 2;
    options.cors_origins = {"https://app.example"};
  }

  double RateLimited(const std::string& limit) {
    for (const auto& family : registry_->Collect()) {
      if (family.name != "http_requests_rate_limited_total") continue;
      for (const auto& metric : family.metric) {
        if (metric.label[0].value == limit) return metric.counter.value;
      }
    }
    return -1;
  }
};

TEST_F(GatewayLimitsTest, EachPrincipalHasABucket) {
  const std::string target = "/v1/calendar:addWorkingDays?from=2026-01-01&days=1";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Get(target, {Token({"clerk"}, "alice")}).status, 200) << i;
  Reply reply = Get(target, {Token({"clerk"}, "alice")});
  EXPECT_EQ(reply.status, 429);
  EXPECT_THAT(reply.body, HasSubstr("RESOURCE_EXHAUSTED"));
  int retry_after = 0;
  ASSERT_TRUE(absl::SimpleAtoi(reply.headers["retry-after"], &retry_after));
  EXPECT_GE(retry_after, 1);
  // Another principal is not held back by alice.
  EXPECT_EQ(Get(target, {Token({"clerk"}, "bob")}).status, 200);
  EXPECT_EQ(RateLimited("principal"), 1);
  EXPECT_EQ(Count("/v1/calendar:addWorkingDays", "429"), 1);
  // Probes are never limited.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Get("/healthz").status, 200);
}

TEST_F(GatewayLimitsTest, AnAddressThatKeepsFailingIsNotVerifiedAgainForAWhile) {
  const std::string target = "/v1/calendar:addWorkingDays?from=2026-01-01&days=1";
  EXPECT_EQ(Get(target, {"Authorization: Bearer not.a.token"}).status, 401);
  EXPECT_EQ(Get(target, {"X-Api-Key: guessed"}).status, 401);
  // The address's failures are spent: even good credentials wait, unverified.
  Reply reply = Get(target, {Token({"clerk"}, "carol")});
  EXPECT_EQ(reply.status, 429);
  EXPECT_THAT(reply.body, HasSubstr("failed authentications"));
  EXPECT_FALSE(reply.headers["retry-after"].empty());
  EXPECT_EQ(RateLimited("failed_auth"), 1);
  // A request without credentials is not a failed authentication.
  EXPECT_EQ(Get("/healthz").status, 200);
}

TEST_F(GatewayLimitsTest, PublicRoutesHaveABucketPerAddress) {
  EXPECT_EQ(Get("/openapi.json").status, 200);
  EXPECT_EQ(Get("/openapi.json").status, 200);
  Reply reply = Get("/openapi.json");
  EXPECT_EQ(reply.status, 429);
  EXPECT_FALSE(reply.headers["retry-after"].empty());
  EXPECT_EQ(RateLimited("address"), 1);
}

TEST_F(GatewayLimitsTest, CorsForTheConfiguredOriginsOnly) {
  Client client(server_->port());
  Reply preflight =
      client.Send("OPTIONS", "/v1/calendars/2026", "",
                  {"Origin: https://app.example", "Access-Control-Request-Method: PUT",
                   "Access-Control-Request-Headers: authorization, content-type"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.headers["access-control-allow-origin"], "https://app.example");
  EXPECT_EQ(preflight.headers["access-control-allow-methods"], "GET, PUT");
  EXPECT_THAT(preflight.headers["access-control-allow-headers"], HasSubstr("Authorization"));
  EXPECT_THAT(preflight.headers["access-control-allow-headers"], HasSubstr("Content-Type"));
  EXPECT_EQ(preflight.headers["vary"], "Origin");

  Reply reply = Get("/healthz", {"Origin: https://app.example"});
  EXPECT_EQ(reply.headers["access-control-allow-origin"], "https://app.example");
  EXPECT_THAT(reply.headers["access-control-expose-headers"], HasSubstr("X-Request-Id"));

  // Another origin: no CORS headers at all, and no preflight answer.
  Client other(server_->port());
  Reply refused =
      other.Send("OPTIONS", "/v1/calendars/2026", "",
                 {"Origin: https://evil.example", "Access-Control-Request-Method: PUT"});
  EXPECT_NE(refused.status, 204);
  EXPECT_EQ(refused.headers.count("access-control-allow-origin"), 0u);
  EXPECT_EQ(refused.headers.count("access-control-allow-methods"), 0u);
  reply = Get("/healthz", {"Origin: https://evil.example"});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers.count("access-control-allow-origin"), 0u);
}

}  // namespace
}  // namespace petition::gateway

namespace petition::gateway {
namespace {

// Uploads (a body that is a petition.v1.HttpBody) have a limit of their own:
// larger than the server's for every other route (1000 bytes here).
class GatewayUploadTest : public GatewayTest {
 protected:
  void Configure(GatewayOptions& options) override { options.max_upload_bytes = 3000; }
};

TEST_F(GatewayUploadTest, AnUploadRouteTakesItsOwnLimitAndNoOtherRouteDoes) {
  const std::string token = Token({"clerk"});
  // Past the server's 1000 bytes, within the upload's 3000: routed (intake is down here).
  Reply within = Client(server_->port())
                     .Send("POST", "/v1/cases/case_x/materials", std::string(2000, 'a'),
                           {token, "Content-Type: application/pdf", "X-File-Name: a.pdf"});
  EXPECT_EQ(within.status, 503) << within.body;
  // Past the upload's limit: 413 before anything is asked of intake.
  Client over_client(server_->port());
  Reply over = over_client.Send("POST", "/v1/cases/case_x/materials", std::string(3001, 'a'),
                                {token, "Content-Type: application/pdf", "X-File-Name: a.pdf"});
  EXPECT_EQ(over.status, 413) << over.body;
  EXPECT_THAT(over.body, HasSubstr("3000 bytes"));
  // A JSON route keeps the server's limit.
  Reply json = Client(server_->port())
                   .Send("PUT", "/v1/calendars/2026", std::string(2000, ' '), {Token({"admin"})});
  EXPECT_EQ(json.status, 413);
}

}  // namespace
}  // namespace petition::gateway
