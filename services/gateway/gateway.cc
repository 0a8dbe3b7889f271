#include "services/gateway/gateway.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "petition/v1/http.pb.h"
#include "petition/v1/intake.grpc.pb.h"
#include "petition/v1/scheduling.grpc.pb.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "services/gateway/content_negotiation.h"

namespace petition::gateway {
namespace {

constexpr char kHealthCheckMethod[] = "/grpc.health.v1.Health/Check";
constexpr char kHttpBodyMessage[] = "petition.v1.HttpBody";
constexpr char kJsonMediaType[] = "application/json";
constexpr char kUnmatchedRoute[] = "unmatched";

// The generated descriptors are only in the pool when their object files are
// linked: name one symbol of each file so they are.
void LinkDescriptors() {
  (void)petition::intake::v1::Case::descriptor();
  (void)petition::scheduling::v1::Calendar::descriptor();
  (void)petition::supervision::v1::CaseDeadlines::descriptor();
  (void)petition::v1::HttpRule::descriptor();
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string ByteBufferToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

constexpr const char* kStandardMethods[] = {"GET",   "HEAD",   "POST",    "PUT",
                                            "PATCH", "DELETE", "OPTIONS", "OTHER"};

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* const kBuckets = new prometheus::Histogram::BucketBoundaries{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *kBuckets;
}

// RFC 6750 section 3: the challenge of a request refused for its
// credentials. error_description holds only printable ASCII without quotes
// and backslashes.
std::string BearerChallenge(const absl::Status& status, bool had_credentials) {
  std::string challenge = R"(Bearer realm="petition")";
  if (status.code() == absl::StatusCode::kPermissionDenied) {
    return absl::StrCat(challenge, R"(, error="insufficient_scope")");
  }
  if (!had_credentials) return challenge;
  std::string description;
  for (char c : status.message()) {
    if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') description += c;
  }
  return absl::StrCat(challenge, R"(, error="invalid_token", error_description=")", description,
                      "\"");
}

// Retry-After in whole seconds, at least 1.
std::string RetryAfterSeconds(absl::Duration wait) {
  return absl::StrCat(
      std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1)))));
}

// An error of HTTP itself, that no canonical code names (405, 415): the
// usual error body with a code named after the status.
HttpResponse HttpError(int status, absl::string_view code, absl::string_view message) {
  HttpResponse response;
  response.status = status;
  response.body = absl::StrCat(R"({"error":{"code":")", code, R"(","message":")",
                               log::JsonEscape(std::string(message)), R"(","details":[]}})");
  return response;
}

// A route whose body is JSON takes it only sent as JSON (415 otherwise): a
// body sent as a form, text or another type is a client's mistake, and read
// as JSON all the same it would be taken for something it was not meant to
// be. A body of only whitespace is no body (as the transcoder reads it), so
// POST :conclude with nothing needs no Content-Type. A body without any
// Content-Type is refused too: `curl -d` sends
// application/x-www-form-urlencoded, and a client that sends no type at all
// has not said the body is JSON either. Two Content-Type headers are refused
// rather than one of them believed.
absl::Status CheckJsonBody(const HttpRequest& request) {
  if (absl::StripAsciiWhitespace(request.body).empty()) return absl::OkStatus();
  int types = 0;
  for (const auto& [name, value] : request.headers) types += name == "content-type" ? 1 : 0;
  if (types > 1) {
    return absl::InvalidArgumentError(
        "more than one Content-Type: send one, Content-Type: application/json");
  }
  return CheckJsonContentType(request.Header("content-type"));
}

constexpr char kCorsAllowHeaders[] = "Authorization, Content-Type, X-Api-Key, X-Request-Id";
constexpr char kCorsExposeHeaders[] = "X-Request-Id, Retry-After, WWW-Authenticate";

}  // namespace

struct Gateway::Exchange {
  std::string method;
  // The gateway's own id of the request, logged beside a client-chosen one.
  std::string gateway_request_id;
  // A failed authentication (or its refusal): its access log line is sampled.
  bool auth_failure = false;
  // The route template, owned by the route table (the gateway outlives it).
  absl::string_view route = kUnmatchedRoute;
  std::string request_id;
  // The authenticated subject ("" before or without authentication).
  std::string principal;
  // The request's Origin when it is an allowed one: the response gets CORS
  // headers.
  std::string cors_origin;
  absl::Time start;
  HttpResponder respond;
  RouteMetrics* metrics = nullptr;
  // The route answers by the Accept header: the response says so (Vary).
  bool negotiated = false;
};

