#include "services/gateway/openapi.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/gateway/transcoder.h"

namespace petition::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::ListValue;
using google::protobuf::Struct;

constexpr char kErrorSchema[] = "petition.Error";

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
void Ref(Struct& schema, absl::string_view message_name) {
  Set(schema, "$ref", absl::StrCat("#/components/schemas/", message_name));
}

// Well-known types that JSON renders as scalars: OpenAPI type and format.
bool WellKnownScalar(const Descriptor* message, Struct* schema) {
  static const auto* const kKnown = new std::map<std::string, std::pair<std::string, std::string>>{
      {"google.protobuf.Timestamp", {"string", "date-time"}},
      {"google.protobuf.Duration", {"string", "duration"}},
      {"google.protobuf.FieldMask", {"string", ""}},
      {"google.protobuf.StringValue", {"string", ""}},
      {"google.protobuf.BytesValue", {"string", "byte"}},
      {"google.protobuf.BoolValue", {"boolean", ""}},
      {"google.protobuf.Int32Value", {"integer", "int32"}},
      {"google.protobuf.UInt32Value", {"integer", "uint32"}},
      {"google.protobuf.Int64Value", {"string", "int64"}},
      {"google.protobuf.UInt64Value", {"string", "uint64"}},
      {"google.protobuf.DoubleValue", {"number", "double"}},
      {"google.protobuf.FloatValue", {"number", "float"}},
  };
  auto it = kKnown->find(message->full_name());
  if (it == kKnown->end()) return false;
  if (schema != nullptr) {
    Set(*schema, "type", it->second.first);
    if (!it->second.second.empty()) Set(*schema, "format", it->second.second);
  }
  return true;
}

// The JSON type of a field, as a reader would want it in the docs.
std::string TypeLabel(const FieldDescriptor* field) {
  std::string label;
  if (field->is_map()) {
    return absl::StrCat("map<string, ", TypeLabel(field->message_type()->map_value()), ">");
  }
  switch (field->type()) {
    case FieldDescriptor::TYPE_ENUM: {
      std::vector<std::string> names;
      for (int i = 0; i < field->enum_type()->value_count(); ++i) {
        if (field->enum_type()->value(i)->number() != 0) {
          names.push_back(field->enum_type()->value(i)->name());
        }
      }
      label = absl::StrJoin(names, " | ");
      break;
    }
    case FieldDescriptor::TYPE_MESSAGE:
      if (field->message_type()->full_name() == "google.protobuf.Timestamp") {
        label = "timestamp (RFC 3339)";
      } else {
        label = field->message_type()->name();
      }
      break;
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_SFIXED64:
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64:
      label = "int64 (string)";
      break;
    default:
      label = field->type_name();
  }
  return field->is_repeated() ? absl::StrCat("[", label, "]") : label;
}

class SchemaBuilder {
 public:
  explicit SchemaBuilder(Struct* schemas) : schemas_(schemas) {}

  // The schema of one value of `field` (ignoring repetition).
  void ValueSchema(const FieldDescriptor* field, Struct& schema) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        Set(schema, "type", "string");
        if (field->type() == FieldDescriptor::TYPE_BYTES) Set(schema, "format", "byte");
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
      case FieldDescriptor::CPPTYPE_FLOAT:
        Set(schema, "type", "number");
        return;
      case FieldDescriptor::CPPTYPE_BOOL:
        Set(schema, "type", "boolean");
        return;
      case FieldDescriptor::CPPTYPE_ENUM: {
        Set(schema, "type", "string");
        ListValue& values = List(schema, "enum");
        for (int i = 0; i < field->enum_type()->value_count(); ++i) {
          AppendString(values, field->enum_type()->value(i)->name());
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        MessageRef(field->message_type(), schema);
        return;
    }
  }

  void FieldSchema(const FieldDescriptor* field, Struct& schema) {
    if (field->is_map()) {
      Set(schema, "type", "object");
      ValueSchema(field->message_type()->map_value(), Obj(schema, "additionalProperties"));
    } else if (field->is_repeated()) {
      Set(schema, "type", "array");
      ValueSchema(field, Obj(schema, "items"));
    } else {
      ValueSchema(field, schema);
    }
  }

