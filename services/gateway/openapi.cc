#include "services/gateway/openapi.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "google/protobuf/struct.pb.h"
#include "services/gateway/transcoder.h"

namespace petition::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::ListValue;
using google::protobuf::Struct;

constexpr char kErrorSchema[] = "petition.Error";
constexpr char kHttpBody[] = "petition.v1.HttpBody";

// The failures every operation may answer, as components/responses: HTTP
// status, response name, when.
struct Failure {
  const char* status;
  const char* name;
  const char* description;
};
constexpr Failure kFailures[] = {
    {"400", "BadRequest",
     "INVALID_ARGUMENT, FAILED_PRECONDITION or OUT_OF_RANGE: the request is refused as it is "
     "(`details` names the field and the rule)"},
    {"401", "Unauthenticated", "UNAUTHENTICATED: no credentials, or credentials not accepted"},
    {"403", "PermissionDenied", "PERMISSION_DENIED: none of the operation's roles"},
    {"404", "NotFound", "NOT_FOUND (also what a caller who may not see the object gets)"},
    {"409", "Conflict",
     "ALREADY_EXISTS or ABORTED: a conflict with the current state, or the same requestId with "
     "another body"},
    {"429", "TooManyRequests",
     "RESOURCE_EXHAUSTED: this caller's (or address's) rate limit; retry after Retry-After"},
    {"500", "Internal", "INTERNAL, UNKNOWN or DATA_LOSS"},
    {"503", "Unavailable",
     "UNAVAILABLE: a service is down, busy (at its bound of calls in flight; Retry-After) or the "
     "gateway is stopping; retry"},
    {"504", "Timeout", "DEADLINE_EXCEEDED: outcome unknown; retry with the same requestId"},
};

// --- Small builders over google.protobuf.Struct (our JSON object model). ---

Struct& Obj(Struct& parent, const std::string& key) {
  return *(*parent.mutable_fields())[key].mutable_struct_value();
}
void Set(Struct& parent, const std::string& key, absl::string_view value) {
  (*parent.mutable_fields())[key].set_string_value(std::string(value));
}
void SetBool(Struct& parent, const std::string& key, bool value) {
  (*parent.mutable_fields())[key].set_bool_value(value);
}
ListValue& List(Struct& parent, const std::string& key) {
  return *(*parent.mutable_fields())[key].mutable_list_value();
}
Struct& Append(ListValue& list) { return *list.add_values()->mutable_struct_value(); }
void AppendString(ListValue& list, absl::string_view value) {
  list.add_values()->set_string_value(std::string(value));
}
void Ref(Struct& schema, absl::string_view kind, absl::string_view name) {
  Set(schema, "$ref", absl::StrCat("#/components/", kind, "/", name));
}

// Well-known types that JSON renders as scalars: JSON Schema type, format and
// a description ("" for none).
struct Scalar {
  const char* type;
  const char* format;
  const char* description;
};
const Scalar* WellKnownScalar(const Descriptor* message) {
  static const auto* const kKnown = new std::map<std::string, Scalar>{
      {"google.protobuf.Timestamp", {"string", "date-time", "RFC 3339"}},
      {"google.type.Date", {"string", "date", "YYYY-MM-DD"}},
      {"google.protobuf.Duration", {"string", "", "seconds with an \"s\" suffix, e.g. \"1.5s\""}},
      {"google.protobuf.FieldMask", {"string", "", "comma-separated lowerCamelCase field paths"}},
      {"google.protobuf.StringValue", {"string", "", ""}},
      {"google.protobuf.BytesValue", {"string", "byte", ""}},
      {"google.protobuf.BoolValue", {"boolean", "", ""}},
      {"google.protobuf.Int32Value", {"integer", "int32", ""}},
      {"google.protobuf.UInt32Value", {"integer", "uint32", ""}},
      {"google.protobuf.Int64Value", {"string", "int64", ""}},
      {"google.protobuf.UInt64Value", {"string", "uint64", ""}},
      {"google.protobuf.DoubleValue", {"number", "double", ""}},
      {"google.protobuf.FloatValue", {"number", "float", ""}},
  };
  auto it = kKnown->find(message->full_name());
  return it == kKnown->end() ? nullptr : &it->second;
}

