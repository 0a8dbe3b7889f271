// One path, two representations: GetDocument (JSON) and GetDocumentPdf
// (`produces: "application/pdf"`) behind GET /v1/cases/{caseId}/documents/
// {documentId}, against an in-process fake intake. Which method the Accept
// header reaches, what comes back, and how the route table and the API
// description show it.
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/testing/loopback_server.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "petition/v1/intake.grpc.pb.h"
#include "services/gateway/gateway.h"
#include "services/gateway/jwt.h"

namespace petition::gateway {
namespace {

using ::testing::HasSubstr;

class FakeIntake final : public intake::v1::Intake::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetDocument(grpc::CallbackServerContext* context,
                                        const intake::v1::GetDocumentRequest* request,
                                        intake::v1::Document* response) override {
    response->set_document_id(request->document_id());
    response->set_case_id(request->case_id());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* GetDocumentPdf(grpc::CallbackServerContext* context,
                                           const intake::v1::GetDocumentRequest* request,
                                           petition::v1::HttpBody* response) override {
    response->set_content_type("application/pdf");
    response->set_data(absl::StrCat("%PDF-1.5 ", request->case_id(), "/", request->document_id()));
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

class RepresentationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::LoopbackServer::Start(&intake_);
    ASSERT_NE(server_, nullptr);
    GatewayOptions options;
    options.channels["petition.intake.v1.Intake"] = server_->NewChannel();
    absl::StatusOr<std::unique_ptr<Auth>> auth = Auth::Create("secret", "");
    ASSERT_TRUE(auth.ok()) << auth.status();
    absl::StatusOr<std::unique_ptr<Gateway>> gateway =
        Gateway::Create(std::move(options), *std::move(auth), nullptr);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
  }

  void TearDown() override {
    if (gateway_ != nullptr) gateway_->Shutdown();
    if (server_ != nullptr) server_->Shutdown();
  }

  HttpResponse Get(const std::string& path, const std::string& accept) {
    Jwt::Claims claims;
    claims.subject = "official_9";
    claims.roles = {"clerk"};
    claims.expires_at = absl::Now() + absl::Hours(1);
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.headers.emplace_back("authorization", "Bearer " + Jwt("secret").Mint(claims));
    if (!accept.empty()) request.headers.emplace_back("accept", accept);
    HttpResponse response;
    absl::Notification done;
    gateway_->Handle(std::move(request), [&](HttpResponse r) {
      response = std::move(r);
      done.Notify();
    });
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
    return response;
  }

  static std::map<std::string, std::string> Headers(const HttpResponse& response) {
    return {response.headers.begin(), response.headers.end()};
  }

  FakeIntake intake_;
  std::unique_ptr<testing::LoopbackServer> server_;
  std::unique_ptr<Gateway> gateway_;
};

constexpr char kDocument[] = "/v1/cases/case_1/documents/doc_1";

TEST_F(RepresentationTest, AcceptPdfReachesThePdfMethodAndItsBodyIsWrittenAsIs) {
  HttpResponse pdf = Get(kDocument, "application/pdf");
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.body, "%PDF-1.5 case_1/doc_1");  // the path's variables bound as for JSON
  EXPECT_EQ(Headers(pdf)["Vary"], "Accept");
}

TEST_F(RepresentationTest, WithoutItOrPreferringJsonTheJsonMethodAnswers) {
  for (const char* accept : {"", "*/*", "application/json", "application/pdf;q=0.1, */*"}) {
    HttpResponse json = Get(kDocument, accept);
    EXPECT_EQ(json.status, 200) << accept;
    EXPECT_EQ(json.content_type, "application/json") << accept;
    EXPECT_THAT(json.body, HasSubstr(R"("documentId":"doc_1")")) << accept;
    EXPECT_EQ(Headers(json)["Vary"], "Accept") << accept;
  }
}

TEST_F(RepresentationTest, OneRouteForThePathAndBothTypesInTheApiDescription) {
  int routes = 0;
  for (const auto& route : gateway_->routes().routes()) {
    if (route->path_template == "/v1/cases/{case_id}/documents/{document_id}") ++routes;
  }
  EXPECT_EQ(routes, 1);
  google::protobuf::Struct openapi;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(Get("/openapi.json", "").body, &openapi).ok());
  const auto& content = openapi.fields()
                            .at("paths")
                            .struct_value()
                            .fields()
                            .at("/v1/cases/{caseId}/documents/{documentId}")
                            .struct_value()
                            .fields()
                            .at("get")
                            .struct_value()
                            .fields()
                            .at("responses")
                            .struct_value()
                            .fields()
                            .at("200")
                            .struct_value()
                            .fields()
                            .at("content")
                            .struct_value()
                            .fields();
  EXPECT_EQ(content.count("application/json"), 1u);
  ASSERT_EQ(content.count("application/pdf"), 1u);
  EXPECT_EQ(content.at("application/pdf")
                .struct_value()
                .fields()
                .at("schema")
                .struct_value()
                .fields()
                .at("format")
                .string_value(),
            "binary");
  // A path with one representation says nothing about Accept.
  HttpResponse other = Get("/v1/cases/case_1/documents", "application/pdf");
  EXPECT_EQ(Headers(other).count("Vary"), 0u);
}

}  // namespace
}  // namespace petition::gateway
