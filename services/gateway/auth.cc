#include "services/gateway/auth.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "openssl/sha.h"

namespace petition::gateway {
namespace {

constexpr absl::string_view kBearer = "bearer ";

// The principal travels in gRPC metadata and in every log line: ids only.
bool IsSafePrincipal(const Principal& principal) {
  bool safe = petition::IsValidPrincipalId(principal.subject) &&
              (principal.unit_id.empty() || petition::IsValidPrincipalId(principal.unit_id));
  for (const std::string& role : principal.roles) safe = safe && petition::IsValidPrincipalId(role);
  return safe;
}

bool IsSha256Hex(absl::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

}  // namespace

std::string ApiKeyHash(absl::string_view key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  return petition::HexEncode(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

absl::StatusOr<Auth::KeyTable> Auth::ParseApiKeyFile(absl::string_view text,
                                                     absl::string_view name) {
  KeyTable keys;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = line.substr(0, line.find('#'));
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (fields.empty()) continue;
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " line ", number, ": ", why,
                       " (want: <sha256-hex of the key> <subject> <role1+role2> [unitId])"));
    };
    if (fields.size() < 3 || fields.size() > 4) return bad("3 or 4 fields expected");
    std::string hash = absl::AsciiStrToLower(fields[0]);
    if (!IsSha256Hex(hash)) return bad("the first field is not 64 hex digits (a SHA-256)");
    Principal principal;
    principal.subject = std::string(fields[1]);
    for (absl::string_view role :
         absl::StrSplit(fields[2], absl::ByAnyChar("+,"), absl::SkipEmpty())) {
      principal.roles.emplace_back(role);
    }
    if (principal.roles.empty()) return bad("no roles");
    if (fields.size() == 4) principal.unit_id = std::string(fields[3]);
    if (!IsSafePrincipal(principal)) {
      return bad("subject, roles and unit must be ids (letters, digits, _ . : @ -)");
    }
    if (!keys.emplace(std::move(hash), std::move(principal)).second) {
      return bad("the same key twice");
    }
  }
  return keys;
}

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
    if (!IsSafePrincipal(principal)) {
      return bad("subject, roles and unit must be ids (letters, digits, _ . : @ -)");
    }
    if (!keys.emplace(std::string(key_value.first), std::move(principal)).second) {
      return bad("the same key twice");
    }
  }
  return keys;
}

absl::StatusOr<std::unique_ptr<Auth>> Auth::Create(std::string jwt_secret,
                                                   absl::string_view api_keys) {
  if (jwt_secret.empty()) return absl::InvalidArgumentError("--jwt_secret must not be empty");
  return Create(Jwt(std::move(jwt_secret)), api_keys, "");
}

absl::StatusOr<std::unique_ptr<Auth>> Auth::Create(Jwt jwt, absl::string_view api_keys,
                                                   std::string api_keys_file) {
  absl::StatusOr<absl::flat_hash_map<std::string, Principal>> keys = ParseApiKeys(api_keys);
  if (!keys.ok()) return keys.status();
  KeyTable hashed;
  for (auto& [key, principal] : *keys) hashed.emplace(ApiKeyHash(key), std::move(principal));
  std::unique_ptr<Auth> auth(new Auth(std::move(jwt), std::move(hashed), std::move(api_keys_file)));
  absl::StatusOr<std::size_t> loaded = auth->ReloadApiKeys();
  if (!loaded.ok()) return loaded.status();
  return auth;
}

const Jwt& Auth::jwt() const {
  absl::ReaderMutexLock lock(&keys_mu_);
  return verifier_->jwt;
}

void Auth::ReplaceJwt(Jwt jwt) {
  auto verifier = std::make_shared<Verifier>(std::move(jwt));
  absl::MutexLock lock(&keys_mu_);
  verifier_ = std::move(verifier);
}

absl::StatusOr<std::size_t> Auth::ReloadApiKeys() {
  auto table = std::make_shared<KeyTable>(flag_keys_);
  if (!api_keys_file_.empty()) {
    std::ifstream in(api_keys_file_, std::ios::binary);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", api_keys_file_));
    std::ostringstream text;
    text << in.rdbuf();
    absl::StatusOr<KeyTable> file_keys = ParseApiKeyFile(text.str(), api_keys_file_);
    if (!file_keys.ok()) return file_keys.status();
    for (auto& [hash, principal] : *file_keys) {
      if (table->contains(hash)) {
        return absl::InvalidArgumentError(absl::StrCat(api_keys_file_, ": a key of subject \"",
                                                       principal.subject,
                                                       "\" is also given by --api_keys"));
      }
      table->emplace(hash, std::move(principal));
    }
  }
  const std::size_t size = table->size();
  absl::MutexLock lock(&keys_mu_);
  keys_ = std::move(table);
  return size;
}

absl::StatusOr<Principal> Auth::Authenticate(absl::string_view authorization,
                                             absl::string_view api_key, absl::Time now) const {
  authorization = absl::StripAsciiWhitespace(authorization);
  if (!authorization.empty()) {
    if (!absl::StartsWithIgnoreCase(authorization, kBearer)) {
      return absl::UnauthenticatedError("Authorization must be \"Bearer <token>\"");
    }
    std::shared_ptr<Verifier> verifier;
    {
      absl::ReaderMutexLock lock(&keys_mu_);
      verifier = verifier_;
    }
    absl::StatusOr<Jwt::Claims> claims = verifier->tokens.Verify(
        absl::StripAsciiWhitespace(authorization.substr(kBearer.size())), now);
    if (!claims.ok()) return claims.status();
    Principal principal;
    principal.subject = std::move(claims->subject);
    principal.roles = std::move(claims->roles);
    principal.unit_id = std::move(claims->unit_id);
    if (!IsSafePrincipal(principal)) {
      return absl::UnauthenticatedError(
          "token claims sub, unitId and roles must be ids (letters, digits, _ . : @ -)");
    }
    return principal;
  }
  if (!api_key.empty()) {
    std::shared_ptr<const KeyTable> keys;
    {
      absl::ReaderMutexLock lock(&keys_mu_);
      keys = keys_;
    }
    auto it = keys->find(ApiKeyHash(absl::StripAsciiWhitespace(api_key)));
    if (it == keys->end()) return absl::UnauthenticatedError("unknown API key");
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