Gateway::RouteMetrics::RouteMetrics(prometheus::Family<prometheus::Counter>* requests,
                                    prometheus::Family<prometheus::Histogram>* seconds,
                                    std::string method, std::string route)
    : requests_(requests),
      method_(std::move(method)),
      route_(std::move(route)),
      seconds_(&seconds->Add({{"method", method_}, {"route", route_}}, LatencyBuckets())) {}

void Gateway::RouteMetrics::Record(int status, absl::Duration elapsed) {
  seconds_->Observe(absl::ToDoubleSeconds(elapsed));
  prometheus::Counter* counter = nullptr;
  {
    absl::ReaderMutexLock lock(&mu_);
    if (auto it = by_status_.find(status); it != by_status_.end()) counter = it->second;
  }
  if (counter == nullptr) {
    absl::MutexLock lock(&mu_);
    prometheus::Counter*& slot = by_status_[status];
    if (slot == nullptr) {
      slot =
          &requests_->Add({{"method", method_}, {"route", route_}, {"code", absl::StrCat(status)}});
    }
    counter = slot;
  }
  counter->Increment();
}

Gateway::Gateway(GatewayOptions options, std::unique_ptr<Auth> auth)
    : options_(std::move(options)),
      auth_(std::move(auth)),
      principal_limiter_(
          std::make_unique<RateLimiter>(options_.principal_rate, options_.principal_burst)),
      public_limiter_(std::make_unique<RateLimiter>(options_.public_rate, options_.public_burst)),
      failed_auth_limiter_(
          std::make_unique<RateLimiter>(options_.failed_auth_rate, options_.failed_auth_burst)),
      auth_failure_log_limiter_(std::make_unique<RateLimiter>(
          options_.auth_failure_log_rate, std::max(1.0, options_.auth_failure_log_rate * 2))),
      cors_origins_(options_.cors_origins.begin(), options_.cors_origins.end()) {}

Gateway::~Gateway() { Shutdown(); }

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Create(GatewayOptions options,
                                                         std::unique_ptr<Auth> auth,
                                                         prometheus::Registry* registry) {
  std::unique_ptr<Gateway> gateway(new Gateway(std::move(options), std::move(auth)));
  if (absl::Status status = gateway->AddRoutes(); !status.ok()) return status;
  if (registry != nullptr) gateway->AddMetrics(*registry);
  return gateway;
}

void Gateway::AddMetrics(prometheus::Registry& registry) {
  auto* requests = &prometheus::BuildCounter()
                        .Name("http_requests_total")
                        .Help("HTTP requests by method, route template and status")
                        .Register(registry);
  auto* seconds = &prometheus::BuildHistogram()
                       .Name("http_request_duration_seconds")
                       .Help("HTTP request latency by method and route template")
                       .Register(registry);
  for (const auto& route : routes_->routes()) {
    Endpoint& endpoint = endpoints_[route->payload];
    endpoint.metrics = std::make_unique<RouteMetrics>(
        requests, seconds, absl::AsciiStrToUpper(endpoint.rule.method()), route->path_template);
  }
  rate_limited_ = &prometheus::BuildCounter()
                       .Name("http_requests_rate_limited_total")
                       .Help(
                           "HTTP requests answered 429 by a rate limit (principal, address, or "
                           "an address's failed authentications)")
                       .Register(registry);
  rate_limited_principal_ = &rate_limited_->Add({{"limit", "principal"}});
  rate_limited_address_ = &rate_limited_->Add({{"limit", "address"}});
  rate_limited_failed_auth_ = &rate_limited_->Add({{"limit", "failed_auth"}});
  for (const char* method : kStandardMethods) {
    unmatched_metrics_.emplace(
        method, std::make_unique<RouteMetrics>(requests, seconds, method, kUnmatchedRoute));
  }
}

Gateway::RouteMetrics* Gateway::UnmatchedMetrics(absl::string_view method) const {
  if (unmatched_metrics_.empty()) return nullptr;
  auto it = unmatched_metrics_.find(method);
  if (it == unmatched_metrics_.end()) it = unmatched_metrics_.find("OTHER");
  return it->second.get();
}

