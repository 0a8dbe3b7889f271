// Who may call each method of a service: read once at start-up from the
// methods' options in proto/petition/v1/http.proto (the same `roles` the
// gateway reads, and `internal_callers`), then immutable. The call guard
// (common/call_guard.h) enforces it for every call before a handler runs;
// handlers keep only object-level rules (common/case_visibility.h).
//
// A method is callable
//   - through the gateway when it has an http option: by anyone if `public`,
//     else by a principal holding one of its `roles`;
//   - by another service when that service is in its `internal_callers`.
// A method with neither, or an http option with no roles that is not public,
// is a start-up error: nothing is open by omission.
#ifndef PETITION_COMMON_ACCESS_POLICY_H_
#define PETITION_COMMON_ACCESS_POLICY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/request_context.h"
#include "google/protobuf/descriptor.h"

namespace petition {

struct MethodAccess {
  bool routed = false;                        // has an http option: the gateway may call it
  bool public_ = false;                       // ... without a principal
  std::vector<std::string> roles;             // ... else with one of these roles
  std::vector<std::string> internal_callers;  // services that may call it directly
};

class AccessPolicy {
 public:
  // Every method of `services`. INVALID_ARGUMENT naming the first method
  // without a rule.
  static absl::StatusOr<AccessPolicy> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);
  // The same for services named by full name in the generated pool; the
  // health and reflection services, open to all, are skipped.
  static absl::StatusOr<AccessPolicy> ForServices(const std::vector<std::string>& names);

  // grpc.health.v1 and server reflection: callable without proof.
  static bool IsOpenMethod(std::string_view path);

  // The rule of "/package.Service/Method"; null when the method is unknown.
  const MethodAccess* Find(std::string_view path) const;

  // May `caller` (already proven), acting for `principal` when it is the
  // gateway, call the method with rule `access`? PERMISSION_DENIED if not.
  static absl::Status Authorize(const MethodAccess& access, std::string_view caller,
                                const Principal& principal);

  size_t size() const { return methods_.size(); }

 private:
  absl::flat_hash_map<std::string, MethodAccess> methods_;  // by "/pkg.Service/Method"
};

}  // namespace petition

#endif  // PETITION_COMMON_ACCESS_POLICY_H_