class SchemaBuilder {
 public:
  explicit SchemaBuilder(Struct* schemas) : schemas_(schemas) {}

  // The schema of one value of `field` (ignoring repetition). In a query
  // parameter an enum's zero value is refused, so it is left out there.
  void ValueSchema(const FieldDescriptor* field, Struct& schema, bool in_query = false) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        Set(schema, "type", "string");
        if (field->type() == FieldDescriptor::TYPE_BYTES) {
          Set(schema, "contentEncoding", "base64");
        }
        return;
      case FieldDescriptor::CPPTYPE_INT32:
        Set(schema, "type", "integer");
        Set(schema, "format", "int32");
        return;
      case FieldDescriptor::CPPTYPE_UINT32:
        Set(schema, "type", "integer");
        Set(schema, "format", "uint32");
        return;
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT64:
        // The JSON mapping prints 64-bit integers as strings.
        Set(schema, "type", "string");
        Set(schema, "format",
            field->cpp_type() == FieldDescriptor::CPPTYPE_INT64 ? "int64" : "uint64");
        return;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        Set(schema, "type", "number");
        Set(schema, "format", "double");
        return;
      case FieldDescriptor::CPPTYPE_FLOAT:
        Set(schema, "type", "number");
        Set(schema, "format", "float");
        return;
      case FieldDescriptor::CPPTYPE_BOOL:
        Set(schema, "type", "boolean");
        return;
      case FieldDescriptor::CPPTYPE_ENUM:
        if (in_query) {
          EnumSchema(field->enum_type(), schema, /*with_zero=*/false);
        } else {
          EnumRef(field->enum_type(), schema);
        }
        return;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        MessageRef(field->message_type(), schema);
        return;
    }
  }

  void FieldSchema(const FieldDescriptor* field, Struct& schema, bool in_query = false) {
    if (field->is_map()) {
      Set(schema, "type", "object");
      ValueSchema(field->message_type()->map_value(), Obj(schema, "additionalProperties"));
    } else if (field->is_repeated()) {
      Set(schema, "type", "array");
      ValueSchema(field, Obj(schema, "items"), in_query);
    } else {
      ValueSchema(field, schema, in_query);
    }
  }

  // A reference to (or, for scalar-like well-known types, the inline schema
  // of) a message, adding it to the components when first seen.
  void MessageRef(const Descriptor* message, Struct& schema) {
    if (const Scalar* scalar = WellKnownScalar(message)) {
      Set(schema, "type", scalar->type);
      if (*scalar->format != '\0') Set(schema, "format", scalar->format);
      if (*scalar->description != '\0') Set(schema, "description", scalar->description);
      return;
    }
    const std::string& name = message->full_name();
    if (name == "google.protobuf.Struct" || name == "google.protobuf.Empty" ||
        name == "google.protobuf.Any") {
      Set(schema, "type", "object");
      return;
    }
    if (name == "google.protobuf.Value") return;  // any JSON value: {}
    if (name == "google.protobuf.ListValue") {
      Set(schema, "type", "array");
      return;
    }
    Ref(schema, "schemas", name);
    if (!seen_.insert(name).second) return;
    MessageSchema(message, {}, Obj(*schemas_, name));
  }

  // The object schema of `message` without the top-level fields in `skip`.
  void MessageSchema(const Descriptor* message, const std::set<std::string>& skip,
                     Struct& definition) {
    Set(definition, "type", "object");
    Set(definition, "title", message->name());
    Struct& properties = Obj(definition, "properties");
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      if (skip.count(field->name())) continue;
      FieldSchema(field, Obj(properties, field->json_name()));
    }
    // Unknown fields are refused (400), as the transcoder parses.
    SetBool(definition, "additionalProperties", false);
  }

  void EnumRef(const EnumDescriptor* type, Struct& schema) {
    Ref(schema, "schemas", type->full_name());
    if (!seen_.insert(type->full_name()).second) return;
    EnumSchema(type, Obj(*schemas_, type->full_name()), /*with_zero=*/true);
  }

  static void EnumSchema(const EnumDescriptor* type, Struct& schema, bool with_zero) {
    Set(schema, "type", "string");
    ListValue& values = List(schema, "enum");
    for (int i = 0; i < type->value_count(); ++i) {
      if (!with_zero && type->value(i)->number() == 0) continue;
      AppendString(values, type->value(i)->name());
    }
  }

 private:
  Struct* schemas_;
  std::set<std::string> seen_;
};