absl::Status Gateway::AddRoutes() {
  LinkDescriptors();
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  RouteTable::Builder builder;
  // "GET /v1/..." -> the endpoint answering JSON there; and the methods that
  // answer a media type of their own (HttpBody with response_media_type),
  // routed after the others: on the path of a JSON method they are its other
  // representation, elsewhere a route of their own.
  absl::flat_hash_map<std::string, std::size_t> json_endpoints;
  std::vector<std::size_t> other_media;
  for (const auto& [name, channel] : options_.channels) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) {
      return absl::NotFoundError(absl::StrCat("service ", name, " is not linked in"));
    }
    auto stub = std::make_unique<grpc::GenericStub>(channel);
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      if (!method->options().HasExtension(v1::http)) continue;
      Endpoint endpoint;
      endpoint.method = method;
      endpoint.rule = method->options().GetExtension(v1::http);
      endpoint.grpc_method = absl::StrCat("/", service->full_name(), "/", method->name());
      endpoint.stub = stub.get();
      if (method->client_streaming() || method->server_streaming()) {
        return absl::InvalidArgumentError(
            absl::StrCat(method->full_name(), ": streaming methods cannot be mapped to REST"));
      }
      std::string verb = absl::AsciiStrToUpper(endpoint.rule.method());
      if (method->output_type()->full_name() == kHttpBodyMessage &&
          !endpoint.rule.response_media_type().empty()) {
        other_media.push_back(endpoints_.size());
        endpoints_.push_back(std::move(endpoint));
        continue;
      }
      if (absl::Status status = builder.Add(verb, endpoint.rule.path(), endpoints_.size());
          !status.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(method->full_name(), " (petition.v1.http): ", status.message()));
      }
      json_endpoints[absl::StrCat(verb, " ", endpoint.rule.path())] = endpoints_.size();
      endpoints_.push_back(std::move(endpoint));
    }
    stubs_.emplace(name, std::move(stub));
  }
  for (std::size_t index : other_media) {
    const Endpoint& other = endpoints_[index];
    const std::string verb = absl::AsciiStrToUpper(other.rule.method());
    const std::string media_type = absl::AsciiStrToLower(other.rule.response_media_type());
    auto json = json_endpoints.find(absl::StrCat(verb, " ", other.rule.path()));
    if (json == json_endpoints.end()) {
      if (absl::Status status = builder.Add(verb, other.rule.path(), index); !status.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(other.method->full_name(), " (petition.v1.http): ", status.message()));
      }
      continue;
    }
    Endpoint& base = endpoints_[json->second];
    if (base.media_types.empty()) {
      base.media_types.push_back(kJsonMediaType);
      base.representations.push_back(json->second);
    }
    if (media_type.find('/') == std::string::npos ||
        std::find(base.media_types.begin(), base.media_types.end(), media_type) !=
            base.media_types.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          other.method->full_name(), " (petition.v1.http): response_media_type \"", media_type,
          "\" is not a media type or is offered twice on ", verb, " ", other.rule.path()));
    }
    base.media_types.push_back(media_type);
    base.representations.push_back(index);
  }
  for (auto [kind, path] : {std::pair{Kind::kHealthz, "/healthz"},
                            {Kind::kReadyz, "/readyz"},
                            {Kind::kOpenApi, "/openapi.json"},
                            {Kind::kDocs, "/docs"},
                            {Kind::kDocsAsset, "/docs/*"}}) {
    Endpoint endpoint;
    endpoint.kind = kind;
    endpoint.rule.set_method("GET");
    endpoint.rule.set_path(path);
    endpoint.rule.set_public_(true);
    if (absl::Status status = builder.Add("GET", path, endpoints_.size()); !status.ok()) {
      return status;
    }
    endpoints_.push_back(std::move(endpoint));
  }
  absl::StatusOr<std::unique_ptr<RouteTable>> routes = std::move(builder).Build();
  if (!routes.ok()) return routes.status();
  routes_ = *std::move(routes);

  std::vector<OpenApi::Operation> operations;
  for (const auto& route : routes_->routes()) {
    Endpoint& endpoint = endpoints_[route->payload];
    if (endpoint.kind != Kind::kUpstream) continue;
    absl::StatusOr<Transcoder> transcoder =
        Transcoder::Create(endpoint.method->input_type(), endpoint.rule.body(), route->variables);
    if (!transcoder.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          endpoint.method->full_name(), " (petition.v1.http): ", transcoder.status().message()));
    }
    endpoint.transcoder = std::make_unique<Transcoder>(*std::move(transcoder));
    OpenApi::Operation operation;
    operation.method = endpoint.method;
    operation.rule = endpoint.rule;
    for (std::size_t i = 1; i < endpoint.representations.size(); ++i) {
      Endpoint& other = endpoints_[endpoint.representations[i]];
      absl::StatusOr<Transcoder> other_transcoder =
          Transcoder::Create(other.method->input_type(), other.rule.body(), route->variables);
      if (!other_transcoder.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(other.method->full_name(),
                         " (petition.v1.http): ", other_transcoder.status().message()));
      }
      other.transcoder = std::make_unique<Transcoder>(*std::move(other_transcoder));
      operation.other_media_types.push_back(endpoint.media_types[i]);
    }
    operations.push_back(std::move(operation));
  }
  openapi_json_ = OpenApi(std::move(operations)).Json();
  return LoadDocs();
}

