#include "services/gateway/transcoder.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "common/utf8.h"
#include "google/protobuf/util/json_util.h"
#include "petition/v1/http_body.pb.h"
#include "services/gateway/fast_json.h"
#include "services/gateway/json_check.h"

namespace petition::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string ToStdString(const google::protobuf::util::Status& status) {
  return std::string(status.message().data(), status.message().size());
}

absl::Status Violation(absl::string_view field, absl::string_view reason) {
  return petition::InvalidField(std::string(field), std::string(reason));
}

absl::StatusOr<FieldPath> ResolvePath(const Descriptor* descriptor, absl::string_view dotted) {
  FieldPath path;
  std::vector<std::string> proto_names;
  std::vector<std::string> json_names;
  for (absl::string_view part : absl::StrSplit(dotted, '.')) {
    if (descriptor == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", dotted, "\" goes into a field that is not a message"));
    }
    const FieldDescriptor* field = FindFieldByAnyName(descriptor, part);
    if (field == nullptr) {
      return absl::NotFoundError(absl::StrCat("no field \"", part, "\" in ", descriptor->name()));
    }
    if (!path.fields.empty() && path.fields.back()->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", dotted, "\" goes through a repeated field"));
    }
    path.fields.push_back(field);
    proto_names.push_back(field->name());
    json_names.push_back(field->json_name());
    descriptor = field->type() == FieldDescriptor::TYPE_MESSAGE ? field->message_type() : nullptr;
  }
  if (path.fields.back()->is_map()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", dotted, "\" is a map field"));
  }
  path.proto_path = absl::StrJoin(proto_names, ".");
  path.json_path = absl::StrJoin(json_names, ".");
  return path;
}

// Parses `text` as the JSON of a message field: first as a JSON string (what
// Timestamp, Duration, FieldMask and the wrappers of strings take), then as
// raw JSON (numbers, booleans, objects).
absl::Status ParseMessageText(absl::string_view text, Message* message) {
  google::protobuf::util::JsonParseOptions options;
  std::string quoted = absl::StrCat("\"", absl::CHexEscape(text), "\"");
  if (google::protobuf::util::JsonStringToMessage(quoted, message, options).ok()) {
    return absl::OkStatus();
  }
  message->Clear();
  google::protobuf::util::Status status =
      google::protobuf::util::JsonStringToMessage(std::string(text), message, options);
  if (!status.ok()) return absl::InvalidArgumentError(ToStdString(status));
  return absl::OkStatus();
}