// "/v1/cases/{case_id}:accept" with JSON names: "/v1/cases/{caseId}:accept".
// Also returns the fields bound, by their JSON paths.
std::string OpenApiPath(const OpenApi::Operation& operation,
                        std::vector<std::pair<std::string, const FieldDescriptor*>>* bound,
                        std::set<std::string>* bound_top_level) {
  std::string out;
  absl::string_view rest = operation.rule.path();
  while (!rest.empty()) {
    std::size_t open = rest.find('{');
    std::size_t close = rest.find('}', open);
    if (open == absl::string_view::npos || close == absl::string_view::npos) break;
    absl::StrAppend(&out, rest.substr(0, open));
    absl::string_view variable = rest.substr(open + 1, close - open - 1);
    const Descriptor* message = operation.method->input_type();
    std::vector<std::string> json_names;
    const FieldDescriptor* field = nullptr;
    for (absl::string_view part : absl::StrSplit(variable, '.')) {
      field = message == nullptr ? nullptr : FindFieldByAnyName(message, part);
      if (field == nullptr) break;
      if (json_names.empty()) bound_top_level->insert(field->name());
      json_names.push_back(field->json_name());
      message = field->message_type();
    }
    std::string name = field == nullptr ? std::string(variable) : absl::StrJoin(json_names, ".");
    absl::StrAppend(&out, "{", name, "}");
    bound->emplace_back(name, field);
    rest = rest.substr(close + 1);
  }
  absl::StrAppend(&out, rest);
  return out;
}

bool QueryCapable(const FieldDescriptor* field) {
  if (field->is_map()) return false;
  if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return true;
  return WellKnownScalar(field->message_type()) != nullptr;
}

// The fields of the input that come from the query string, by their JSON
// paths: top-level scalars, and the scalars of singular message fields as
// "parent.child" (what the transcoder accepts).
void QueryFields(const Descriptor* message, const std::string& prefix,
                 const std::set<std::string>& skip, int depth,
                 std::vector<std::pair<std::string, const FieldDescriptor*>>* out) {
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    if (skip.count(field->name())) continue;
    const std::string name = absl::StrCat(prefix, field->json_name());
    if (QueryCapable(field)) {
      out->emplace_back(name, field);
    } else if (!field->is_repeated() && !field->is_map() &&
               field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth < 3) {
      QueryFields(field->message_type(), absl::StrCat(name, "."), {}, depth + 1, out);
    }
  }
}

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(s); }

std::string RolesText(const v1::HttpRule& rule) {
  if (rule.public_()) return "Public: no credentials needed.";
  return absl::StrCat("Roles: ", absl::StrJoin(rule.roles(), ", "),
                      " (any one of them; a bearer JWT or an X-Api-Key).");
}

void AddErrorSchema(Struct& schemas) {
  Struct& error = Obj(schemas, kErrorSchema);
  Set(error, "type", "object");
  Set(error, "title", "Error");
  Set(error, "description", "The body of every failure, whatever the service.");
  AppendString(List(error, "required"), "error");
  Struct& body = Obj(Obj(error, "properties"), "error");
  Set(body, "type", "object");
  for (const char* name : {"code", "message", "details"}) {
    AppendString(List(body, "required"), name);
  }
  Struct& properties = Obj(body, "properties");
  Struct& code = Obj(properties, "code");
  Set(code, "type", "string");
  Set(code, "description",
      "The canonical code (gRPC's name, e.g. INVALID_ARGUMENT), or METHOD_NOT_ALLOWED for a "
      "405, UNSUPPORTED_MEDIA_TYPE for a 415; the HTTP status follows from it.");
  Set(Obj(properties, "message"), "type", "string");
  Struct& details = Obj(properties, "details");
  Set(details, "type", "array");
  Set(details, "description", "One entry per field to blame; often empty.");
  Struct& violation = Obj(details, "items");
  Set(violation, "type", "object");
  Struct& violation_properties = Obj(violation, "properties");
  Set(Obj(violation_properties, "field"), "type", "string");
  Set(Obj(violation_properties, "field"), "description",
      "lowerCamelCase path, e.g. petitioners[0].idNumber");
  Set(Obj(violation_properties, "reason"), "type", "string");
}