namespace {

// The page and its start-up script: Swagger UI on /openapi.json (relative
// URLs, so that a path prefix in front of the gateway keeps working), no
// request to any other host (no validator badge), the bearer token kept
// only in the page.
constexpr char kDocsHtml[] = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Township petition services: REST API</title>
<link rel="icon" type="image/png" href="docs/favicon-32x32.png">
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/petition-docs.js"></script>
</body>
</html>
)";

constexpr char kDocsScript[] = R"(window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: new URL('openapi.json', document.baseURI).href,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    displayRequestDuration: true,
    docExpansion: 'none',
    filter: true,
  });
};
)";

}  // namespace

absl::Status Gateway::LoadDocs() {
  if (options_.docs_dir.empty()) return absl::OkStatus();
  for (auto [name, type] : {std::pair{"swagger-ui.css", "text/css; charset=utf-8"},
                            {"swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
                            {"favicon-32x32.png", "image/png"},
                            {"favicon-16x16.png", "image/png"}}) {
    const std::string file = absl::StrCat(options_.docs_dir, "/", name);
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return absl::NotFoundError(
          absl::StrCat("--docs_dir: cannot read ", file, " (the swagger-ui-dist package's files)"));
    }
    if (bytes.empty()) {
      return absl::NotFoundError(absl::StrCat("--docs_dir: ", file,
                                              " is missing or empty (the swagger-ui-dist "
                                              "package's files)"));
    }
    HttpResponse& asset = docs_assets_[name];
    asset.content_type = type;
    asset.body = std::move(bytes);
  }
  HttpResponse& script = docs_assets_["petition-docs.js"];
  script.content_type = "text/javascript; charset=utf-8";
  script.body = kDocsScript;
  return absl::OkStatus();
}

HttpResponse Gateway::DocsAsset(absl::string_view path) const {
  absl::string_view name = path;
  absl::ConsumePrefix(&name, "/docs/");
  auto it = docs_assets_.find(name);
  if (it == docs_assets_.end()) {
    HttpResponse response;
    response.status = 404;
    response.body = petition::ErrorJson(absl::NotFoundError(
        docs_assets_.empty() ? "the API docs are not installed here (--docs_dir); the API "
                               "description is at /openapi.json"
                             : "no such file of the API docs"));
    return response;
  }
  HttpResponse response = it->second;
  response.headers.emplace_back("Cache-Control", "public, max-age=3600");
  return response;
}

