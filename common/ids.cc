#include "common/ids.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"

namespace petition {
namespace {

// Lower-case base32 for ids; for query codes an upper-case alphabet without
// the look-alikes 0/O and 1/I/L (31 symbols).
constexpr char kIdAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
constexpr std::string_view kCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
// Codes of the first alphabet (10 characters, with L) still look up.
constexpr std::string_view kLegacyCodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
constexpr size_t kCodeLength = 12;
constexpr size_t kMinCodeLength = 10;

// `n` symbols of `alphabet` (at most 32 symbols), each uniform: 5 random bits
// per draw, and a draw past the alphabet's end is thrown away and drawn again
// (a modulo would favour the first symbols).
std::string RandomSymbols(std::string_view alphabet, size_t n) {
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    for (char b : RandomBytes(n)) {
      const size_t i = static_cast<unsigned char>(b) & 31;
      if (i < alphabet.size() && out.size() < n) out += alphabet[i];
    }
  }
  return out;
}

}  // namespace

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::abort();  // no entropy: nothing safe to do
  }
  return out;
}

std::string NewId(std::string_view prefix) {
  std::string id(prefix);
  id += '_';
  id += RandomSymbols(kIdAlphabet, 20);
  return id;
}

std::string NewQueryCode() { return RandomSymbols(kCodeAlphabet, kCodeLength); }

std::string NormalizeQueryCode(std::string_view code) {
  std::string out(code);
  absl::AsciiStrToUpper(&out);
  return out;
}

bool IsValidId(std::string_view id, std::string_view prefix) {
  constexpr size_t kMaxLength = 64;
  if (prefix.empty() || id.size() <= prefix.size() + 1 || id.size() > kMaxLength) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

bool IsValidPrincipalId(std::string_view id) {
  constexpr size_t kMaxLength = 128;
  if (id.empty() || id.size() > kMaxLength) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != ':' &&
        c != '@' && c != '-') {
      return false;
    }
  }
  return true;
}

bool IsQueryCodeShaped(std::string_view code) {
  if (code.size() < kMinCodeLength || code.size() > kCodeLength) return false;
  for (char c : code) {
    char u = absl::ascii_toupper(static_cast<unsigned char>(c));
    if (kLegacyCodeAlphabet.find(u) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace petition
