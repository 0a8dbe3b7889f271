#include "common/ids.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"

namespace petition {
namespace {

// Lower-case base32 for ids; for query codes an upper-case alphabet without
// the look-alikes 0/O and 1/I (32 symbols, so 5 bits each).
constexpr char kIdAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
constexpr char kCodeAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
constexpr size_t kCodeLength = 10;

std::string RandomSymbols(const char* alphabet, size_t n) {
  std::string bytes = RandomBytes(n);
  std::string out(n, ' ');
  for (size_t i = 0; i < n; ++i) out[i] = alphabet[static_cast<unsigned char>(bytes[i]) & 31];
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
  if (code.size() != kCodeLength) return false;
  for (char c : code) {
    char u = absl::ascii_toupper(static_cast<unsigned char>(c));
    if (std::string_view(kCodeAlphabet).find(u) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace petition
