#include "services/gateway/auth.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/ids.h"

namespace petition::gateway {
namespace {

constexpr absl::string_view kBearer = "bearer ";

}  // namespace

absl::StatusOr<absl::flat_hash_map<std::string, Principal>> Auth::ParseApiKeys(
    absl::string_view spec) {
  absl::flat_hash_map<std::string, Principal> keys;
  for (absl::string_view entry : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::pair<absl::string_view, absl::string_view> key_value =
        absl::StrSplit(entry, absl::MaxSplits('=', 1));
    std::vector<absl::string_view> parts = absl::StrSplit(key_value.second, ':');
    auto bad = [&](absl::string_view why) {
      // Never echo the key itself.
      return absl::InvalidArgumentError(absl::StrCat("--api_keys: entry for subject \"",
                                                     parts.empty() ? "" : parts[0], "\": ", why,
                                                     " (want key=subject:role1+role2[:unitId])"));
    };
    if (key_value.first.empty()) return bad("empty key");
    if (parts.size() < 2 || parts.size() > 3 || parts[0].empty()) {
      return bad("want subject:roles[:unitId]");
    }
    Principal principal;
    principal.subject = std::string(parts[0]);
    for (absl::string_view role : absl::StrSplit(parts[1], '+', absl::SkipEmpty())) {
      principal.roles.push_back(std::string(role));
    }
    if (principal.roles.empty()) return bad("no roles");
    if (parts.size() == 3) principal.unit_id = std::string(parts[2]);
    bool safe = petition::IsValidPrincipalId(principal.subject) &&
                (principal.unit_id.empty() || petition::IsValidPrincipalId(principal.unit_id));
    for (const std::string& role : principal.roles)
      safe = safe && petition::IsValidPrincipalId(role);
    if (!safe) return bad("subject, roles and unit must be ids (letters, digits, _ . : @ -)");
    if (!keys.emplace(std::string(key_value.first), std::move(principal)).second) {
      return bad("the same key twice");
    }
  }
  return keys;
}

absl::StatusOr<std::unique_ptr<Auth>> Auth::Create(std::string jwt_secret,
                                                   absl::string_view api_keys) {
  if (jwt_secret.empty()) return absl::InvalidArgumentError("--jwt_secret must not be empty");
  absl::StatusOr<absl::flat_hash_map<std::string, Principal>> keys = ParseApiKeys(api_keys);
  if (!keys.ok()) return keys.status();
  return std::unique_ptr<Auth>(new Auth(Jwt(std::move(jwt_secret)), *std::move(keys)));
}

absl::StatusOr<Principal> Auth::Authenticate(absl::string_view authorization,
                                             absl::string_view api_key, absl::Time now) const {
  authorization = absl::StripAsciiWhitespace(authorization);
  if (!authorization.empty()) {
    if (!absl::StartsWithIgnoreCase(authorization, kBearer)) {
      return absl::UnauthenticatedError("Authorization must be \"Bearer <token>\"");
    }
    absl::StatusOr<Jwt::Claims> claims =
        tokens_.Verify(absl::StripAsciiWhitespace(authorization.substr(kBearer.size())), now);
    if (!claims.ok()) return claims.status();
    Principal principal;
    principal.subject = std::move(claims->subject);
    principal.roles = std::move(claims->roles);
    principal.unit_id = std::move(claims->unit_id);
    // The principal travels in gRPC metadata and in every log line: ids only.
    bool safe = petition::IsValidPrincipalId(principal.subject) &&
                (principal.unit_id.empty() || petition::IsValidPrincipalId(principal.unit_id));
    for (const std::string& role : principal.roles)
      safe = safe && petition::IsValidPrincipalId(role);
    if (!safe) {
      return absl::UnauthenticatedError(
          "token claims sub, unitId and roles must be ids (letters, digits, _ . : @ -)");
    }
    return principal;
  }
  if (!api_key.empty()) {
    auto it = api_keys_.find(absl::StripAsciiWhitespace(api_key));
    if (it == api_keys_.end()) return absl::UnauthenticatedError("unknown API key");
    return it->second;
  }
  return absl::UnauthenticatedError(
      "credentials required: Authorization: Bearer <token> or X-Api-Key");
}

absl::StatusOr<Principal> Auth::Authorize(const v1::HttpRule& rule, absl::string_view authorization,
                                          absl::string_view api_key, absl::Time now) const {
  absl::StatusOr<Principal> principal = Authenticate(authorization, api_key, now);
  if (rule.public_()) return principal.ok() ? *std::move(principal) : Principal{};
  if (!principal.ok()) return principal.status();
  if (rule.roles().empty()) return principal;
  for (const std::string& role : rule.roles()) {
    if (principal->HasRole(role)) return principal;
  }
  return absl::PermissionDeniedError(
      absl::StrCat("this needs one of the roles ", absl::StrJoin(rule.roles(), ", ")));
}

}  // namespace petition::gateway
