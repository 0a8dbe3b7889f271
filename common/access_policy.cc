#include "common/access_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/call_proof.h"
#include "petition/v1/http.pb.h"

namespace petition {
namespace {

constexpr std::string_view kOpenServices[] = {
    "grpc.health.v1.Health",
    "grpc.reflection.v1alpha.ServerReflection",
    "grpc.reflection.v1.ServerReflection",
};

bool IsOpenService(std::string_view name) {
  return std::find(std::begin(kOpenServices), std::end(kOpenServices), name) !=
         std::end(kOpenServices);
}

}  // namespace

bool AccessPolicy::IsOpenMethod(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  size_t slash = path.find('/');
  return slash != std::string_view::npos && IsOpenService(path.substr(0, slash));
}

absl::StatusOr<AccessPolicy> AccessPolicy::Build(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  AccessPolicy policy;
  for (const google::protobuf::ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      const google::protobuf::MethodOptions& options = method->options();
      MethodAccess access;
      if (options.HasExtension(v1::http)) {
        const v1::HttpRule& rule = options.GetExtension(v1::http);
        access.routed = true;
        access.public_ = rule.public_();
        access.roles.assign(rule.roles().begin(), rule.roles().end());
        if (!access.public_ && access.roles.empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat(method->full_name(),
                           ": its (petition.v1.http) option names no roles and is not public; "
                           "list the roles that may call it"));
        }
      }
      if (options.HasExtension(v1::internal_callers)) {
        for (const std::string& caller : options.GetExtension(v1::internal_callers).services()) {
          if (!IsKnownCaller(caller) || caller == kGatewayCaller) {
            return absl::InvalidArgumentError(absl::StrCat(
                method->full_name(), ": (petition.v1.internal_callers) names an unknown service"));
          }
          access.internal_callers.push_back(caller);
        }
      }
      if (!access.routed && access.internal_callers.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(method->full_name(),
                         ": no (petition.v1.http) roles and no (petition.v1.internal_callers): "
                         "say who may call it"));
      }
      policy.methods_.emplace(absl::StrCat("/", service->full_name(), "/", method->name()),
                              std::move(access));
    }
  }
  return policy;
}

absl::StatusOr<AccessPolicy> AccessPolicy::ForServices(const std::vector<std::string>& names) {
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const std::string& name : names) {
    if (IsOpenService(name)) continue;
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("service ", name, " has no descriptor to read its access rules from"));
    }
    services.push_back(service);
  }
  return Build(services);
}

const MethodAccess* AccessPolicy::Find(std::string_view path) const {
  auto it = methods_.find(absl::string_view(path.data(), path.size()));
  return it == methods_.end() ? nullptr : &it->second;
}

absl::Status AccessPolicy::Authorize(const MethodAccess& access, std::string_view caller,
                                     const Principal& principal) {
  if (caller == kGatewayCaller) {
    if (!access.routed) {
      return absl::PermissionDeniedError("this method is internal to the services");
    }
    if (access.public_) return absl::OkStatus();
    if (principal.subject.empty()) {
      return absl::PermissionDeniedError("this method needs an authenticated caller");
    }
    for (const std::string& role : access.roles) {
      if (principal.HasRole(role)) return absl::OkStatus();
    }
    return absl::PermissionDeniedError("the caller's roles do not allow this operation");
  }
  if (std::find(access.internal_callers.begin(), access.internal_callers.end(), caller) !=
      access.internal_callers.end()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError("this service may not call this method");
}

}  // namespace petition
