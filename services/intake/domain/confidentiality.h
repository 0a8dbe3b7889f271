// Confidentiality (保密): petitioner identity is visible only to those who need
// it; a unit reported for wrongdoing never sees who reported it (A30); every
// read of identity is audited (the store writes the audit row in the same
// transaction as the read).
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_CONFIDENTIALITY_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_CONFIDENTIALITY_H_

#include <string>
#include <string_view>

#include "common/request_context.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

// True when `principal` may read case `c` at all: the petition office,
// leaders, supervisors and administrators read every case; a handling unit's
// staff (handler) only the cases assigned to its unit.
bool MayReadCase(const Principal& principal, const v1::Case& c);

// True when `principal` may see the petitioners' identity on case `c`:
// the petition office (clerk), leaders and administrators; never a handler
// of a unit the case reports.
bool MaySeeIdentity(const Principal& principal, const v1::Case& c);

// Replaces identity fields with masked forms (张** / 110105********002X /
// 138****5678 / the first 6 characters of the address) and sets identity_masked.
void MaskIdentity(v1::Case& c);

// The masked form of a single name (keeps the family name, one character).
std::string MaskName(std::string_view name);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_CONFIDENTIALITY_H_