void Gateway::Handle(HttpRequest request, HttpResponder respond) {
  auto exchange = std::make_shared<Exchange>();
  exchange->method = request.method;
  exchange->start = absl::Now();
  absl::string_view request_id = request.Header(kRequestIdHeader);
  exchange->gateway_request_id = petition::NewRequestId();
  exchange->request_id =
      petition::IsValidPrincipalId(std::string_view(request_id.data(), request_id.size()))
          ? std::string(request_id)
          : exchange->gateway_request_id;
  exchange->respond = std::move(respond);
  exchange->metrics = UnmatchedMetrics(request.method);
  if (absl::string_view origin = request.Header("origin");
      !origin.empty() && cors_origins_.contains(origin)) {
    exchange->cors_origin = std::string(origin);
    if (request.method == "OPTIONS" && !request.Header("access-control-request-method").empty()) {
      return AnswerPreflight(*exchange, request);
    }
  }

  RouteTable::MatchResult match = routes_->Match(request.method, request.path);
  switch (match.outcome) {
    case RouteTable::Outcome::kNotFound:
      return FinishError(*exchange, absl::NotFoundError("no route for this method and path"));
    case RouteTable::Outcome::kMethodNotAllowed: {
      std::string allowed = absl::StrJoin(match.allowed, ", ");
      HttpResponse response =
          HttpError(405, "METHOD_NOT_ALLOWED", absl::StrCat("this path allows ", allowed, " only"));
      response.headers.emplace_back("Allow", std::move(allowed));
      return Finish(*exchange, std::move(response));
    }
    case RouteTable::Outcome::kMatched:
      break;
  }
  exchange->route = match.route->path_template;
  const Endpoint* endpoint = &endpoints_[match.route->payload];
  exchange->metrics = endpoint->metrics.get();
  if (!endpoint->media_types.empty()) {
    exchange->negotiated = true;
    endpoint = &endpoints_[endpoint->representations[PreferredMediaType(request.Header("accept"),
                                                                        endpoint->media_types)]];
  }
  HttpResponse response;
  if ((endpoint->kind == Kind::kOpenApi || endpoint->kind == Kind::kDocs) &&
      RateLimited(*exchange, *public_limiter_, request.remote_address)) {
    return;
  }
  switch (endpoint->kind) {
    case Kind::kUpstream:
      return CallUpstream(std::move(exchange), *endpoint, match, request);
    case Kind::kReadyz:
      return CheckReadiness(std::move(exchange));
    case Kind::kHealthz:
      response.body = R"({"status":"ok"})";
      break;
    case Kind::kOpenApi:
      response.body = openapi_json_;
      break;
    case Kind::kDocs:
      if (docs_assets_.empty()) {
        response = DocsAsset("");
      } else {
        response.content_type = "text/html; charset=utf-8";
        response.body = kDocsHtml;
      }
      break;
    case Kind::kDocsAsset:
      response = DocsAsset(request.path);
      break;
  }
  Finish(*exchange, std::move(response));
}

std::size_t Gateway::MaxBodyBytes(absl::string_view method, absl::string_view path) const {
  RouteTable::MatchResult match = routes_->Match(method, path);
  if (match.outcome != RouteTable::Outcome::kMatched) return 0;
  const Endpoint& endpoint = endpoints_[match.route->payload];
  return endpoint.transcoder != nullptr && endpoint.transcoder->raw_body()
             ? options_.max_upload_bytes
             : 0;
}