  // A reference to (or, for scalar-like well-known types, the inline schema
  // of) a message, adding it to the components when first seen.
  void MessageRef(const Descriptor* message, Struct& schema) {
    if (WellKnownScalar(message, &schema)) return;
    const std::string& name = message->full_name();
    if (name == "google.protobuf.Struct" || name == "google.protobuf.Empty" ||
        name == "google.protobuf.Any") {
      Set(schema, "type", "object");
      return;
    }
    if (name == "google.protobuf.Value") return;  // any JSON value: {}
    if (name == "google.protobuf.ListValue") {
      Set(schema, "type", "array");
      Obj(schema, "items");
      return;
    }
    Ref(schema, name);
    if (!seen_.insert(name).second) return;
    Struct& definition = Obj(*schemas_, name);
    Set(definition, "type", "object");
    Struct& properties = Obj(definition, "properties");
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      FieldSchema(field, Obj(properties, field->json_name()));
    }
  }

 private:
  Struct* schemas_;
  std::set<std::string> seen_;
};

// "/v1/cases/{case_id}:accept" with JSON names: "/v1/cases/{caseId}:accept".
// Also returns the fields bound, by their JSON paths.
std::string OpenApiPath(const OpenApi::Operation& operation,
                        std::vector<std::pair<std::string, const FieldDescriptor*>>* bound) {
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
  return WellKnownScalar(field->message_type(), nullptr);
}

// Top-level fields of the input that come from the query string.
std::vector<const FieldDescriptor*> QueryFields(const OpenApi::Operation& operation) {
  std::vector<const FieldDescriptor*> fields;
  if (operation.rule.body() == "*") return fields;
  std::set<std::string> bound;
  for (absl::string_view variable : absl::StrSplit(operation.rule.path(), '{')) {
    std::size_t close = variable.find('}');
    if (close == absl::string_view::npos) continue;
    std::vector<absl::string_view> parts = absl::StrSplit(variable.substr(0, close), '.');
    bound.insert(std::string(parts[0]));
  }
  const Descriptor* input = operation.method->input_type();
  for (int i = 0; i < input->field_count(); ++i) {
    const FieldDescriptor* field = input->field(i);
    if (bound.count(field->name()) || bound.count(field->json_name())) continue;
    if (field->name() == operation.rule.body()) continue;
    if (QueryCapable(field)) fields.push_back(field);
  }
  return fields;
}

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(s); }

std::string HtmlEscape(absl::string_view s) {
  return absl::StrReplaceAll(
      s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});
}

std::string FieldRows(const Descriptor* message, const std::set<std::string>& skip) {
  std::string rows;
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    if (skip.count(field->name())) continue;
    absl::StrAppend(&rows, "<tr><td><code>", HtmlEscape(field->json_name()), "</code></td><td>",
                    HtmlEscape(TypeLabel(field)), "</td></tr>");
  }
  return rows;
}

std::string AuthText(const v1::HttpRule& rule) {
  if (rule.public_()) return "public";
  if (rule.roles().empty()) return "any authenticated caller";
  return absl::StrCat("roles: ", absl::StrJoin(rule.roles(), ", "));
}

}  // namespace

