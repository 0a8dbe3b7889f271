#include "services/gateway/openapi.h"

#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "petition/v1/http.pb.h"
#include "petition/v1/http_body.pb.h"
#include "petition/v1/intake.grpc.pb.h"
#include "petition/v1/scheduling.grpc.pb.h"
#include "petition/v1/scheduling.pb.h"

namespace petition::gateway {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

Struct Parse(const std::string& json) {
  Struct document;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &document).ok()) << json;
  return document;
}

const Value& At(const Struct& object, const std::string& key) {
  static const Value* const kMissing = new Value();
  auto it = object.fields().find(key);
  EXPECT_NE(it, object.fields().end()) << key;
  return it == object.fields().end() ? *kMissing : it->second;
}

const google::protobuf::MethodDescriptor* Method(const std::string& name) {
  (void)scheduling::v1::Calendar::descriptor();  // links the file's descriptors
  return google::protobuf::DescriptorPool::generated_pool()
      ->FindServiceByName(scheduling::v1::Scheduling::service_full_name())
      ->FindMethodByName(name);
}

// A query parameter of the operation at `path` / `verb`, by name.
const Struct* Parameter(const Struct& document, const std::string& path, const std::string& verb,
                        const std::string& name) {
  const Struct& op =
      At(At(At(document, "paths").struct_value(), path).struct_value(), verb).struct_value();
  for (const Value& parameter : At(op, "parameters").list_value().values()) {
    if (At(parameter.struct_value(), "name").string_value() == name) {
      return &parameter.struct_value();
    }
  }
  return nullptr;
}

TEST(OpenApiTest, RepeatedAndEnumFieldsOfTheQueryAreRepeatedKeysOfNames) {
  // A GET whose request has repeated scalars, nested repeated enums and a path variable.
  v1::HttpRule rule;
  rule.set_method("GET");
  rule.set_path("/v1/units/{unit_id}/planPreview");
  rule.add_roles("clerk");
  const std::string json = OpenApi({{Method("CreateReceptionPlan"), rule}}).Json();
  Struct document = Parse(json);

  const Struct* rotation = Parameter(document, "/v1/units/{unitId}/planPreview", "get", "rotation");
  ASSERT_NE(rotation, nullptr) << json;
  EXPECT_EQ(At(*rotation, "in").string_value(), "query");
  EXPECT_EQ(At(*rotation, "style").string_value(), "form");
  EXPECT_TRUE(At(*rotation, "explode").bool_value());
  EXPECT_EQ(At(At(*rotation, "schema").struct_value(), "type").string_value(), "array");

  const Struct* weekdays =
      Parameter(document, "/v1/units/{unitId}/planPreview", "get", "recurrence.weekly.weekdays");
  ASSERT_NE(weekdays, nullptr) << json;
  const Struct& items = At(At(*weekdays, "schema").struct_value(), "items").struct_value();
  const auto& names = At(items, "enum").list_value().values();
  ASSERT_EQ(names.size(), 7);  // without DAY_OF_WEEK_UNSPECIFIED, which the query refuses
  EXPECT_EQ(names[0].string_value(), "MONDAY");

  const Struct* part = Parameter(document, "/v1/units/{unitId}/planPreview", "get", "part");
  ASSERT_NE(part, nullptr);
  EXPECT_EQ(At(At(*part, "schema").struct_value(), "enum").list_value().values_size(), 3);

  // The path variable is a path parameter, not a query one.
  const Struct* unit = Parameter(document, "/v1/units/{unitId}/planPreview", "get", "unitId");
  ASSERT_NE(unit, nullptr);
  EXPECT_EQ(At(*unit, "in").string_value(), "path");
  EXPECT_TRUE(At(*unit, "required").bool_value());
  EXPECT_EQ(Parameter(document, "/v1/units/{unitId}/planPreview", "get", "createdAt"), nullptr)
      << "not a field of the request";
}