// Sets (or, for a repeated field, appends) the value of `field` in `message`
// from its text form.
absl::Status SetFromText(Message* message, const FieldDescriptor* field, absl::string_view text,
                         absl::string_view json_path) {
  const Reflection* reflection = message->GetReflection();
  const bool repeated = field->is_repeated();
  auto bad = [&](absl::string_view what) {
    return Violation(json_path, absl::StrCat("must be ", what));
  };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string value(text);
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        if (!absl::WebSafeBase64Unescape(text, &value) && !absl::Base64Unescape(text, &value)) {
          return bad("base64");
        }
      } else if (!petition::IsValidUtf8(std::string_view(text.data(), text.size()))) {
        // A string field holds text: percent-decoded bytes must be UTF-8.
        return Violation(json_path, "must be UTF-8 text");
      } else if (text.find('\0') != absl::string_view::npos) {
        // Storage would cut the text at the NUL.
        return Violation(json_path, "must not contain the NUL character");
      } else if (std::any_of(text.begin(), text.end(), [](char c) {
                   return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
                 })) {
        // A path or query value is one line of text, never a control.
        return Violation(json_path, "must not contain control characters");
      }
      repeated ? reflection->AddString(message, field, std::move(value))
               : reflection->SetString(message, field, std::move(value));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t value;
      if (!absl::SimpleAtoi(text, &value)) return bad("an int32");
      repeated ? reflection->AddInt32(message, field, value)
               : reflection->SetInt32(message, field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t value;
      if (!absl::SimpleAtoi(text, &value)) return bad("an int64");
      repeated ? reflection->AddInt64(message, field, value)
               : reflection->SetInt64(message, field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t value;
      if (text.empty() || text[0] == '-' || !absl::SimpleAtoi(text, &value)) return bad("a uint32");
      repeated ? reflection->AddUInt32(message, field, value)
               : reflection->SetUInt32(message, field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t value;
      if (text.empty() || text[0] == '-' || !absl::SimpleAtoi(text, &value)) return bad("a uint64");
      repeated ? reflection->AddUInt64(message, field, value)
               : reflection->SetUInt64(message, field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double value;
      if (!absl::SimpleAtod(text, &value)) return bad("a number");
      repeated ? reflection->AddDouble(message, field, value)
               : reflection->SetDouble(message, field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float value;
      if (!absl::SimpleAtof(text, &value)) return bad("a number");
      repeated ? reflection->AddFloat(message, field, value)
               : reflection->SetFloat(message, field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool value;
      if (text == "true" || text == "1") {
        value = true;
      } else if (text == "false" || text == "0") {
        value = false;
      } else {
        return bad("true or false");
      }
      repeated ? reflection->AddBool(message, field, value)
               : reflection->SetBool(message, field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      // By name only, and not the zero (UNSPECIFIED) value, which means absent.
      const google::protobuf::EnumValueDescriptor* value =
          field->enum_type()->FindValueByName(std::string(text));
      if (value == nullptr || value->number() == 0) {
        return Violation(json_path, absl::StrCat("must be one of ", EnumNames(field->enum_type())));
      }
      repeated ? reflection->AddEnum(message, field, value)
               : reflection->SetEnum(message, field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      std::unique_ptr<Message> value(
          reflection->GetMessageFactory()->GetPrototype(field->message_type())->New());
      if (absl::Status status = ParseMessageText(text, value.get()); !status.ok()) {
        return Violation(json_path,
                         absl::StrCat("must be a valid ", field->message_type()->full_name()));
      }
      if (repeated) {
        reflection->AddMessage(message, field)->CopyFrom(*value);
      } else {
        reflection->MutableMessage(message, field)->CopyFrom(*value);
      }
      return absl::OkStatus();
    }
  }
  return bad("a settable field");
}

// Walks `path` down from `root`, creating the messages on the way, and sets
// the last field.
absl::Status SetPath(Message* root, const FieldPath& path, absl::string_view text) {
  Message* message = root;
  for (std::size_t i = 0; i + 1 < path.fields.size(); ++i) {
    message = message->GetReflection()->MutableMessage(message, path.fields[i]);
  }
  return SetFromText(message, path.fields.back(), text, path.json_path);
}

bool CoveredBy(absl::string_view path, absl::string_view prefix) {
  return path == prefix || (path.size() > prefix.size() &&
                            path.substr(0, prefix.size()) == prefix && path[prefix.size()] == '.');
}

}  // namespace

const FieldDescriptor* FindFieldByAnyName(const Descriptor* descriptor, absl::string_view name) {
  if (const FieldDescriptor* field = descriptor->FindFieldByName(std::string(name))) return field;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    if (descriptor->field(i)->json_name() == name) return descriptor->field(i);
  }
  return nullptr;
}

absl::StatusOr<Transcoder> Transcoder::Create(const Descriptor* input, absl::string_view body,
                                              const std::vector<std::string>& path_variables) {
  Transcoder transcoder;
  transcoder.input_ = input;
  transcoder.body_ = std::string(body);
  if (!body.empty() && body != "*") {
    transcoder.body_field_ = input->FindFieldByName(std::string(body));
    if (transcoder.body_field_ == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("body \"", body, "\" is not a field of ", input->full_name()));
    }
    transcoder.raw_body_ =
        transcoder.body_field_->type() == FieldDescriptor::TYPE_MESSAGE &&
        !transcoder.body_field_->is_repeated() &&
        transcoder.body_field_->message_type() == petition::v1::HttpBody::descriptor();
  }
  for (const std::string& variable : path_variables) {
    absl::StatusOr<FieldPath> path = ResolvePath(input, variable);
    if (!path.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("path variable of ", input->full_name(), ": ", path.status().message()));
    }
    if (path->fields.back()->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat("path variable \"", variable, "\" is a repeated field"));
    }
    transcoder.path_variables_.push_back(path->proto_path);
    transcoder.bound_paths_.emplace_back(variable, *path);
  }
  return transcoder;
}

namespace {

// The field path at the start of a protobuf JSON parse error ("(a_b[0].c): ..."),
// in JSON names ("aB[0].c"), when it is only a path; "" otherwise. The rest
// of the message may quote the request, so it is never shown.
std::string PathOfParseError(absl::string_view message, const Descriptor* type) {
  if (!absl::ConsumePrefix(&message, "(")) return "";
  std::size_t end = message.find("):");
  if (end == absl::string_view::npos || end == 0 || end > 256) return "";
  absl::string_view path = message.substr(0, end);
  for (char c : path) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '[' &&
        c != ']') {
      return "";
    }
  }
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    absl::string_view name = part.substr(0, part.find('['));
    absl::string_view index = part.substr(name.size());
    const FieldDescriptor* field = type != nullptr ? FindFieldByAnyName(type, name) : nullptr;
    parts.push_back(absl::StrCat(field != nullptr ? field->json_name() : std::string(name), index));
    type = field != nullptr && field->type() == FieldDescriptor::TYPE_MESSAGE
               ? field->message_type()
               : nullptr;
  }
  return absl::StrJoin(parts, ".");
}

}  // namespace