void Gateway::CallUpstream(std::shared_ptr<Exchange> exchange, const Endpoint& endpoint,
                           const RouteTable::MatchResult& match, const HttpRequest& request) {
  const absl::string_view authorization = request.Header("authorization");
  const absl::string_view api_key = request.Header("x-api-key");
  const bool credentials = !authorization.empty() || !api_key.empty();
  // An address that keeps failing is refused before its next credentials are
  // even parsed: verification is the cost an attacker needs no key to impose.
  if (credentials) {
    if (std::optional<absl::Duration> wait =
            failed_auth_limiter_->Peek(request.remote_address, absl::Now())) {
      rate_limited_failed_auth_->Increment();
      exchange->auth_failure = true;
      HttpResponse response;
      response.status = 429;
      response.headers.emplace_back("Retry-After", RetryAfterSeconds(*wait));
      response.body = petition::ErrorJson(
          petition::ForClient(absl::ResourceExhaustedError(
                                  "too many failed authentications from this address; retry later"),
                              exchange->request_id));
      return Finish(*exchange, std::move(response));
    }
  }
  absl::StatusOr<Principal> principal =
      auth_->Authorize(endpoint.rule, authorization, api_key, absl::Now());
  if (!principal.ok() && principal.status().code() == absl::StatusCode::kUnauthenticated) {
    exchange->auth_failure = true;
    if (credentials) failed_auth_limiter_->Take(request.remote_address, absl::Now());
  }
  if (!principal.ok()) {
    HttpResponse response;
    response.status = petition::HttpStatusForCode(principal.status().code());
    response.headers.emplace_back(
        "WWW-Authenticate",
        BearerChallenge(principal.status(), !authorization.empty() || !api_key.empty()));
    response.body =
        petition::ErrorJson(petition::ForClient(principal.status(), exchange->request_id));
    return Finish(*exchange, std::move(response));
  }
  exchange->principal = principal->subject;
  // Anonymous callers of public routes share their address's bucket; every
  // authenticated caller has one of its own.
  if (endpoint.rule.public_() ? RateLimited(*exchange, *public_limiter_, request.remote_address)
                              : RateLimited(*exchange, *principal_limiter_, principal->subject)) {
    return;
  }

  // After authentication (a caller without credentials learns that first),
  // before anything is parsed or called. An upload (raw body) keeps its own
  // media types, checked by the service against the bytes.
  if (!endpoint.transcoder->body().empty() && !endpoint.transcoder->raw_body()) {
    if (absl::Status status = CheckJsonBody(request); !status.ok()) {
      HttpResponse response = HttpError(415, "UNSUPPORTED_MEDIA_TYPE", status.message());
      if (request.method == "POST") response.headers.emplace_back("Accept-Post", kJsonMediaType);
      return Finish(*exchange, std::move(response));
    }
  }

  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> message(
      factory->GetPrototype(endpoint.method->input_type())->New());
  absl::Status status = endpoint.transcoder->ToRequest(
      request.body, request.query, match.bindings, message.get(),
      Transcoder::RawRequest{request.Header("content-type"), request.Header("x-file-name")});
  if (!status.ok()) return FinishError(*exchange, status);

  struct Call {
    grpc::ClientContext context;
    grpc::ByteBuffer request;
    grpc::ByteBuffer response;
  };
  auto call = std::make_shared<Call>();
  call->request = ToByteBuffer(message->SerializeAsString());
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + options_.upstream_timeout));
  petition::PropagateToClient(call->context, exchange->request_id, &*principal);
  if (!Track(&call->context)) {
    return FinishError(*exchange, absl::UnavailableError("the gateway is shutting down"));
  }
  const google::protobuf::Descriptor* output = endpoint.method->output_type();
  endpoint.stub->UnaryCall(
      &call->context, endpoint.grpc_method, grpc::StubOptions(), &call->request, &call->response,
      [this, call, exchange = std::move(exchange), output](grpc::Status grpc_status) {
        if (grpc_status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
          // The client was authenticated here; a service refusing the gateway's own proof
          // of the call is the deployment's fault (the processes' secrets differ), not the
          // client's credentials: not a 401 that would make it drop a good token.
          log::Error(
              "a service refused the gateway's proof of a call; do all four processes "
              "have the same internal secret?",
              {{"error", grpc_status.error_message()}});
          FinishError(*exchange, absl::InternalError("the service refused the gateway's call"));
        } else if (!grpc_status.ok()) {
          absl::Status status = petition::FromGrpcStatus(grpc_status);
          if (petition::HttpStatusFor(status) == 429) {
            // The service is at its bound of calls in flight (or of renders): overload,
            // not the client's rate. 503 with a short Retry-After; 429 is only ever the
            // gateway's own per-caller limit.
            HttpResponse response;
            response.status = 503;
            response.headers.emplace_back("Retry-After", "1");
            response.body = petition::ErrorJson(
                petition::ForClient(absl::UnavailableError("the service is busy; retry shortly"),
                                    exchange->request_id));
            Finish(*exchange, std::move(response));
          } else {
            FinishError(*exchange, status);
          }
        } else {
          std::unique_ptr<google::protobuf::Message> reply(
              google::protobuf::MessageFactory::generated_factory()->GetPrototype(output)->New());
          grpc::ProtoBufferReader reader(&call->response);
          const bool parsed = reply->ParseFromZeroCopyStream(&reader);
          std::optional<Transcoder::RawBody> raw =
              parsed ? Transcoder::ToRawBody(*reply) : std::nullopt;
          absl::StatusOr<std::string> json =
              raw.has_value() ? std::string()
              : parsed        ? Transcoder::ToJson(*reply)
                       : absl::InternalError(absl::StrCat("cannot parse the ", output->full_name(),
                                                          " from upstream"));
          if (json.ok()) {
            HttpResponse response;
            if (raw.has_value()) {
              response.content_type = std::move(raw->content_type);
              response.body = std::move(raw->data);
            } else {
              response.body = *std::move(json);
            }
            Finish(*exchange, std::move(response));
          } else {
            FinishError(*exchange, json.status());
          }
        }
        // Last: Shutdown() may return (and the gateway go) once this is done.
        Untrack(&call->context);
      });
}

void Gateway::CheckReadiness(std::shared_ptr<Exchange> exchange) {
  std::optional<HttpResponse> cached;
  bool start_probe = false;
  {
    absl::MutexLock lock(&readiness_mu_);
    if (!probing_ && absl::Now() - checked_at_ < options_.readiness_cache) {
      cached = readiness_;
    } else {
      readiness_waiters_.push_back(std::move(exchange));
      if (!probing_) probing_ = start_probe = true;
    }
  }
  if (cached.has_value()) return Finish(*exchange, *std::move(cached));
  if (start_probe) ProbeReadiness();
}