// JSON with the keys of every object in order, so that the same route table
// gives the same bytes in every process (a Struct's map has no order).
void AppendJson(const google::protobuf::Value& value, std::string* out,
                const Struct* object = nullptr) {
  if (object == nullptr && value.has_struct_value()) object = &value.struct_value();
  if (object != nullptr) {
    std::map<std::string, const google::protobuf::Value*> sorted;
    for (const auto& [key, field] : object->fields()) sorted.emplace(key, &field);
    out->push_back('{');
    bool first = true;
    for (const auto& [key, field] : sorted) {
      if (!first) out->push_back(',');
      first = false;
      absl::StrAppend(out, "\"", log::JsonEscape(key), "\":");
      AppendJson(*field, out);
    }
    out->push_back('}');
    return;
  }
  switch (value.kind_case()) {
    case google::protobuf::Value::kStringValue:
      absl::StrAppend(out, "\"", log::JsonEscape(value.string_value()), "\"");
      return;
    case google::protobuf::Value::kBoolValue:
      out->append(value.bool_value() ? "true" : "false");
      return;
    case google::protobuf::Value::kNumberValue:
      absl::StrAppend(out, value.number_value());
      return;
    case google::protobuf::Value::kListValue: {
      out->push_back('[');
      bool first = true;
      for (const google::protobuf::Value& item : value.list_value().values()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(item, out);
      }
      out->push_back(']');
      return;
    }
    default:
      out->append("null");
      return;
  }
}

Struct& JsonContent(Struct& parent) {
  return Obj(Obj(Obj(parent, "content"), "application/json"), "schema");
}

}  // namespace

