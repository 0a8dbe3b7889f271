// Documents (文书): templates kept as data (migration 0005) rendered with a
// case's facts, numbered <township abbreviation>信〔year〕N号.
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_DOCUMENTS_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_DOCUMENTS_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

// Filled on each read, never stored: the petitioners' names.
inline constexpr char kPetitionerField[] = "petitioner";

// A document to issue with a step: which template, to whom, with what facts.
// The store adds number, date and office.
struct DocumentDraft {
  std::string template_id;
  std::string recipient;  // "{{petitioner}}" for the petitioners
  std::map<std::string, std::string> fields;
};

// Replaces every {{name}} of `body` by fields[name]; {{petitioner}} stays as
// it is. A placeholder without a field is INTERNAL (a template names a fact
// the step does not give): the step fails rather than issuing a gap.
absl::StatusOr<std::string> RenderTemplate(const std::string& body,
                                           const std::map<std::string, std::string>& fields);

// Whom the notices to the petitioners address (what {{petitioner}} becomes):
// their names as the case holds them (opened or masked), "信访人" when none
// are known; for an anonymous petition never a person, but the anonymous
// writer or caller: 匿名来信人 (a letter), 匿名来电人 (a call), 匿名网上信访人
// (online).
std::string PetitionerAddressee(const v1::Case& c);

// The line of the assignment notice that carries the receiving leader's
// instruction (批示, S3): "按照接访领导指示：<instruction>。", "" without one.
std::string InstructionLine(const std::string& instruction);

// Replaces {{petitioner}} by `names`.
std::string FillPetitioner(const std::string& text, const std::string& names);

// "长信〔2026〕7号".
std::string DocumentNumber(const std::string& abbreviation, int year, int serial);
// "2026年9月16日".
std::string ChineseDate(absl::CivilDay day);

// Words the documents use for enum values.
std::string RouteWords(v1::DeclineRoute route);
std::string ComplexityWords(v1::Complexity complexity);
std::string OutcomeWords(v1::Outcome outcome);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_DOCUMENTS_H_
