// The gateway's path matcher, in the spirit of grpc-httpjson-transcoding's
// PathMatcher: built once from (HTTP verb, path template, payload) entries by a
// Builder, then immutable and safe to share between threads.
//
// Template grammar (google.api.http, without "{var=segments}"):
//   Template = "/" Segments [ ":" Verb ] ;
//   Segments = Segment { "/" Segment } ;
//   Segment  = LITERAL | "{" FieldPath "}" | "*" | "**" ;
//   FieldPath = IDENT { "." IDENT } ;
// "{field}" and "*" match exactly one non-empty segment; "{field}" binds its
// percent-decoded value to the request field. "**" matches zero or more
// segments and must be the last segment. When several templates match, a
// literal segment beats "{field}"/"*", which beat "**" (decided segment by
// segment from the left). A custom verb (":accept") belongs to the last
// segment of the request path.
#ifndef PETITION_SERVICES_GATEWAY_ROUTE_TABLE_H_
#define PETITION_SERVICES_GATEWAY_ROUTE_TABLE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace petition::gateway {

class RouteTable {
 public:
  struct Route {
    std::string verb;           // "GET", "POST", ...
    std::string path_template;  // as registered, e.g. "/v1/cases/{case_id}:accept"
    std::size_t payload = 0;    // the caller's index for this route
    // The field paths of the template's variables, in order ("case_id", "a.b").
    std::vector<std::string> variables;
  };

  struct Binding {
    std::string field_path;  // "case_id", "a.b"
    std::string value;       // percent-decoded
  };

  enum class Outcome { kMatched, kNotFound, kMethodNotAllowed };

  struct MatchResult {
    Outcome outcome = Outcome::kNotFound;
    const Route* route = nullptr;      // kMatched only
    std::vector<Binding> bindings;     // kMatched only
    std::vector<std::string> allowed;  // kMethodNotAllowed only: sorted verbs
  };

  class Builder {
   public:
    Builder();
    ~Builder();
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;

    // Fails on a malformed template or one that has the same verb and shape
    // as an earlier entry ("{a}" and "{b}" in the same place are the same shape).
    absl::Status Add(absl::string_view verb, absl::string_view path_template, std::size_t payload);
    // Fails with the first error of Add, if any.
    absl::StatusOr<std::unique_ptr<RouteTable>> Build() &&;

   private:
    std::unique_ptr<RouteTable> table_;
    absl::Status first_error_;
  };

  ~RouteTable();
  RouteTable(const RouteTable&) = delete;
  RouteTable& operator=(const RouteTable&) = delete;

  // `path` is the path part of the request target (no query string).
  MatchResult Match(absl::string_view verb, absl::string_view path) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  struct Node;

  RouteTable();

  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
  // Parallel to routes_: the segment index of each variable.
  std::vector<std::vector<std::size_t>> positions_;
  absl::flat_hash_set<std::string> custom_verbs_;
};

// Decodes %XX escapes (invalid escapes are kept verbatim); with
// `plus_as_space` (query strings) '+' becomes ' '.
std::string PercentDecode(absl::string_view in, bool plus_as_space = false);

}  // namespace petition::gateway

#endif  // PETITION_SERVICES_GATEWAY_ROUTE_TABLE_H_
