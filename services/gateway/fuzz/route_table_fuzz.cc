// Fuzzes the route table: templates given to the builder and (verb, path)
// pairs matched against the service's real annotated routes. Nothing may
// crash; a match must bind exactly the route's variables.
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "services/gateway/route_table.h"

namespace {

const petition::gateway::RouteTable& RealRoutes() {
  static const petition::gateway::RouteTable* table = [] {
    petition::gateway::RouteTable::Builder builder;
    const char* routes[][2] = {{"POST", "/v1/cases"},
                               {"GET", "/v1/cases/{case_id}"},
                               {"POST", "/v1/cases/{case_id}:accept"},
                               {"GET", "/v1/cases/{case_id}/deadlines"},
                               {"PUT", "/v1/calendars/{year}"},
                               {"GET", "/v1/calendars/{year}"},
                               {"GET", "/v1/calendar/days/{date}"},
                               {"GET", "/v1/calendar:addWorkingDays"},
                               {"GET", "/v1/files/**"},
                               {"GET", "/v1/a/*/b/{x.y}"}};
    size_t i = 0;
    for (const auto& r : routes) {
      if (!builder.Add(r[0], r[1], i++).ok()) __builtin_trap();
    }
    auto built = std::move(builder).Build();
    if (!built.ok()) __builtin_trap();
    return built->release();
  }();
  return *table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  absl::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const char* kVerbs[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
  const char* verb = kVerbs[data[0] % 6];
  if (data[0] & 0x80) {
    // A template of our own: the builder must refuse or accept, never crash.
    petition::gateway::RouteTable::Builder builder;
    (void)builder.Add(verb, input, 0);
    auto table = std::move(builder).Build();
    if (table.ok()) (void)(*table)->Match(verb, input);
    return 0;
  }
  auto result = RealRoutes().Match(verb, input);
  if (result.outcome == petition::gateway::RouteTable::Outcome::kMatched &&
      result.bindings.size() != result.route->variables.size()) {
    __builtin_trap();
  }
  return 0;
}