std::string OpenApi::Json() const {
  Struct document;
  Set(document, "openapi", "3.1.0");
  Struct& info = Obj(document, "info");
  Set(info, "title", "Township petition services");
  Set(info, "version", "v1");
  Set(info, "summary", "REST/JSON gateway to intake, scheduling and supervision");
  Set(info, "description",
      "Generated by the gateway at start-up from the route table it serves: each operation is a "
      "gRPC method with a (petition.v1.http) option. JSON is protobuf's JSON mapping "
      "(lowerCamelCase names, enums by name, 64-bit integers as strings, timestamps in RFC "
      "3339); unknown fields are refused. Every failure has the body "
      "{\"error\":{\"code\",\"message\",\"details\"}} with the canonical HTTP status. Send "
      "`Authorization: Bearer <JWT>` or `X-Api-Key`; `x-roles` lists the roles of each "
      "operation. Mutating calls take a `requestId`: the same caller's same id and body "
      "return the first result.");
  Set(Append(List(document, "servers")), "url", "/");
  Struct& components = Obj(document, "components");
  Struct& schemas = Obj(components, "schemas");
  Struct& security_schemes = Obj(components, "securitySchemes");
  Struct& bearer = Obj(security_schemes, "bearer");
  Set(bearer, "type", "http");
  Set(bearer, "scheme", "bearer");
  Set(bearer, "bearerFormat", "JWT");
  Set(bearer, "description", "HS256 JWT with `sub`, `roles` and optionally `unitId`.");
  Struct& api_key = Obj(security_schemes, "apiKey");
  Set(api_key, "type", "apiKey");
  Set(api_key, "in", "header");
  Set(api_key, "name", "X-Api-Key");
  Set(api_key, "description", "A machine credential mapped to a subject and roles (--api_keys).");

  AddErrorSchema(schemas);
  Struct& responses_components = Obj(components, "responses");
  Struct& method_not_allowed = Obj(responses_components, "MethodNotAllowed");
  Set(method_not_allowed, "description",
      "METHOD_NOT_ALLOWED: the path exists for other methods (listed in `Allow`)");
  Ref(JsonContent(method_not_allowed), "schemas", kErrorSchema);
  Struct& unsupported_media_type = Obj(responses_components, "UnsupportedMediaType");
  Set(unsupported_media_type, "description",
      "UNSUPPORTED_MEDIA_TYPE: a JSON body sent without `Content-Type: application/json` "
      "(charset utf-8 or none)");
  Ref(JsonContent(unsupported_media_type), "schemas", kErrorSchema);
  for (const Failure& failure : kFailures) {
    Struct& response = Obj(responses_components, failure.name);
    Set(response, "description", failure.description);
    Ref(JsonContent(response), "schemas", kErrorSchema);
  }

  SchemaBuilder builder(&schemas);
  std::set<std::string> tags;
  Struct& paths = Obj(document, "paths");
  for (const Operation& operation : operations_) {
    std::vector<std::pair<std::string, const FieldDescriptor*>> bound;
    std::set<std::string> bound_top_level;
    std::string path = OpenApiPath(operation, &bound, &bound_top_level);
    Struct& op = Obj(Obj(paths, path), Lower(operation.rule.method()));
    const google::protobuf::ServiceDescriptor* service = operation.method->service();
    Set(op, "operationId", absl::StrCat(service->name(), "_", operation.method->name()));
    AppendString(List(op, "tags"), service->name());
    tags.insert(service->name());
    Set(op, "summary", operation.method->name());
    Set(op, "description",
        absl::StrCat(RolesText(operation.rule), "\n\ngRPC `", service->full_name(), "/",
                     operation.method->name(), "`."));
    ListValue& roles = List(op, "x-roles");
    for (const std::string& role : operation.rule.roles()) AppendString(roles, role);

    ListValue& parameters = List(op, "parameters");
    for (const auto& [name, field] : bound) {
      Struct& parameter = Append(parameters);
      Set(parameter, "name", name);
      Set(parameter, "in", "path");
      SetBool(parameter, "required", true);
      Struct& schema = Obj(parameter, "schema");
      if (field != nullptr) {
        builder.FieldSchema(field, schema, /*in_query=*/true);
      } else {
        Set(schema, "type", "string");
      }
    }
    const Descriptor* input = operation.method->input_type();
    if (operation.rule.body() != "*") {
      std::set<std::string> skip = bound_top_level;
      if (!operation.rule.body().empty()) skip.insert(operation.rule.body());
      std::vector<std::pair<std::string, const FieldDescriptor*>> query;
      QueryFields(input, "", skip, 0, &query);
      for (const auto& [name, field] : query) {
        Struct& parameter = Append(parameters);
        Set(parameter, "name", name);
        Set(parameter, "in", "query");
        builder.FieldSchema(field, Obj(parameter, "schema"), /*in_query=*/true);
        if (field->is_repeated()) {
          // ?kind=A&kind=B
          Set(parameter, "style", "form");
          SetBool(parameter, "explode", true);
        }
      }
    }
    if (parameters.values().empty()) op.mutable_fields()->erase("parameters");

    const FieldDescriptor* body_field = input->FindFieldByName(operation.rule.body());
    bool json_body = false;
    if (body_field != nullptr && body_field->message_type() != nullptr &&
        body_field->message_type()->full_name() == kHttpBody) {
      // An upload: the bytes as they are, their type in Content-Type, their
      // name in X-File-Name.
      Struct& file_name = Append(List(op, "parameters"));
      Set(file_name, "name", "X-File-Name");
      Set(file_name, "in", "header");
      SetBool(file_name, "required", true);
      Set(file_name, "description", "The file's name, percent-encoded UTF-8.");
      Set(Obj(file_name, "schema"), "type", "string");
      Struct& request_body = Obj(op, "requestBody");
      SetBool(request_body, "required", true);
      Set(request_body, "description",
          "The file itself; its media type in Content-Type (checked against the bytes).");
      Struct& schema = Obj(Obj(Obj(request_body, "content"), "*/*"), "schema");
      Set(schema, "type", "string");
      Set(schema, "format", "binary");
    } else if (!operation.rule.body().empty()) {
      Struct& request_body = Obj(op, "requestBody");
      SetBool(request_body, "required", true);
      Set(request_body, "description",
          "JSON, sent with `Content-Type: application/json` (anything else is 415).");
      json_body = true;
      Struct& schema = JsonContent(request_body);
      if (operation.rule.body() != "*") {
        if (const FieldDescriptor* field = input->FindFieldByName(operation.rule.body())) {
          builder.FieldSchema(field, schema);
        }
      } else if (bound_top_level.empty()) {
        builder.MessageRef(input, schema);
      } else {
        // The body is the message less the fields the path binds.
        const std::string name = absl::StrCat(input->full_name(), ".Body");
        Ref(schema, "schemas", name);
        builder.MessageSchema(input, bound_top_level, Obj(schemas, name));
      }
    }

    Struct& responses = Obj(op, "responses");
    Struct& ok = Obj(responses, "200");
    const Descriptor* output = operation.method->output_type();
    if (output->full_name() == kHttpBody) {
      const std::string media_type = operation.rule.response_media_type().empty()
                                         ? "application/octet-stream"
                                         : operation.rule.response_media_type();
      Set(ok, "description", absl::StrCat("The document itself (", media_type, ")."));
      Set(Obj(Obj(Obj(ok, "content"), media_type), "schema"), "type", "string");
    } else {
      Set(ok, "description", output->name());
      builder.MessageRef(output, JsonContent(ok));
      for (const std::string& media_type : operation.other_media_types) {
        Struct& schema = Obj(Obj(Obj(ok, "content"), media_type), "schema");
        Set(schema, "type", "string");
        Set(schema, "format", "binary");
      }
    }
    for (const Failure& failure : kFailures) {
      const absl::string_view status = failure.status;
      if (operation.rule.public_() && (status == "401" || status == "403")) continue;
      Ref(Obj(responses, failure.status), "responses", failure.name);
    }
    if (json_body) Ref(Obj(responses, "415"), "responses", "UnsupportedMediaType");

    ListValue& security = List(op, "security");  // empty: no credentials needed
    if (!operation.rule.public_()) {
      List(Append(security), "bearer");
      List(Append(security), "apiKey");
    }
  }
  ListValue& tag_list = List(document, "tags");
  for (const std::string& tag : tags) {
    Struct& entry = Append(tag_list);
    Set(entry, "name", tag);
    Set(entry, "description", absl::StrCat("The ", Lower(tag), " service"));
  }
  Struct& gateway_tag = Append(tag_list);
  Set(gateway_tag, "name", "Gateway");
  Set(gateway_tag, "description", "The gateway's own endpoints (public)");

  // The gateway's own endpoints.
  struct Own {
    const char* path;
    const char* summary;
    const char* media_type;
    const char* not_ok;  // a failure status it answers, or null
    const char* not_ok_description;
  };
  for (const Own& own :
       {Own{"/healthz", "The gateway process runs", "application/json", nullptr, nullptr},
        Own{"/readyz", "The services the gateway needs are serving", "application/json", "503",
            "Not ready: a required service is not serving"},
        Own{"/openapi.json", "This document", "application/json", nullptr, nullptr},
        Own{"/docs", "Swagger UI over this document", "text/html", "404",
            "The gateway runs without Swagger UI's files (--docs_dir)"}}) {
    Struct& op = Obj(Obj(paths, own.path), "get");
    Set(op, "operationId", absl::StrCat("Gateway_", absl::StripPrefix(own.path, "/")));
    AppendString(List(op, "tags"), "Gateway");
    Set(op, "summary", own.summary);
    Set(op, "description", "Public: no credentials needed.");
    List(op, "x-roles");
    List(op, "security");
    Struct& responses = Obj(op, "responses");
    Struct& ok = Obj(responses, "200");
    Set(ok, "description", "OK");
    Struct& schema = Obj(Obj(Obj(ok, "content"), own.media_type), "schema");
    Set(schema, "type", absl::string_view(own.media_type) == "text/html" ? "string" : "object");
    if (own.not_ok != nullptr) {
      Struct& failure = Obj(responses, own.not_ok);
      Set(failure, "description", own.not_ok_description);
      if (absl::string_view(own.not_ok) == "404") {
        Ref(JsonContent(failure), "schemas", kErrorSchema);
      } else {
        Set(JsonContent(failure), "type", "object");
      }
    }
    Ref(Obj(responses, "405"), "responses", "MethodNotAllowed");
  }

  std::string json;
  AppendJson(google::protobuf::Value(), &json, &document);
  return json;
}

}  // namespace petition::gateway
