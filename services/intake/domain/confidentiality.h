// Confidentiality (保密): petitioner identity is visible only to those who need
// it; a unit reported for wrongdoing never sees who reported it (A30); every
// read of identity is audited (the store writes the audit row in the same
// transaction as the read).
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_CONFIDENTIALITY_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_CONFIDENTIALITY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/case_visibility.h"
#include "common/request_context.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

// The units of case `c` that decide who sees it (common/case_visibility.h).
CaseUnits UnitsOf(const v1::Case& c);

// The rules of common/case_visibility.h applied to case `c`: who may read it
// at all, and who may see the petitioners' identity (never an official of a
// unit the case reports, whatever their role).
bool MayReadCase(const Principal& principal, const v1::Case& c);
bool MaySeeIdentity(const Principal& principal, const v1::Case& c);
// The case reports the principal's unit: for them it does not exist.
bool HiddenFrom(const Principal& principal, const v1::Case& c);

// A30 when a case is assigned: no unit the case reports handles it
// (`handling_unit_ids`, reported as `<field>[i]`), and no official of such a
// unit is its receiving leader (`leader_unit_id`: the leader's unit in the
// directory, "" when unknown; reported as `leaderId`). INVALID_ARGUMENT
// naming every offending field, OK otherwise.
absl::Status CheckAccusedNotAssigned(
    const google::protobuf::RepeatedPtrField<std::string>& reported_unit_ids,
    const google::protobuf::RepeatedPtrField<std::string>& handling_unit_ids,
    const std::string& handling_field, const std::string& leader_unit_id);

// Drops from `c.repeat_of_case_ids` the cases in `hidden` (those hidden from
// the reader): a link to a report must not tell the reported unit that the
// report exists.
void OmitRepeatLinks(v1::Case& c, const std::vector<std::string>& hidden);

// Replaces identity fields with masked forms (张** / 110105********002X /
// 138****5678 / the first 6 characters of the address), clears the query
// code (the petitioner's credential) and sets identity_masked.
void MaskIdentity(v1::Case& c);

// `text` with every occurrence of the query code `code` starred out (a
// notice read by someone who may not see the petitioner's identity).
std::string MaskQueryCode(const std::string& text, const std::string& code);

// The masked form of a single name (keeps the family name, one character).
std::string MaskName(std::string_view name);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_CONFIDENTIALITY_H_
