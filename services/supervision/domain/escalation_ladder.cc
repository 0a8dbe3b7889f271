#include "services/supervision/domain/escalation_ladder.h"

#include <array>

namespace petition::supervision {
namespace {

constexpr std::array<std::string_view, 4> kLadder = {"REMINDER", "ORDER", "LISTED", "SUMMONS"};

}  // namespace

std::optional<std::string> NextLevel(std::string_view level) {
  for (size_t i = 0; i + 1 < kLadder.size(); ++i) {
    if (kLadder[i] == level) return std::string(kLadder[i + 1]);
  }
  return std::nullopt;
}

bool IsOrderLevel(std::string_view level) {
  for (std::string_view l : kLadder) {
    if (l == level) return true;
  }
  return false;
}

}  // namespace petition::supervision
