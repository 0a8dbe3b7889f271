// The gateway's request handler: routes a REST request by the
// (petition.v1.http) annotations, authenticates and authorises it, transcodes
// it to the request message, calls the service by method name over a
// grpc::GenericStub (asynchronously) and transcodes the answer back. Also
// serves /healthz, /readyz, /openapi.json and /docs, records
// http_requests_total / http_request_duration_seconds and logs one access
// line per request (request id, principal's subject, route template, status,
// duration; never the raw path, which may hold ids or query codes). Applies
// the rate limits and answers CORS for the configured origins.
#ifndef PETITION_SERVICES_GATEWAY_GATEWAY_H_
#define PETITION_SERVICES_GATEWAY_GATEWAY_H_

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "services/gateway/auth.h"
#include "services/gateway/http_handler.h"
#include "services/gateway/openapi.h"
#include "services/gateway/rate_limiter.h"
#include "services/gateway/route_table.h"
#include "services/gateway/transcoder.h"

namespace petition::gateway {

struct GatewayOptions {
  // Service full name ("petition.intake.v1.Intake") -> channel. Every method
  // of these services with a (petition.v1.http) option becomes a route; the
  // services are also what /readyz checks (their gRPC health).
  std::map<std::string, std::shared_ptr<grpc::ChannelInterface>> channels;
  // Services the gateway serves without, in part: when one is not serving,
  // /readyz stays 200 and reports it "degraded". Every other service is
  // required: when one is not serving, /readyz is 503.
  std::set<std::string> optional_services;
  absl::Duration upstream_timeout = absl::Seconds(10);
  // Bound of each health probe, and how long its answer is reused.
  absl::Duration readiness_timeout = absl::Seconds(1);
  absl::Duration readiness_cache = absl::Seconds(1);
  // Swagger UI's files (npm swagger-ui-dist: swagger-ui.css,
  // swagger-ui-bundle.js, ...), read once at start-up and served under
  // /docs/. Empty: /docs answers 404 (the API description stays at
  // /openapi.json). A directory without those files fails Create().
  std::string docs_dir;
  // Token buckets (requests a second, burst; a rate <= 0 is no limit): one
  // per principal (subject) on the routes that need credentials; one per
  // client address on public routes (/healthz and /readyz excepted: probes).
  double principal_rate = 0;
  double principal_burst = 0;
  double public_rate = 0;
  double public_burst = 0;
  // Failed authentications per client address (a bad token or API key): once
  // the bucket is empty the address's credentials are not even verified
  // until it refills (429). At most `auth_failure_log_rate` of their access
  // log lines a second are written (a warning counts the rest).
  double failed_auth_rate = 0;
  double failed_auth_burst = 0;
  double auth_failure_log_rate = 10;
  // Origins (scheme://host[:port]) of browser apps allowed to call across
  // origins (CORS). Others get no CORS headers.
  std::vector<std::string> cors_origins;
  // The largest body of an upload (a route whose body is a
  // petition.v1.HttpBody, e.g. a case's materials); other routes keep the
  // HTTP server's max_body_bytes.
  std::size_t max_upload_bytes = 20 << 20;
};

class Gateway : public HttpHandler {
 public:
  // Fails when a service is not in the generated descriptor pool, or an
  // annotation is malformed or clashes with another. `registry` may be null.
  static absl::StatusOr<std::unique_ptr<Gateway>> Create(GatewayOptions options,
                                                         std::unique_ptr<Auth> auth,
                                                         prometheus::Registry* registry);
  ~Gateway() override;

  void Handle(HttpRequest request, HttpResponder respond) override;
  // max_upload_bytes on upload routes; 0 (the server's limit) elsewhere.
  std::size_t MaxBodyBytes(absl::string_view method, absl::string_view path) const override;

  // Cancels the upstream calls in flight and waits for their completions.
  // New upstream requests are answered 503 from then on.
  void Shutdown();

  const RouteTable& routes() const { return *routes_; }
  // The OpenAPI 3.1 document served at /openapi.json.
  const std::string& openapi_json() const { return openapi_json_; }

 private:
  enum class Kind { kUpstream, kHealthz, kReadyz, kOpenApi, kDocs, kDocsAsset };
  // The metric handles of one (method, route) pair, made at start-up; the
  // counter per status code is made on its first use and then reused.
  class RouteMetrics {
   public:
    RouteMetrics(prometheus::Family<prometheus::Counter>* requests,
                 prometheus::Family<prometheus::Histogram>* seconds, std::string method,
                 std::string route);
    void Record(int status, absl::Duration elapsed);