std::string OpenApi::Json() const {
  Struct document;
  Set(document, "openapi", "3.0.3");
  Struct& info = Obj(document, "info");
  Set(info, "title", "Township petition services");
  Set(info, "version", "v1");
  Set(info, "description",
      "REST/JSON gateway to the intake, scheduling and supervision services. Errors are "
      "{\"error\":{\"code\",\"message\",\"details\"}} with the canonical HTTP mapping.");
  Struct& components = Obj(document, "components");
  Struct& schemas = Obj(components, "schemas");
  Struct& security_schemes = Obj(components, "securitySchemes");
  Struct& bearer = Obj(security_schemes, "bearer");
  Set(bearer, "type", "http");
  Set(bearer, "scheme", "bearer");
  Set(bearer, "bearerFormat", "JWT");
  Struct& api_key = Obj(security_schemes, "apiKey");
  Set(api_key, "type", "apiKey");
  Set(api_key, "in", "header");
  Set(api_key, "name", "X-Api-Key");

  Struct& error = Obj(schemas, kErrorSchema);
  Set(error, "type", "object");
  Struct& error_body = Obj(Obj(error, "properties"), "error");
  Set(error_body, "type", "object");
  Struct& error_properties = Obj(error_body, "properties");
  Set(Obj(error_properties, "code"), "type", "string");
  Set(Obj(error_properties, "message"), "type", "string");
  Struct& details = Obj(error_properties, "details");
  Set(details, "type", "array");
  Struct& violation = Obj(details, "items");
  Set(violation, "type", "object");
  Set(Obj(Obj(violation, "properties"), "field"), "type", "string");
  Set(Obj(Obj(violation, "properties"), "reason"), "type", "string");

  SchemaBuilder builder(&schemas);
  Struct& paths = Obj(document, "paths");
  for (const Operation& operation : operations_) {
    std::vector<std::pair<std::string, const FieldDescriptor*>> bound;
    std::string path = OpenApiPath(operation, &bound);
    Struct& op = Obj(Obj(paths, path), Lower(operation.rule.method()));
    const std::string& service = operation.method->service()->full_name();
    Set(op, "operationId",
        absl::StrCat(operation.method->service()->name(), "_", operation.method->name()));
    AppendString(List(op, "tags"), operation.method->service()->name());
    Set(op, "summary", operation.method->name());
    Set(op, "description",
        absl::StrCat("gRPC ", service, "/", operation.method->name(), "; ",
                     AuthText(operation.rule), "."));
    ListValue& parameters = List(op, "parameters");
    for (const auto& [name, field] : bound) {
      Struct& parameter = Append(parameters);
      Set(parameter, "name", name);
      Set(parameter, "in", "path");
      SetBool(parameter, "required", true);
      Struct& schema = Obj(parameter, "schema");
      if (field != nullptr) {
        builder.FieldSchema(field, schema);
      } else {
        Set(schema, "type", "string");
      }
    }
    for (const FieldDescriptor* field : QueryFields(operation)) {
      Struct& parameter = Append(parameters);
      Set(parameter, "name", field->json_name());
      Set(parameter, "in", "query");
      builder.FieldSchema(field, Obj(parameter, "schema"));
      if (field->is_repeated()) {
        Set(parameter, "style", "form");
        SetBool(parameter, "explode", true);
      }
    }
    if (!operation.rule.body().empty()) {
      Struct& request_body = Obj(op, "requestBody");
      SetBool(request_body, "required", true);
      Struct& schema = Obj(Obj(Obj(request_body, "content"), "application/json"), "schema");
      if (operation.rule.body() == "*") {
        builder.MessageRef(operation.method->input_type(), schema);
      } else if (const FieldDescriptor* field =
                     operation.method->input_type()->FindFieldByName(operation.rule.body())) {
        builder.FieldSchema(field, schema);
      }
    }
    Struct& responses = Obj(op, "responses");
    Struct& ok = Obj(responses, "200");
    Set(ok, "description", operation.method->output_type()->name());
    builder.MessageRef(operation.method->output_type(),
                       Obj(Obj(Obj(ok, "content"), "application/json"), "schema"));
    Struct& failure = Obj(responses, "default");
    Set(failure, "description", "error");
    Ref(Obj(Obj(Obj(failure, "content"), "application/json"), "schema"), kErrorSchema);
    ListValue& security = List(op, "security");  // empty: no credentials needed
    if (!operation.rule.public_()) {
      List(Append(security), "bearer");
      List(Append(security), "apiKey");
    }
  }

  // The gateway's own endpoints.
  for (const char* path : {"/healthz", "/readyz", "/openapi.json", "/docs"}) {
    Struct& op = Obj(Obj(paths, path), "get");
    Set(op, "operationId", absl::StrCat("gateway_", absl::StripPrefix(path, "/")));
    AppendString(List(op, "tags"), "Gateway");
    List(op, "security");
    Set(Obj(Obj(op, "responses"), "200"), "description", "OK");
  }

  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(document, &json, options);
  return json;
}

