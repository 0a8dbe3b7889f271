#include "services/gateway/jwt.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "openssl/crypto.h"
#include "openssl/err.h"
#include "openssl/pem.h"

namespace petition::gateway {
namespace {

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid token: ", why));
}

// What is parsed before a signature is checked is bounded (an attacker needs
// no credentials to send it): a token's size, each part's, and how deeply its
// JSON nests. Real headers are one level deep and real claims two (roles,
// aud); a few hundred bytes each.
constexpr size_t kMaxTokenBytes = 8192;
constexpr size_t kMaxHeaderBytes = 1024;
constexpr int kMaxJsonNesting = 4;

// Whether `json` nests objects and arrays at most `max` deep: a linear scan
// that skips strings, run before any parser sees the bytes.
bool NestsAtMost(absl::string_view json, int max) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

absl::StatusOr<google::protobuf::Struct> DecodeJsonPart(absl::string_view part,
                                                        absl::string_view what) {
  absl::StatusOr<std::string> json = Base64UrlDecode(part);
  if (!json.ok()) return Unauthenticated(absl::StrCat(what, " is not base64url"));
  if (!NestsAtMost(*json, kMaxJsonNesting)) {
    return Unauthenticated(absl::StrCat(what, " nests too deeply"));
  }
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

absl::string_view JwtAlgName(JwtAlg alg) { return alg == JwtAlg::kHs256 ? "HS256" : "RS256"; }

absl::StatusOr<JwtKey> JwtKey::Hs256(std::string kid, std::string secret) {
  if (secret.empty()) return absl::InvalidArgumentError("an HS256 secret must not be empty");
  JwtKey key;
  key.kid_ = std::move(kid);
  key.alg_ = JwtAlg::kHs256;
  key.secret_ = std::move(secret);
  return key;
}

absl::StatusOr<JwtKey> JwtKey::Rs256(std::string kid, absl::string_view pem) {
  auto read = [pem](bool is_private) -> EVP_PKEY* {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    if (bio == nullptr) return nullptr;
    return is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                      : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  };
  JwtKey key;
  key.kid_ = std::move(kid);
  key.alg_ = JwtAlg::kRs256;
  const bool is_private = absl::StrContains(pem, "PRIVATE KEY-----");
  EVP_PKEY* raw = read(is_private);
  ERR_clear_error();
  if (raw == nullptr) return absl::InvalidArgumentError("not a PEM RSA key");
  std::shared_ptr<EVP_PKEY> pkey(raw, &EVP_PKEY_free);
  if (EVP_PKEY_base_id(pkey.get()) != EVP_PKEY_RSA) {
    return absl::InvalidArgumentError("an RS256 key must be an RSA key");
  }
  if (EVP_PKEY_bits(pkey.get()) < 2048) {
    return absl::InvalidArgumentError("an RS256 key must have at least 2048 bits");
  }
  key.public_key_ = pkey;
  if (is_private) key.private_key_ = pkey;
  return key;
}

absl::StatusOr<std::string> JwtKey::Sign(absl::string_view input) const {
  if (alg_ == JwtAlg::kHs256) {
    return petition::HmacSha256(secret_, std::string_view(input.data(), input.size()));
  }
  if (private_key_ == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("key \"", kid_, "\" is a public key: it verifies but cannot sign"));
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t size = 0;
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, private_key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    ERR_clear_error();
    return absl::InternalError("RSA signing failed");
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    ERR_clear_error();
    return absl::InternalError("RSA signing failed");
  }
  signature.resize(size);
  return signature;
}

bool JwtKey::VerifySignature(absl::string_view input, absl::string_view signature) const {
  if (alg_ == JwtAlg::kHs256) {
    const std::string expected =
        petition::HmacSha256(secret_, std::string_view(input.data(), input.size()));
    return signature.size() == expected.size() &&
           CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key_.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  ERR_clear_error();
  return ok;
}

absl::StatusOr<std::vector<JwtKey>> ReadJwtKeyFile(const std::string& path) {
  auto slurp = [](const std::filesystem::path& file) -> absl::StatusOr<std::string> {
    std::ifstream in(file, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", file.string()));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  absl::StatusOr<std::string> text = slurp(path);
  if (!text.ok()) return absl::InvalidArgumentError(text.status().message());
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::vector<JwtKey> keys;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++number;
    line = line.substr(0, line.find('#'));
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (fields.empty()) continue;
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " line ", number, ": ", why, " (want: <kid> HS256|RS256 <file>)"));
    };
    if (fields.size() != 3) return bad("three fields expected");
    std::filesystem::path file{std::string(fields[2])};
    if (file.is_relative()) file = dir / file;
    absl::StatusOr<std::string> material = slurp(file);
    if (!material.ok()) return bad(material.status().message());
    absl::StatusOr<JwtKey> key =
        fields[1] == "HS256" ? JwtKey::Hs256(std::string(fields[0]),
                                             std::string(absl::StripAsciiWhitespace(*material)))
        : fields[1] == "RS256"
            ? JwtKey::Rs256(std::string(fields[0]), *material)
            : absl::InvalidArgumentError(absl::StrCat("unknown alg \"", fields[1], "\""));
    if (!key.ok()) return bad(key.status().message());
    keys.push_back(*std::move(key));
  }
  if (keys.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no keys"));
  return keys;
}

Jwt::Jwt(std::string secret)
    : Jwt({std::make_shared<const JwtKey>(*JwtKey::Hs256("", secret.empty() ? "-" : secret))},
          JwtOptions{}) {}

Jwt::Jwt(std::vector<std::shared_ptr<const JwtKey>> keys, JwtOptions options)
    : options_(std::move(options)) {
  for (auto& key : keys) keys_.emplace(key->kid(), std::move(key));
}

absl::StatusOr<Jwt> Jwt::Create(std::vector<JwtKey> keys, JwtOptions options) {
  if (keys.empty()) return absl::InvalidArgumentError("no JWT keys");
  if (options.leeway < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the JWT leeway must not be negative");
  }
  std::vector<std::shared_ptr<const JwtKey>> shared;
  absl::flat_hash_map<std::string, bool> seen;
  for (JwtKey& key : keys) {
    if (!seen.emplace(key.kid(), true).second) {
      return absl::InvalidArgumentError(
          key.kid().empty() ? std::string("more than one JWT key without a kid")
                            : absl::StrCat("JWT key id \"", key.kid(), "\" given twice"));
    }
    shared.push_back(std::make_shared<const JwtKey>(std::move(key)));
  }
  return Jwt(std::move(shared), std::move(options));
}

std::string Jwt::Mint(const Claims& claims) const {
  absl::StatusOr<std::string> token = Mint(claims, "");
  return token.ok() ? *std::move(token) : std::string();
}

absl::StatusOr<std::string> Jwt::Mint(const Claims& claims, absl::string_view kid) const {
  auto it = keys_.find(kid);
  if (it == keys_.end()) {
    return absl::NotFoundError(kid.empty() ? std::string("no key without a kid to sign with")
                                           : absl::StrCat("no key \"", kid, "\""));
  }
  const JwtKey& key = *it->second;
  google::protobuf::Struct header;
  (*header.mutable_fields())["alg"].set_string_value(std::string(JwtAlgName(key.alg())));
  (*header.mutable_fields())["typ"].set_string_value("JWT");
  if (!key.kid().empty()) (*header.mutable_fields())["kid"].set_string_value(key.kid());
  google::protobuf::Struct payload;
  auto& fields = *payload.mutable_fields();
  fields["sub"].set_string_value(claims.subject);
  auto* roles = fields["roles"].mutable_list_value();
  for (const std::string& role : claims.roles) roles->add_values()->set_string_value(role);
  if (!claims.unit_id.empty()) fields["unitId"].set_string_value(claims.unit_id);
  if (!claims.issuer.empty()) fields["iss"].set_string_value(claims.issuer);
  if (!claims.audience.empty()) fields["aud"].set_string_value(claims.audience);
  if (claims.issued_at != absl::InfinitePast()) {
    fields["iat"].set_number_value(static_cast<double>(absl::ToUnixSeconds(claims.issued_at)));
  }
  fields["exp"].set_number_value(static_cast<double>(absl::ToUnixSeconds(claims.expires_at)));
  std::string header_json, json;
  // Structs of strings and numbers always print.
  (void)google::protobuf::util::MessageToJsonString(header, &header_json);
  (void)google::protobuf::util::MessageToJsonString(payload, &json);
  std::string signing_input =
      absl::StrCat(Base64UrlEncode(header_json), ".", Base64UrlEncode(json));
  absl::StatusOr<std::string> signature = key.Sign(signing_input);
  if (!signature.ok()) return signature.status();
  return absl::StrCat(signing_input, ".", Base64UrlEncode(*signature));
}

absl::Status Jwt::CheckTimes(const Claims& claims, absl::Time now) const {
  const absl::Duration leeway = options_.leeway;
  if (now >= claims.expires_at + leeway) return absl::UnauthenticatedError("token expired");
  if (claims.not_before != absl::InfinitePast() && now + leeway < claims.not_before) {
    return Unauthenticated("token not yet valid");
  }
  if (claims.issued_at != absl::InfinitePast() && now + leeway < claims.issued_at) {
    return Unauthenticated("token issued in the future");
  }
  return absl::OkStatus();
}

absl::StatusOr<Jwt::Claims> Jwt::Verify(absl::string_view token, absl::Time now) const {
  if (token.size() > kMaxTokenBytes) return Unauthenticated("too long");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return Unauthenticated("not a JWS compact serialization");
  }
  if (parts[0].size() > kMaxHeaderBytes) return Unauthenticated("header too long");
  absl::StatusOr<google::protobuf::Struct> header = DecodeJsonPart(parts[0], "header");
  if (!header.ok()) return header.status();
  const google::protobuf::Value* alg = Find(*header, "alg");
  if (alg == nullptr || alg->kind_case() != google::protobuf::Value::kStringValue) {
    return Unauthenticated("no alg");
  }
  if (alg->string_value() != "HS256" && alg->string_value() != "RS256") {
    // Nothing from the token is echoed (the answer goes into a header too).
    return Unauthenticated("alg is not accepted (HS256 and RS256 are)");
  }
  std::string kid;
  if (const google::protobuf::Value* value = Find(*header, "kid")) {
    if (value->kind_case() != google::protobuf::Value::kStringValue) {
      return Unauthenticated("kid is not a string");
    }
    kid = value->string_value();
  }
  auto it = keys_.find(kid);
  if (it == keys_.end()) {
    return Unauthenticated(kid.empty() ? std::string("no kid, and no key without one")
                                       : std::string("unknown kid"));
  }
  const JwtKey& key = *it->second;
  // The key's algorithm decides; the header must agree with it.
  if (alg->string_value() != JwtAlgName(key.alg())) {
    return Unauthenticated(
        absl::StrCat("alg does not match the key's (", JwtAlgName(key.alg()), ")"));
  }