   private:
    prometheus::Family<prometheus::Counter>* requests_;
    std::string method_;
    std::string route_;
    prometheus::Histogram* seconds_;
    absl::Mutex mu_;
    absl::flat_hash_map<int, prometheus::Counter*> by_status_ ABSL_GUARDED_BY(mu_);
  };
  struct Endpoint {
    Kind kind = Kind::kUpstream;
    const google::protobuf::MethodDescriptor* method = nullptr;  // kUpstream
    v1::HttpRule rule;
    std::string grpc_method;  // "/petition.intake.v1.Intake/GetCase"
    std::unique_ptr<Transcoder> transcoder;
    grpc::GenericStub* stub = nullptr;
    std::unique_ptr<RouteMetrics> metrics;  // null without a registry
    // Content negotiation: the media types this route answers with, JSON
    // first, and the endpoint of each (indexes into endpoints_; [0] is this
    // one). Empty when no other method answers on the route.
    std::vector<std::string> media_types;
    std::vector<std::size_t> representations;
  };
  struct Exchange;  // one HTTP request on its way through

  Gateway(GatewayOptions options, std::unique_ptr<Auth> auth);

  absl::Status AddRoutes();
  absl::Status LoadDocs();
  HttpResponse DocsAsset(absl::string_view path) const;
  void AddMetrics(prometheus::Registry& registry);
  // The handles for a request no route matched: by method, with methods
  // outside the standard few counted as OTHER (the label stays bounded).
  RouteMetrics* UnmatchedMetrics(absl::string_view method) const;
  void CallUpstream(std::shared_ptr<Exchange> exchange, const Endpoint& endpoint,
                    const RouteTable::MatchResult& match, const HttpRequest& request);
  void CheckReadiness(std::shared_ptr<Exchange> exchange);
  void ProbeReadiness();
  void FinishReadiness(const std::map<std::string, bool>& serving);
  void Finish(Exchange& exchange, HttpResponse response);
  void FinishError(Exchange& exchange, const absl::Status& status);
  // A 429 with Retry-After when `limiter` has no token for `key`; true when
  // the request was answered so.
  bool RateLimited(Exchange& exchange, RateLimiter& limiter, absl::string_view key);
  // A CORS preflight (OPTIONS with Access-Control-Request-Method) from an
  // allowed origin, answered 204.
  void AnswerPreflight(Exchange& exchange, const HttpRequest& request);

  // Registers a call in flight; false once shut down.
  bool Track(grpc::ClientContext* context);
  void Untrack(grpc::ClientContext* context);

  GatewayOptions options_;
  std::unique_ptr<Auth> auth_;
  std::map<std::string, std::unique_ptr<grpc::GenericStub>> stubs_;
  std::vector<Endpoint> endpoints_;
  std::unique_ptr<RouteTable> routes_;
  std::string openapi_json_;
  // /docs/<name> -> the file (content type, bytes); empty without docs_dir.
  std::map<std::string, HttpResponse, std::less<>> docs_assets_;

  std::map<std::string, std::unique_ptr<RouteMetrics>, std::less<>> unmatched_metrics_;
  std::unique_ptr<RateLimiter> principal_limiter_;
  std::unique_ptr<RateLimiter> public_limiter_;
  std::unique_ptr<RateLimiter> failed_auth_limiter_;
  std::unique_ptr<RateLimiter> auth_failure_log_limiter_;
  std::atomic<int64_t> auth_failure_lines_suppressed_{0};
  absl::flat_hash_set<std::string> cors_origins_;
  prometheus::Family<prometheus::Counter>* rate_limited_ = nullptr;
  prometheus::Counter* rate_limited_principal_ = nullptr;
  prometheus::Counter* rate_limited_address_ = nullptr;
  prometheus::Counter* rate_limited_failed_auth_ = nullptr;

  // /readyz: one probe at a time; requests meanwhile wait for its answer,
  // which is then reused for readiness_cache.
  absl::Mutex readiness_mu_;
  bool probing_ ABSL_GUARDED_BY(readiness_mu_) = false;
  absl::Time checked_at_ ABSL_GUARDED_BY(readiness_mu_) = absl::InfinitePast();
  HttpResponse readiness_ ABSL_GUARDED_BY(readiness_mu_);
  std::vector<std::shared_ptr<Exchange>> readiness_waiters_ ABSL_GUARDED_BY(readiness_mu_);

  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<grpc::ClientContext*> in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_GATEWAY_H_
