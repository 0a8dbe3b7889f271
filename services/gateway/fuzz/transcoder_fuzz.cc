// Fuzzes the transcoder with the real request messages: JSON bodies, query
// strings and path values must be refused or accepted, never crash; and the
// fast response printer must agree byte for byte with protobuf's printer on
// any message (a differential check), including arbitrary wire bytes. A
// request that passes holds no NUL character and no unknown enum number.
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "petition/v1/intake.pb.h"
#include "petition/v1/scheduling.pb.h"
#include "petition/v1/supervision.pb.h"
#include "services/gateway/transcoder.h"

namespace {

using petition::gateway::Transcoder;

const Transcoder& Make(const google::protobuf::Descriptor* d, const char* body,
                       std::vector<std::string> vars) {
  auto t = Transcoder::Create(d, body, vars);
  if (!t.ok()) __builtin_trap();
  return *new Transcoder(*std::move(t));
}

// Both printers must agree whenever both succeed, and succeed together.
void CheckPrinters(const google::protobuf::Message& m) {
  auto fast = Transcoder::ToJson(m);
  auto reference = Transcoder::ProtobufJson(m);
  if (fast.ok() != reference.ok()) __builtin_trap();
  if (fast.ok() && *fast != *reference) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const Transcoder& register_case =
      Make(petition::intake::v1::RegisterCaseRequest::descriptor(), "*", {});
  static const Transcoder& get_case =
      Make(petition::intake::v1::GetCaseRequest::descriptor(), "", {"case_id"});
  static const Transcoder& put_calendar =
      Make(petition::scheduling::v1::PutCalendarRequest::descriptor(), "*", {"year"});
  static const Transcoder& add_days =
      Make(petition::scheduling::v1::AddWorkingDaysRequest::descriptor(), "", {});

  const uint8_t mode = data[0] % 5;
  absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Two parts separated by the first NUL: body and query, or value and query.
  absl::string_view first = rest, second;
  if (size_t nul = rest.find('\0'); nul != absl::string_view::npos) {
    first = rest.substr(0, nul);
    second = rest.substr(nul + 1);
  }
  switch (mode) {
    case 0: {
      petition::intake::v1::RegisterCaseRequest r;
      if (register_case.ToRequest(first, second, {}, &r).ok()) {
        CheckPrinters(r);
        // What passes holds no NUL in any text and only known enum values.
        if (r.DebugString().find("\\000") != std::string::npos) __builtin_trap();
        if (!petition::intake::v1::Channel_IsValid(r.channel()) ||
            !petition::intake::v1::Category_IsValid(r.category())) {
          __builtin_trap();
        }
      }
      break;
    }
    case 1: {
      petition::intake::v1::GetCaseRequest r;
      (void)get_case.ToRequest("", second, {{"case_id", std::string(first)}}, &r);
      break;
    }
    case 2: {
      petition::scheduling::v1::PutCalendarRequest r;
      if (put_calendar.ToRequest(second, "", {{"year", std::string(first)}}, &r).ok()) {
        CheckPrinters(r);
      }
      break;
    }
    case 3: {
      petition::scheduling::v1::AddWorkingDaysRequest r;
      (void)add_days.ToRequest("", rest, {}, &r);
      break;
    }
    case 4: {
      // Replies as services could send them: any wire bytes that parse.
      petition::intake::v1::Case c;
      if (c.ParseFromArray(rest.data(), static_cast<int>(rest.size()))) CheckPrinters(c);
      petition::supervision::v1::CaseDeadlines d;
      if (d.ParseFromArray(rest.data(), static_cast<int>(rest.size()))) CheckPrinters(d);
      break;
    }
  }
  return 0;
}
