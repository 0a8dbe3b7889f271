// JSON/HTTP <-> protobuf for one annotated method: builds the request message
// from the body, the path variables and the query string, and renders the
// response message as JSON (protobuf's JSON mapping, lowerCamelCase names,
// default values printed).
#ifndef PETITION_SERVICES_GATEWAY_TRANSCODER_H_
#define PETITION_SERVICES_GATEWAY_TRANSCODER_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "services/gateway/route_table.h"

namespace petition::gateway {

// A dotted field path ("a.b_c") resolved against a message type.
struct FieldPath {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  std::string proto_path;  // "a.b_c"
  std::string json_path;   // "a.bC"
};

class Transcoder {
 public:
  // `body`: "*" (the whole message), a top-level field name, or "" (no body).
  // `path_variables`: field paths bound by the path template ("case_id", "a.b").
  // Fails when a name does not resolve to a field of `input`.
  static absl::StatusOr<Transcoder> Create(const google::protobuf::Descriptor* input,
                                           absl::string_view body,
                                           const std::vector<std::string>& path_variables);

  // Fills `request` (of the input type): the JSON body first, then the query
  // parameters (proto or JSON field names; repeated fields by repeated keys),
  // then the path variables, which win. INVALID_ARGUMENT (with a field
  // violation where one field is to blame) on anything that does not fit.
  // For a raw body (raw_body()), `body` is not parsed: the body field (a
  // petition.v1.HttpBody) gets the bytes, `raw.content_type` and
  // `raw.file_name` (still percent-encoded; decoded here, INVALID_ARGUMENT
  // naming fileName when that is not UTF-8 text).
  struct RawRequest {
    absl::string_view content_type;
    absl::string_view file_name;
  };
  absl::Status ToRequest(absl::string_view body, absl::string_view query,
                         const std::vector<RouteTable::Binding>& bindings,
                         google::protobuf::Message* request, const RawRequest& raw = {}) const;
  // The method's body field is a petition.v1.HttpBody: the HTTP body is
  // taken as it is (an upload), not as JSON.
  bool raw_body() const { return raw_body_; }

  // A petition.v1.HttpBody response: its content type and bytes, which are
  // written as they are; nullopt for any other message (answered in JSON).
  struct RawBody {
    std::string content_type;
    std::string data;
  };
  static std::optional<RawBody> ToRawBody(const google::protobuf::Message& message);

  // The JSON of a response message.
  static absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);
  // The same through protobuf's JSON printer only (ToJson takes a faster path
  // for the common shapes; see fast_json.h).
  static absl::StatusOr<std::string> ProtobufJson(const google::protobuf::Message& message);

  const google::protobuf::Descriptor* input() const { return input_; }
  const std::string& body() const { return body_; }
  // The body field when `body()` names one.
  const google::protobuf::FieldDescriptor* body_field() const { return body_field_; }

 private:
  Transcoder() = default;

  absl::Status MergeBody(absl::string_view body, google::protobuf::Message* request) const;
  absl::Status MergeQuery(absl::string_view query, google::protobuf::Message* request) const;

  const google::protobuf::Descriptor* input_ = nullptr;
  std::string body_;
  const google::protobuf::FieldDescriptor* body_field_ = nullptr;
  bool raw_body_ = false;
  // Proto-name paths bound by the path template.
  std::vector<std::string> path_variables_;
  // The same resolved once, by the names the route table binds them under.
  std::vector<std::pair<std::string, FieldPath>> bound_paths_;
};

// Finds a field by proto name or JSON (lowerCamelCase) name.
const google::protobuf::FieldDescriptor* FindFieldByAnyName(
    const google::protobuf::Descriptor* descriptor, absl::string_view name);

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_TRANSCODER_H_