void Gateway::ProbeReadiness() {
  struct Check {
    grpc::ClientContext context;
    grpc::ByteBuffer request;
    grpc::ByteBuffer response;
  };
  struct Tally {
    absl::Mutex mu;
    std::size_t remaining ABSL_GUARDED_BY(mu) = 0;
    std::map<std::string, bool> serving ABSL_GUARDED_BY(mu);
  };
  auto tally = std::make_shared<Tally>();
  {
    absl::MutexLock lock(&tally->mu);
    tally->remaining = stubs_.size();
  }
  auto record = [this, tally](const std::string& service, bool serving) {
    std::map<std::string, bool> all;
    {
      absl::MutexLock lock(&tally->mu);
      tally->serving[service] = serving;
      if (--tally->remaining != 0) return;
      all = tally->serving;
    }
    FinishReadiness(all);
  };
  if (stubs_.empty()) return FinishReadiness({});
  const std::string probe_id = petition::NewRequestId();
  for (const auto& [name, stub] : stubs_) {
    auto check = std::make_shared<Check>();
    // HealthCheckRequest{service: ""} is the empty message.
    check->request = ToByteBuffer("");
    check->context.set_deadline(absl::ToChronoTime(
        absl::Now() + std::min(options_.readiness_timeout, options_.upstream_timeout)));
    petition::PropagateToClient(check->context, probe_id);
    if (!Track(&check->context)) {
      record(name, false);
      continue;
    }
    stub->UnaryCall(
        &check->context, kHealthCheckMethod, grpc::StubOptions(), &check->request, &check->response,
        [this, check, record, name = name](grpc::Status status) {
          bool serving = status.ok() && ByteBufferToString(check->response) == "\x08\x01";
          if (!serving) {
            log::Warn(
                "upstream not ready",
                {{"service", name},
                 {"code", status.ok() ? std::string("NOT_SERVING")
                                      : std::string(CanonicalCodeName(
                                            static_cast<absl::StatusCode>(status.error_code())))}});
          }
          record(name, serving);
          Untrack(&check->context);
        });
  }
}

void Gateway::FinishReadiness(const std::map<std::string, bool>& serving) {
  // Short names ("intake") in a fixed order.
  std::map<std::string, std::string> dependencies;
  bool ready = true;
  for (const auto& [service, up] : serving) {
    const bool optional = options_.optional_services.count(service) > 0;
    std::string name = service.substr(service.rfind('.') + 1);
    dependencies[absl::AsciiStrToLower(name)] = up ? "up" : optional ? "degraded" : "down";
    if (!up && !optional) ready = false;
  }
  HttpResponse response;
  response.status = ready ? 200 : 503;
  response.body =
      absl::StrCat(R"({"status":")", ready ? "ready" : "not_ready", R"(","dependencies":{)");
  bool first = true;
  for (const auto& [name, state] : dependencies) {
    absl::StrAppend(&response.body, first ? "" : ",", "\"", name, "\":\"", state, "\"");
    first = false;
  }
  response.body += "}}";

  std::vector<std::shared_ptr<Exchange>> waiters;
  {
    absl::MutexLock lock(&readiness_mu_);
    readiness_ = response;
    checked_at_ = absl::Now();
    probing_ = false;
    waiters.swap(readiness_waiters_);
  }
  for (const std::shared_ptr<Exchange>& waiter : waiters) Finish(*waiter, response);
}

void Gateway::FinishError(Exchange& exchange, const absl::Status& status) {
  HttpResponse response;
  response.status = petition::HttpStatusFor(status);
  response.body = petition::ErrorJson(petition::ForClient(status, exchange.request_id));
  Finish(exchange, std::move(response));
}

bool Gateway::RateLimited(Exchange& exchange, RateLimiter& limiter, absl::string_view key) {
  std::optional<absl::Duration> wait = limiter.Take(key, absl::Now());
  if (!wait.has_value()) return false;
  if (prometheus::Counter* counter =
          &limiter == public_limiter_.get() ? rate_limited_address_ : rate_limited_principal_) {
    counter->Increment();
  }
  HttpResponse response;
  response.status = 429;
  response.headers.emplace_back("Retry-After", RetryAfterSeconds(*wait));
  response.body = petition::ErrorJson(absl::ResourceExhaustedError(
      &limiter == public_limiter_.get() ? "too many requests from this address; retry later"
                                        : "too many requests; retry later"));
  Finish(exchange, std::move(response));
  return true;
}