  // Signature before looking at any claim.
  absl::StatusOr<std::string> signature = Base64UrlDecode(parts[2]);
  if (!signature.ok() ||
      !key.VerifySignature(token.substr(0, parts[0].size() + 1 + parts[1].size()), *signature)) {
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
  absl::StatusOr<std::string> issuer = StringClaim(*payload, "iss");
  if (!issuer.ok()) return issuer.status();
  claims.issuer = *std::move(issuer);
  if (!options_.issuer.empty() && claims.issuer != options_.issuer) {
    return Unauthenticated("wrong issuer");
  }
  if (!options_.audience.empty()) {
    bool found = false;
    if (const google::protobuf::Value* aud = Find(*payload, "aud")) {
      if (aud->kind_case() == google::protobuf::Value::kStringValue) {
        found = aud->string_value() == options_.audience;
      } else if (aud->kind_case() == google::protobuf::Value::kListValue) {
        for (const google::protobuf::Value& one : aud->list_value().values()) {
          found = found || (one.kind_case() == google::protobuf::Value::kStringValue &&
                            one.string_value() == options_.audience);
        }
      }
    }
    if (!found) return Unauthenticated("wrong audience");
    claims.audience = options_.audience;
  }
  absl::StatusOr<absl::Time> issued_at = TimeClaim(*payload, "iat");
  if (!issued_at.ok()) return issued_at.status();
  claims.issued_at = *issued_at;
  absl::StatusOr<absl::Time> expires_at = TimeClaim(*payload, "exp");
  if (!expires_at.ok()) return expires_at.status();
  if (*expires_at == absl::InfinitePast()) return Unauthenticated("no exp claim");
  claims.expires_at = *expires_at;
  absl::StatusOr<absl::Time> not_before = TimeClaim(*payload, "nbf");
  if (!not_before.ok()) return not_before.status();
  claims.not_before = *not_before;
  if (absl::Status times = CheckTimes(claims, now); !times.ok()) return times;
  return claims;
}

}  // namespace petition::gateway
