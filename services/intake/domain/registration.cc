#include "services/intake/domain/registration.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/utf8.h"
#include "services/intake/domain/identity_document.h"

namespace petition::intake {
namespace {

using Violations = std::vector<std::pair<std::string, std::string>>;

bool Blank(const std::string& s) {
  for (unsigned char c : s) {
    if (!absl::ascii_isspace(c)) return false;
  }
  return true;
}

bool ValidPhone(const std::string& phone) {
  if (phone.size() < 5 || phone.size() > 20) return false;
  for (char c : phone) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '+' && c != ' ') {
      return false;
    }
  }
  return true;
}

void CheckText(const std::string& value, const char* field, size_t max, bool required,
               Violations& v) {
  if (required && Blank(value)) {
    v.emplace_back(field, "is required");
  } else if (petition::Utf8Length(value) > max) {
    v.emplace_back(field, absl::StrCat("must be at most ", max, " characters"));
  }
}

void CheckIds(const google::protobuf::RepeatedPtrField<std::string>& ids, const char* field,
              size_t max, Violations& v) {
  if (static_cast<size_t>(ids.size()) > max) {
    v.emplace_back(field, absl::StrCat("at most ", max, " entries"));
    return;
  }
  for (int i = 0; i < ids.size(); ++i) {
    if (!petition::IsValidPrincipalId(ids[i]))
      v.emplace_back(absl::StrCat(field, "[", i, "]"), "is not a valid id");
  }
}

}  // namespace

bool MayBeAnonymous(v1::Channel channel) {
  return channel == v1::LETTER || channel == v1::CALL || channel == v1::ONLINE;
}

absl::StatusOr<v1::Case> BuildRegisteredCase(const v1::RegisterCaseRequest& request,
                                             const Registrar& registrar, absl::Time now,
                                             absl::TimeZone zone,
                                             const RegistrationLimits& limits) {
  Violations v;
  v1::Case c;
  c.set_status(v1::REGISTERED);
  c.set_source(v1::TOWNSHIP);

  if (request.channel() == v1::CHANNEL_UNSPECIFIED) {
    v.emplace_back("channel", "is required (VISIT, LETTER, CALL, ONLINE or FAX)");
  }
  c.set_channel(request.channel());
  if (request.category() == v1::CATEGORY_UNSPECIFIED) v.emplace_back("category", "is required");
  c.set_category(request.category());

  CheckText(request.subject(), "subject", limits.max_subject, true, v);
  CheckText(request.content(), "content", limits.max_content, true, v);
  c.set_subject(request.subject());
  c.set_content(request.content());
  c.set_urgent(request.urgent());

  if (request.has_received_at()) {
    absl::Time at = ToAbslTime(request.received_at());
    if (at > now + limits.max_clock_skew) {
      v.emplace_back("receivedAt", "must not be in the future");
    } else if (at < now - limits.received_at_window) {
      v.emplace_back("receivedAt",
                     absl::StrCat("must be within the last ",
                                  absl::ToInt64Hours(limits.received_at_window) / 24, " days"));
    }
    *c.mutable_received_at() = request.received_at();
  } else {
    *c.mutable_received_at() = ToProtoTimestamp(now);
  }

  const std::string& received_by =
      request.received_by().empty() ? registrar.subject : request.received_by();
  if (received_by.empty()) {
    v.emplace_back("receivedBy", "is required: the official who first received the petition");
  } else if (!petition::IsValidPrincipalId(received_by)) {
    v.emplace_back("receivedBy", "is not a valid official id");
  } else if (received_by != registrar.subject && !registrar.may_record_for_others) {
    v.emplace_back(
        "receivedBy",
        "must be the caller (only a clerk records a petition another official received)");
  }
  c.set_received_by(received_by);
  if (!request.reception_session_id().empty() &&
      !petition::IsValidPrincipalId(request.reception_session_id())) {
    v.emplace_back("receptionSessionId", "is not a valid id");
  }
  c.set_reception_session_id(request.reception_session_id());

  // Petitioners and headcount; the collective-visit rule. An anonymous
  // petition has no petitioners at all, and only reaches us in writing or by
  // phone: a visit is a person at the desk, who is registered as one.
  const int n = request.petitioners_size();
  c.set_anonymous(request.anonymous());
  if (request.anonymous()) {
    if (!MayBeAnonymous(request.channel())) {
      v.emplace_back("anonymous", "only a LETTER, CALL or ONLINE petition may be anonymous");
    }
    if (n > 0) v.emplace_back("petitioners", "must be empty for an anonymous petition");
  } else if (n == 0) {
    v.emplace_back("petitioners", "at least one petitioner is required (or anonymous: true)");
  }
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  for (int i = 0; i < n && !request.anonymous(); ++i) {
    const v1::Petitioner& p = request.petitioners(i);
    const std::string at = absl::StrCat("petitioners[", i, "]");
    CheckText(p.name(), (at + ".name").c_str(), limits.max_name, true, v);
    if (!v1::IdType_IsValid(p.id_type())) {
      v.emplace_back(at + ".idType", "is not a known identity document type");
    } else if (absl::Status s = ValidateIdentityNumber(p.id_type(), p.id_number(), today);
               !s.ok()) {
      v.emplace_back(at + ".idNumber", std::string(s.message()));
    }
    if (!p.phone().empty() && !ValidPhone(p.phone())) {
      v.emplace_back(at + ".phone", "must be 5-20 digits (with + - or spaces)");
    }
    CheckText(p.address(), (at + ".address").c_str(), limits.max_address, false, v);
    v1::Petitioner* out = c.add_petitioners();
    *out = p;
    out->set_id_type(EffectiveIdType(p.id_type()));
    out->set_id_number(NormalizeIdentityNumber(p.id_number()));
  }
  // An anonymous petition is one (unknown) person unless it says otherwise.
  const int listed = request.anonymous() ? 1 : n;
  int headcount = request.headcount() == 0 ? listed : request.headcount();
  if (request.headcount() < 0) {
    v.emplace_back("headcount", "must not be negative");
  } else if (headcount > limits.max_headcount) {
    v.emplace_back("headcount", absl::StrCat("must be at most ", limits.max_headcount));
  } else if (headcount < listed) {
    v.emplace_back("headcount", "must be at least the number of petitioners");
  }
  const bool collective = headcount >= kCollectiveHeadcount;
  if (collective && n > kMaxRepresentatives) {
    v.emplace_back("petitioners", absl::StrCat("a collective visit elects at most ",
                                               kMaxRepresentatives, " representatives"));
  }
  c.set_headcount(headcount);
  c.set_collective(collective);

  CheckIds(request.reported_unit_ids(), "reportedUnitIds", limits.max_ids, v);
  *c.mutable_reported_unit_ids() = request.reported_unit_ids();
  CheckIds(request.repeat_of_case_ids(), "repeatOfCaseIds", limits.max_ids, v);
  *c.mutable_repeat_of_case_ids() = request.repeat_of_case_ids();

  if (!v.empty()) return InvalidFields(v);
  return c;
}

}  // namespace petition::intake