void Gateway::AnswerPreflight(Exchange& exchange, const HttpRequest& request) {
  RouteTable::MatchResult match = routes_->Match("OPTIONS", request.path);
  if (match.outcome == RouteTable::Outcome::kNotFound) {
    return FinishError(exchange, absl::NotFoundError("no route for this path"));
  }
  // The allowed methods are those of the path's routes (an OPTIONS request
  // matches none of them: kMethodNotAllowed lists them).
  exchange.route = "preflight";
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  response.headers.emplace_back("Access-Control-Allow-Methods", absl::StrJoin(match.allowed, ", "));
  response.headers.emplace_back("Access-Control-Allow-Headers", kCorsAllowHeaders);
  response.headers.emplace_back("Access-Control-Max-Age", "600");
  Finish(exchange, std::move(response));
}

void Gateway::Finish(Exchange& exchange, HttpResponse response) {
  response.headers.emplace_back("X-Request-Id", exchange.request_id);
  // No response is to be sniffed as another type, and none that is not
  // marked cacheable (the API description) is kept by a cache: API answers
  // carry petitioners' identities.
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  const bool cacheable = std::any_of(response.headers.begin(), response.headers.end(),
                                     [](const auto& h) { return h.first == "Cache-Control"; });
  if (!cacheable) response.headers.emplace_back("Cache-Control", "no-store");
  // The answer depends on the Accept header where a path has two representations, and on
  // the Origin where CORS applies: caches must key on them.
  const bool cors = !exchange.cors_origin.empty();
  if (exchange.negotiated || cors) {
    response.headers.emplace_back(
        "Vary", exchange.negotiated && cors ? "Accept, Origin" : (cors ? "Origin" : "Accept"));
  }
  if (cors) {
    response.headers.emplace_back("Access-Control-Allow-Origin", exchange.cors_origin);
    response.headers.emplace_back("Access-Control-Expose-Headers", kCorsExposeHeaders);
  }
  const absl::Duration elapsed = absl::Now() - exchange.start;
  const std::string code = absl::StrCat(response.status);
  if (exchange.metrics != nullptr) exchange.metrics->Record(response.status, elapsed);
  // Failed authentications come in floods: a few lines a second of them are
  // written, and a line before one says how many were left out since.
  bool write_line = true;
  std::string suppressed;
  if (exchange.auth_failure) {
    if (auth_failure_log_limiter_->Take("auth", absl::Now()).has_value()) {
      auth_failure_lines_suppressed_.fetch_add(1, std::memory_order_relaxed);
      write_line = false;
    } else {
      suppressed =
          absl::StrCat(auth_failure_lines_suppressed_.exchange(0, std::memory_order_relaxed));
    }
  }
  if (write_line) {
    std::string previous = log::CurrentRequestId();
    log::SetCurrentRequestId(exchange.request_id);
    // The access log: the route template, never the raw path (ids, query
    // codes); the gateway's own id beside the one the client chose.
    if (!suppressed.empty() && suppressed != "0") {
      log::Warn("failed authentications not logged since the last one", {{"count", suppressed}});
    }
    log::Info("http request", {{"method", exchange.method},
                               {"route", std::string(exchange.route)},
                               {"principal", exchange.principal},
                               {"status", code},
                               {"ms", absl::StrCat(absl::ToDoubleMilliseconds(elapsed))},
                               {"gatewayRequestId", exchange.gateway_request_id}});
    log::SetCurrentRequestId(std::move(previous));
  }
  std::move(exchange.respond)(std::move(response));
}

bool Gateway::Track(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return false;
  in_flight_.insert(context);
  return true;
}

void Gateway::Untrack(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  in_flight_.erase(context);
}

void Gateway::Shutdown() {
  absl::MutexLock lock(&mu_);
  shut_down_ = true;
  for (grpc::ClientContext* context : in_flight_) context->TryCancel();
  mu_.Await(absl::Condition(
      +[](absl::flat_hash_set<grpc::ClientContext*>* in_flight) { return in_flight->empty(); },
      &in_flight_));
}

}  // namespace petition::gateway