TEST(OpenApiTest, BodiesLeaveOutPathFieldsAndRawAnswersKeepTheirMediaType) {
  v1::HttpRule create = Method("CreateReceptionPlan")->options().GetExtension(v1::http);
  v1::HttpRule ics = Method("ExportReceptions")->options().GetExtension(v1::http);
  const std::string json =
      OpenApi({{Method("CreateReceptionPlan"), create}, {Method("ExportReceptions"), ics}}).Json();
  Struct document = Parse(json);
  const Struct& schemas = At(At(document, "components").struct_value(), "schemas").struct_value();
  const Struct& body =
      At(schemas, "petition.scheduling.v1.CreateReceptionPlanRequest.Body").struct_value();
  const Struct& properties = At(body, "properties").struct_value();
  EXPECT_EQ(properties.fields().count("unitId"), 0u);
  EXPECT_EQ(properties.fields().count("rotation"), 1u);
  EXPECT_FALSE(At(body, "additionalProperties").bool_value());

  const Struct& ok =
      At(At(At(At(At(document, "paths").struct_value(), "/v1/units/{unitId}/receptions.ics")
                   .struct_value(),
               "get")
                .struct_value(),
            "responses")
             .struct_value(),
         "200")
          .struct_value();
  EXPECT_EQ(At(ok, "content").struct_value().fields().count("text/calendar"), 1u) << json;

  // The same input gives the same bytes (keys in order), whatever the process.
  EXPECT_EQ(
      json,
      OpenApi({{Method("CreateReceptionPlan"), create}, {Method("ExportReceptions"), ics}}).Json());
  EXPECT_LT(json.find("\"components\""), json.find("\"info\""));
}

TEST(OpenApiTest, PublicOperationsNeedNoCredentialsAndOthersListTheirRoles) {
  v1::HttpRule open = Method("GetCalendarDay")->options().GetExtension(v1::http);
  open.clear_roles();
  open.set_public_(true);
  v1::HttpRule closed = Method("PutCalendar")->options().GetExtension(v1::http);
  Struct document =
      Parse(OpenApi({{Method("GetCalendarDay"), open}, {Method("PutCalendar"), closed}}).Json());
  const Struct& paths = At(document, "paths").struct_value();
  const Struct& get =
      At(At(paths, "/v1/calendar/days/{date}").struct_value(), "get").struct_value();
  EXPECT_EQ(At(get, "security").list_value().values_size(), 0);
  EXPECT_EQ(At(get, "responses").struct_value().fields().count("401"), 0u);
  const Struct& put = At(At(paths, "/v1/calendars/{year}").struct_value(), "put").struct_value();
  EXPECT_EQ(At(put, "security").list_value().values_size(), 2);
  ASSERT_EQ(At(put, "x-roles").list_value().values_size(), 1);
  EXPECT_EQ(At(put, "x-roles").list_value().values(0).string_value(), "admin");
  EXPECT_NE(At(put, "description").string_value().find("Roles: admin"), std::string::npos);
  EXPECT_EQ(
      At(At(At(put, "responses").struct_value(), "403").struct_value(), "$ref").string_value(),
      "#/components/responses/PermissionDenied");
  // A JSON body: 415 when not sent as application/json; no body, no 415.
  EXPECT_EQ(
      At(At(At(put, "responses").struct_value(), "415").struct_value(), "$ref").string_value(),
      "#/components/responses/UnsupportedMediaType");
  EXPECT_EQ(At(get, "responses").struct_value().fields().count("415"), 0u);
}

}  // namespace
}  // namespace petition::gateway

namespace petition::gateway {
namespace {

TEST(OpenApiUploadTest, AnUploadIsABinaryBodyWithItsFileNameHeader) {
  (void)intake::v1::UploadMaterialRequest::descriptor();  // links the file's descriptors
  const google::protobuf::MethodDescriptor* upload =
      google::protobuf::DescriptorPool::generated_pool()
          ->FindServiceByName(intake::v1::Intake::service_full_name())
          ->FindMethodByName("UploadMaterial");
  ASSERT_NE(upload, nullptr);
  const v1::HttpRule rule = upload->options().GetExtension(v1::http);
  Struct document = Parse(OpenApi({{upload, rule}}).Json());
  const Struct& op =
      At(At(At(document, "paths").struct_value(), "/v1/cases/{caseId}/materials").struct_value(),
         "post")
          .struct_value();
  const Struct& schema =
      At(At(At(At(op, "requestBody").struct_value(), "content").struct_value(), "*/*")
             .struct_value(),
         "schema")
          .struct_value();
  EXPECT_EQ(At(schema, "type").string_value(), "string");
  EXPECT_EQ(At(schema, "format").string_value(), "binary");
  const Struct* file_name =
      Parameter(document, "/v1/cases/{caseId}/materials", "post", "X-File-Name");
  ASSERT_NE(file_name, nullptr);
  EXPECT_EQ(At(*file_name, "in").string_value(), "header");
}

}  // namespace
}  // namespace petition::gateway