std::string OpenApi::Html() const {
  std::string html = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Petition API</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ccc;padding-bottom:.3rem;margin-top:2.5rem}
.op{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}
.verb{display:inline-block;min-width:4rem;font-weight:bold;font-family:monospace}
.GET{color:#0a6}.POST{color:#06c}.PUT{color:#b60}.PATCH{color:#a0a}.DELETE{color:#c00}
code{background:#f4f4f4;padding:0 .2rem}table{border-collapse:collapse;margin:.3rem 0}
td,th{border:1px solid #e4e4e4;padding:.15rem .5rem;text-align:left;font-size:.9rem}
.auth{color:#666;font-size:.9rem}
</style></head><body>
<h1>Township petition services: REST API</h1>
<p>JSON is protobuf's JSON mapping: lowerCamelCase names, enums by name, 64-bit integers as
strings, timestamps in RFC 3339. Send <code>Authorization: Bearer &lt;JWT&gt;</code> or
<code>X-Api-Key</code>. Errors: <code>{"error":{"code":"INVALID_ARGUMENT","message":"...",
"details":[{"field":"...","reason":"..."}]}}</code>. Machine-readable:
<a href="/openapi.json">/openapi.json</a>.</p>
)";
  std::string current_service;
  for (const Operation& operation : operations_) {
    const std::string& service = operation.method->service()->full_name();
    if (service != current_service) {
      current_service = service;
      absl::StrAppend(&html, "<h2>", HtmlEscape(operation.method->service()->name()),
                      " <small><code>", HtmlEscape(service), "</code></small></h2>\n");
    }
    std::vector<std::pair<std::string, const FieldDescriptor*>> bound;
    std::string path = OpenApiPath(operation, &bound);
    std::string verb = absl::AsciiStrToUpper(operation.rule.method());
    absl::StrAppend(&html, "<div class=\"op\"><span class=\"verb ", HtmlEscape(verb), "\">",
                    HtmlEscape(verb), "</span> <code>", HtmlEscape(path), "</code> &mdash; ",
                    HtmlEscape(operation.method->name()), " <span class=\"auth\">(",
                    HtmlEscape(AuthText(operation.rule)), ")</span>\n");
    std::set<std::string> skip;
    std::string parameters;
    for (const auto& [name, field] : bound) {
      if (field != nullptr) skip.insert(field->name());
      absl::StrAppend(&parameters, "<tr><td><code>", HtmlEscape(name), "</code></td><td>path",
                      field != nullptr ? absl::StrCat(", ", HtmlEscape(TypeLabel(field))) : "",
                      "</td></tr>");
    }
    for (const FieldDescriptor* field : QueryFields(operation)) {
      absl::StrAppend(&parameters, "<tr><td><code>", HtmlEscape(field->json_name()),
                      "</code></td><td>query, ", HtmlEscape(TypeLabel(field)), "</td></tr>");
    }
    if (!parameters.empty()) {
      absl::StrAppend(&html, "<p>Parameters</p><table>", parameters, "</table>\n");
    }
    if (operation.rule.body() == "*") {
      absl::StrAppend(&html, "<p>Request body <code>",
                      HtmlEscape(operation.method->input_type()->name()), "</code></p><table>",
                      FieldRows(operation.method->input_type(), skip), "</table>\n");
    } else if (!operation.rule.body().empty()) {
      absl::StrAppend(&html, "<p>Request body: the field <code>", HtmlEscape(operation.rule.body()),
                      "</code></p>\n");
    }
    absl::StrAppend(&html, "<p>Response <code>",
                    HtmlEscape(operation.method->output_type()->name()), "</code></p><table>",
                    FieldRows(operation.method->output_type(), {}), "</table></div>\n");
  }
  absl::StrAppend(&html,
                  "<h2>Gateway</h2><div class=\"op\"><span class=\"verb GET\">GET</span> "
                  "<code>/healthz</code>, <code>/readyz</code>, <code>/openapi.json</code>, "
                  "<code>/docs</code> <span class=\"auth\">(public)</span></div>\n"
                  "</body></html>\n");
  return html;
}

}  // namespace petition::gateway
