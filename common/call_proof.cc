#include "common/call_proof.h"

#include <openssl/crypto.h>

#include <cstdint>
#include <map>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/request_context.h"

ABSL_FLAG(std::string, internal_secret, "",
          "Secret shared by the four processes (at least 32 characters) with which each proves "
          "who makes a gRPC call (required; env PETITION_INTERNAL_SECRET).");

namespace petition {
namespace {

constexpr size_t kMinSecretLength = 32;
constexpr char kVersion[] = "v1";

void AppendField(std::string& out, std::string_view field) {
  absl::StrAppend(&out, field.size(), ":", absl::string_view(field.data(), field.size()), "\n");
}

class SigningInterceptor : public grpc::experimental::Interceptor {
 public:
  SigningInterceptor(const grpc::experimental::ClientRpcInfo* info, const CallSigner* signer)
      : method_(info->method() != nullptr ? info->method() : ""), signer_(signer) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      auto value = [metadata](const char* key) {
        auto it = metadata->find(key);
        return it == metadata->end() ? std::string() : it->second;
      };
      CallClaims claims{value(kSubjectHeader), value(kRolesHeader), value(kUnitHeader),
                        value(kRequestIdHeader)};
      metadata->erase(kProofHeader);
      metadata->emplace(kProofHeader, signer_->Sign(method_, claims, absl::Now()));
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  const CallSigner* signer_;
};

class SigningInterceptorFactoryImpl : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit SigningInterceptorFactoryImpl(std::shared_ptr<const CallSigner> signer)
      : signer_(std::move(signer)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new SigningInterceptor(info, signer_.get());
  }

 private:
  std::shared_ptr<const CallSigner> signer_;
};

}  // namespace

bool IsKnownCaller(std::string_view caller) {
  return caller == kGatewayCaller || caller == "intake" || caller == "scheduling" ||
         caller == "supervision";
}

absl::StatusOr<CallKey> CallKey::Create(std::string secret) {
  if (secret.size() < kMinSecretLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("the internal secret must be at least ", kMinSecretLength, " characters"));
  }
  return CallKey(std::move(secret));
}

std::string CallKey::Mac(std::string_view caller, std::string_view method, const CallClaims& claims,
                         int64_t expires_ms) const {
  std::string data = "petition-call-proof-v1\n";
  AppendField(data, caller);
  AppendField(data, method);
  AppendField(data, claims.subject);
  AppendField(data, claims.roles);
  AppendField(data, claims.unit_id);
  AppendField(data, claims.request_id);
  AppendField(data, std::to_string(expires_ms));
  return HmacSha256(secret_, data);
}

std::string CallKey::Sign(std::string_view caller, std::string_view method,
                          const CallClaims& claims, absl::Time expires) const {
  const int64_t expires_ms = absl::ToUnixMillis(expires);
  return absl::StrCat(kVersion, ".", absl::string_view(caller.data(), caller.size()), ".",
                      expires_ms, ".", HexEncode(Mac(caller, method, claims, expires_ms)));
}

absl::StatusOr<std::string> CallKey::Verify(std::string_view proof, std::string_view method,
                                            const CallClaims& claims, absl::Time now) const {
  if (proof.empty()) return absl::UnauthenticatedError("the call carries no proof of its caller");
  std::vector<absl::string_view> parts =
      absl::StrSplit(absl::string_view(proof.data(), proof.size()), '.');
  int64_t expires_ms = 0;
  if (parts.size() != 4 || parts[0] != kVersion ||
      !IsKnownCaller(std::string_view(parts[1].data(), parts[1].size())) ||
      !absl::SimpleAtoi(parts[2], &expires_ms) || parts[3].size() != 64) {
    return absl::UnauthenticatedError("the call's proof is malformed");
  }
  const std::string_view caller(parts[1].data(), parts[1].size());
  absl::StatusOr<std::string> mac = HexDecode(std::string_view(parts[3].data(), parts[3].size()));
  if (!mac.ok()) return absl::UnauthenticatedError("the call's proof is malformed");
  const std::string want = Mac(caller, method, claims, expires_ms);
  if (mac->size() != want.size() || CRYPTO_memcmp(mac->data(), want.data(), want.size()) != 0) {
    return absl::UnauthenticatedError("the call's proof does not match the call");
  }
  const int64_t now_ms = absl::ToUnixMillis(now);
  if (expires_ms <= now_ms) return absl::UnauthenticatedError("the call's proof has expired");
  if (expires_ms - now_ms > absl::ToInt64Milliseconds(kMaxProofLifetime)) {
    return absl::UnauthenticatedError("the call's proof lives too long");
  }
  return std::string(caller);
}

absl::StatusOr<std::shared_ptr<const CallSigner>> SignerFromFlags(std::string caller) {
  absl::StatusOr<CallKey> key = CallKey::Create(absl::GetFlag(FLAGS_internal_secret));
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--internal_secret (PETITION_INTERNAL_SECRET): ", key.status().message(),
                     "; every process needs the same one to prove who calls whom"));
  }
  return std::make_shared<const CallSigner>(std::move(caller), *std::move(key));
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> SigningInterceptorFactory(
    std::shared_ptr<const CallSigner> signer) {
  return std::make_unique<SigningInterceptorFactoryImpl>(std::move(signer));
}

}  // namespace petition
