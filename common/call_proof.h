// Proof of who makes a gRPC call between our processes. Services believe a
// principal only from the gateway, and a caller's service identity only from
// that service, because every call carries a short-lived token the caller
// signs with HMAC-SHA256 under a secret only the processes share
// (--internal_secret / PETITION_INTERNAL_SECRET):
//
//   x-petition-proof: v1.<caller>.<expires, unix ms>.<hex HMAC>
//
// The HMAC covers the caller ("gateway", "intake", "scheduling",
// "supervision"), the full gRPC method ("/petition.intake.v1.Intake/GetCase"),
// the principal's metadata (x-petition-sub, x-petition-roles,
// x-petition-unit), the request id (x-request-id) and the expiry: a proof is
// good for one method, one principal, one request id and a few seconds.
// Channels made by MakeChannel sign every call (a client interceptor); the
// server side checks in its call guard (common/call_guard.h) before any
// handler runs.
#ifndef PETITION_COMMON_CALL_PROOF_H_
#define PETITION_COMMON_CALL_PROOF_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/support/client_interceptor.h"

namespace petition {

inline constexpr char kProofHeader[] = "x-petition-proof";
// The caller name of the gateway; the services sign with their own names.
inline constexpr char kGatewayCaller[] = "gateway";

// How long a proof the signer makes is good for, and the longest a verifier
// accepts (clock skew between machines included).
inline constexpr absl::Duration kProofLifetime = absl::Seconds(5);
inline constexpr absl::Duration kMaxProofLifetime = absl::Seconds(30);

// True for the callers a proof may name.
bool IsKnownCaller(std::string_view caller);

// The metadata a proof binds, as sent (roles comma-separated).
struct CallClaims {
  std::string subject;
  std::string roles;
  std::string unit_id;
  std::string request_id;
};

// The shared secret. At least 32 characters; ./dev generates 64 hex.
class CallKey {
 public:
  static absl::StatusOr<CallKey> Create(std::string secret);

  // The proof `caller` sends for `method` with `claims`, good until `expires`.
  std::string Sign(std::string_view caller, std::string_view method, const CallClaims& claims,
                   absl::Time expires) const;

  // The caller named by a valid `proof` for exactly this method and claims at
  // `now`; UNAUTHENTICATED otherwise (missing, malformed, expired, too far in
  // the future, another method or principal, a wrong key).
  absl::StatusOr<std::string> Verify(std::string_view proof, std::string_view method,
                                     const CallClaims& claims, absl::Time now) const;

 private:
  explicit CallKey(std::string secret) : secret_(std::move(secret)) {}
  std::string Mac(std::string_view caller, std::string_view method, const CallClaims& claims,
                  int64_t expires_ms) const;
  std::string secret_;
};

// A process's identity and key: what its channels sign with.
class CallSigner {
 public:
  CallSigner(std::string caller, CallKey key) : caller_(std::move(caller)), key_(std::move(key)) {}
  const std::string& caller() const { return caller_; }
  const CallKey& key() const { return key_; }
  std::string Sign(std::string_view method, const CallClaims& claims, absl::Time now) const {
    return key_.Sign(caller_, method, claims, now + kProofLifetime);
  }

 private:
  std::string caller_;
  CallKey key_;
};

// The secret from --internal_secret (PETITION_INTERNAL_SECRET; a flag every
// process links), as the signer of `caller`. A missing or short secret is an
// error that names the flag and the variable: processes refuse to start
// without it.
absl::StatusOr<std::shared_ptr<const CallSigner>> SignerFromFlags(std::string caller);

// For grpc::experimental::CreateCustomChannelWithInterceptors: adds a proof
// to every call from the metadata the caller set (PropagateToClient).
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> SigningInterceptorFactory(
    std::shared_ptr<const CallSigner> signer);

}  // namespace petition

#endif  // PETITION_COMMON_CALL_PROOF_H_