absl::Status Transcoder::MergeBody(absl::string_view body, Message* request) const {
  if (absl::StripAsciiWhitespace(body).empty()) return absl::OkStatus();
  if (body_.empty()) return absl::InvalidArgumentError("this method takes no request body");
  // One pass checks the body and, for the shapes our messages have, fills
  // the request; the rest goes on to protobuf's parser.
  absl::StatusOr<bool> filled = body_field_ == nullptr ? ParseJsonMessage(body, request)
                                                       : ParseJsonField(body, body_field_, request);
  if (!filled.ok()) return filled.status();
  if (*filled) return absl::OkStatus();
  request->Clear();  // the body comes first (ToRequest): nothing else was in it
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  google::protobuf::util::Status status;
  if (body_field_ == nullptr) {
    status = google::protobuf::util::JsonStringToMessage(std::string(body), request, options);
  } else {
    // The body is the JSON of one field: parse it as {"<field>": <body>}.
    std::unique_ptr<Message> wrapper(request->New());
    status = google::protobuf::util::JsonStringToMessage(
        absl::StrCat("{\"", body_field_->json_name(), "\":", body, "}"), wrapper.get(), options);
    if (status.ok()) request->MergeFrom(*wrapper);
  }
  if (!status.ok()) {
    const std::string what = absl::StrCat("body is not valid JSON for ", input_->full_name());
    const std::string path = PathOfParseError(ToStdString(status), input_);
    if (path.empty()) return absl::InvalidArgumentError(what);
    return Violation(path, what);
  }
  return absl::OkStatus();
}

absl::Status Transcoder::MergeQuery(absl::string_view query, Message* request) const {
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    std::string key = PercentDecode(kv.first, /*plus_as_space=*/true);
    std::string value = PercentDecode(kv.second, /*plus_as_space=*/true);
    if (key.empty()) continue;
    absl::StatusOr<FieldPath> path = ResolvePath(input_, key);
    if (!path.ok()) {
      // The key is named back only when it looks like a field path.
      bool shaped = true;
      for (absl::string_view part : absl::StrSplit(key, '.'))
        shaped = shaped && IsFieldNameShaped(part);
      return Violation(shaped ? absl::string_view(key) : absl::string_view("query"),
                       absl::IsNotFound(path.status()) ? "unknown query parameter"
                                                       : "not a settable query parameter");
    }
    if (body_ == "*") {
      return Violation(key, "the request body holds every field; no query parameters");
    }
    if (body_field_ != nullptr && path->fields.front() == body_field_) {
      return Violation(key, "this field comes from the request body");
    }
    for (const std::string& variable : path_variables_) {
      if (CoveredBy(path->proto_path, variable) || CoveredBy(variable, path->proto_path)) {
        return Violation(key, "this field comes from the path");
      }
    }
    if (!path->fields.back()->is_repeated() && !seen.insert(path->proto_path).second) {
      return Violation(path->json_path, "given more than once");
    }
    if (absl::Status status = SetPath(request, *path, value); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status Transcoder::ToRequest(absl::string_view body, absl::string_view query,
                                   const std::vector<RouteTable::Binding>& bindings,
                                   Message* request, const RawRequest& raw) const {
  if (raw_body_) {
    const std::string file_name = PercentDecode(raw.file_name);
    if (!petition::IsValidUtf8(file_name) || file_name.find('\0') != std::string::npos) {
      return Violation("fileName", "X-File-Name must be percent-encoded UTF-8 text");
    }
    auto* http_body = google::protobuf::DynamicCastToGenerated<petition::v1::HttpBody>(
        request->GetReflection()->MutableMessage(request, body_field_));
    if (http_body == nullptr) return absl::InternalError("the raw body field is not generated");
    http_body->set_content_type(std::string(raw.content_type));
    http_body->set_file_name(file_name);
    http_body->set_data(std::string(body));
  } else if (absl::Status status = MergeBody(body, request); !status.ok()) {
    return status;
  }
  if (absl::Status status = MergeQuery(query, request); !status.ok()) return status;
  for (const RouteTable::Binding& binding : bindings) {
    // Resolved at Create(): a handful of entries, compared by name.
    const FieldPath* path = nullptr;
    for (const auto& [variable, resolved] : bound_paths_) {
      if (variable == binding.field_path) path = &resolved;
    }
    if (path == nullptr) {
      return absl::InternalError("a path variable the transcoder was not made for");
    }
    if (absl::Status status = SetPath(request, *path, binding.value); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

std::optional<Transcoder::RawBody> Transcoder::ToRawBody(const Message& message) {
  const auto* body = dynamic_cast<const petition::v1::HttpBody*>(&message);
  if (body == nullptr) return std::nullopt;
  return RawBody{body->content_type(), body->data()};
}

absl::StatusOr<std::string> Transcoder::ToJson(const Message& message) {
  if (std::string json; FastMessageToJson(message, &json)) return json;
  return ProtobufJson(message);
}

absl::StatusOr<std::string> Transcoder::ProtobufJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string json;
  google::protobuf::util::Status status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::InternalError(ToStdString(status));
  return json;
}

}  // namespace petition::gateway
