#include "services/gateway/jwt.h"

#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "openssl/crypto.h"

namespace petition::gateway {
namespace {

constexpr char kHeader[] = R"({"alg":"HS256","typ":"JWT"})";

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid token: ", why));
}

absl::StatusOr<google::protobuf::Struct> DecodeJsonPart(absl::string_view part,
                                                        absl::string_view what) {
  absl::StatusOr<std::string> json = Base64UrlDecode(part);
  if (!json.ok()) return Unauthenticated(absl::StrCat(what, " is not base64url"));
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(*json, &object).ok()) {
    return Unauthenticated(absl::StrCat(what, " is not a JSON object"));
  }
  return object;
}

const google::protobuf::Value* Find(const google::protobuf::Struct& object, const char* key) {
  auto it = object.fields().find(key);
  return it == object.fields().end() ? nullptr : &it->second;
}

// NumericDate claims are whole seconds from 1970 to the end of year 9999.
// The JSON number arrives as a double; below 2^53 every integer is exact, so
// the range and integrality are checked on the double before any conversion.
constexpr double kMaxNumericDate = 253402300799.0;  // 9999-12-31T23:59:59Z

// A NumericDate claim; absent is InfinitePast.
absl::StatusOr<absl::Time> TimeClaim(const google::protobuf::Struct& claims, const char* key) {
  const google::protobuf::Value* value = Find(claims, key);
  if (value == nullptr) return absl::InfinitePast();
  if (value->kind_case() != google::protobuf::Value::kNumberValue) {
    return Unauthenticated(absl::StrCat("claim ", key, " is not a number"));
  }
  const double seconds = value->number_value();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxNumericDate) {
    return Unauthenticated(absl::StrCat("claim ", key, " is out of range"));
  }
  if (std::trunc(seconds) != seconds) {
    return Unauthenticated(absl::StrCat("claim ", key, " is not a whole number of seconds"));
  }
  return absl::FromUnixSeconds(static_cast<int64_t>(seconds));
}

absl::StatusOr<std::string> StringClaim(const google::protobuf::Struct& claims, const char* key) {
  const google::protobuf::Value* value = Find(claims, key);
  if (value == nullptr) return std::string();
  if (value->kind_case() != google::protobuf::Value::kStringValue) {
    return Unauthenticated(absl::StrCat("claim ", key, " is not a string"));
  }
  return value->string_value();
}

std::string Sign(absl::string_view secret, absl::string_view signing_input) {
  return Base64UrlEncode(petition::HmacSha256(std::string(secret), std::string(signing_input)));
}

}  // namespace

std::string Base64UrlEncode(absl::string_view bytes) { return absl::WebSafeBase64Escape(bytes); }

absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') {
      return absl::InvalidArgumentError("not base64url");
    }
  }
  if (text.size() % 4 == 1) return absl::InvalidArgumentError("not base64url");
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(text, &bytes)) {
    return absl::InvalidArgumentError("not base64url");
  }
  return bytes;
}

std::string Jwt::Mint(const Claims& claims) const {
  google::protobuf::Struct payload;
  auto& fields = *payload.mutable_fields();
  fields["sub"].set_string_value(claims.subject);
  auto* roles = fields["roles"].mutable_list_value();
  for (const std::string& role : claims.roles) roles->add_values()->set_string_value(role);
  if (!claims.unit_id.empty()) fields["unitId"].set_string_value(claims.unit_id);
  if (claims.issued_at != absl::InfinitePast()) {
    fields["iat"].set_number_value(static_cast<double>(absl::ToUnixSeconds(claims.issued_at)));
  }
  fields["exp"].set_number_value(static_cast<double>(absl::ToUnixSeconds(claims.expires_at)));
  std::string json;
  // A Struct of strings and numbers always prints.
  (void)google::protobuf::util::MessageToJsonString(payload, &json);
  std::string signing_input = absl::StrCat(Base64UrlEncode(kHeader), ".", Base64UrlEncode(json));
  return absl::StrCat(signing_input, ".", Sign(secret_, signing_input));
}

absl::StatusOr<Jwt::Claims> Jwt::Verify(absl::string_view token, absl::Time now) const {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return Unauthenticated("not a JWS compact serialization");
  }
  absl::StatusOr<google::protobuf::Struct> header = DecodeJsonPart(parts[0], "header");
  if (!header.ok()) return header.status();
  const google::protobuf::Value* alg = Find(*header, "alg");
  if (alg == nullptr || alg->string_value() != "HS256") {
    return Unauthenticated("alg must be HS256");
  }

  // Signature before looking at any claim.
  absl::StatusOr<std::string> signature = Base64UrlDecode(parts[2]);
  std::string expected = petition::HmacSha256(
      secret_, std::string(token.substr(0, parts[0].size() + 1 + parts[1].size())));
  if (!signature.ok() || signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return Unauthenticated("bad signature");
  }

  absl::StatusOr<google::protobuf::Struct> payload = DecodeJsonPart(parts[1], "payload");
  if (!payload.ok()) return payload.status();
  Claims claims;
  absl::StatusOr<std::string> subject = StringClaim(*payload, "sub");
  if (!subject.ok()) return subject.status();
  if (subject->empty()) return Unauthenticated("no sub claim");
  claims.subject = *std::move(subject);
  absl::StatusOr<std::string> unit = StringClaim(*payload, "unitId");
  if (!unit.ok()) return unit.status();
  claims.unit_id = *std::move(unit);
  if (const google::protobuf::Value* roles = Find(*payload, "roles")) {
    if (roles->kind_case() != google::protobuf::Value::kListValue) {
      return Unauthenticated("claim roles is not an array");
    }
    for (const google::protobuf::Value& role : roles->list_value().values()) {
      if (role.kind_case() != google::protobuf::Value::kStringValue) {
        return Unauthenticated("claim roles holds a non-string");
      }
      claims.roles.push_back(role.string_value());
    }
  }
  absl::StatusOr<absl::Time> issued_at = TimeClaim(*payload, "iat");
  if (!issued_at.ok()) return issued_at.status();
  claims.issued_at = *issued_at;
  absl::StatusOr<absl::Time> expires_at = TimeClaim(*payload, "exp");
  if (!expires_at.ok()) return expires_at.status();
  if (*expires_at == absl::InfinitePast()) return Unauthenticated("no exp claim");
  if (now >= *expires_at) return absl::UnauthenticatedError("token expired");
  claims.expires_at = *expires_at;
  absl::StatusOr<absl::Time> not_before = TimeClaim(*payload, "nbf");
  if (!not_before.ok()) return not_before.status();
  if (now < *not_before) return Unauthenticated("token not yet valid");
  claims.not_before = *not_before;
  return claims;
}

}  // namespace petition::gateway
