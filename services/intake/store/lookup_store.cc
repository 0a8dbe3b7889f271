#include "services/intake/store/lookup_store.h"

#include <openssl/crypto.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/dates.h"

namespace petition::intake {
namespace {

constexpr char kLookupCase[] = "intake_lookup_case";
constexpr char kLookupSteps[] = "intake_lookup_steps";
constexpr char kLookupDocuments[] = "intake_lookup_documents";

absl::StatusOr<absl::Time> TimeField(const pqxx::field& f) {
  auto t = ParseSqlTimestamp(f.c_str());
  if (!t.ok()) return absl::DataLossError(absl::StrCat("bad timestamp in ", f.name()));
  return *t;
}

// Equal in a time that depends only on the lengths (which are public: every
// code has the shape of one).
bool SameCode(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

const std::vector<PgStatement>& LookupStore::Statements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      {kLookupCase,
       "SELECT case_id, query_code, status, received_at, handling_unit_ids, reported_unit_ids, "
       "rating FROM cases "
       "WHERE query_code_key = query_code_key($1)"},
      {kLookupSteps, "SELECT step, at FROM case_steps WHERE case_id = $1 ORDER BY id"},
      {kLookupDocuments,
       "SELECT kind, title, issued_at FROM documents WHERE case_id = $1 "
       "ORDER BY issued_at, serial"},
  };
  return *kStatements;
}

absl::StatusOr<LookupRow> LookupStore::Find(const std::string& code, const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<LookupRow> {
        pqxx::result rows = tx.exec_prepared(kLookupCase, code);
        if (rows.empty() || !SameCode(rows[0]["query_code"].as<std::string>(), code)) {
          return absl::NotFoundError("no case has this query code");
        }
        const pqxx::row& r = rows[0];
        LookupRow row;
        row.case_id = r["case_id"].as<std::string>();
        v1::CaseStatus_Parse(r["status"].as<std::string>(), &row.status);
        auto received = TimeField(r["received_at"]);
        if (!received.ok()) return received.status();
        row.received_at = *received;
        for (auto [column, out] : {std::pair{"handling_unit_ids", &row.handling_unit_ids},
                                   std::pair{"reported_unit_ids", &row.reported_unit_ids}}) {
          pqxx::array_parser units = r[column].as_array();
          for (auto [kind, value] = units.get_next(); kind != pqxx::array_parser::done;
               std::tie(kind, value) = units.get_next()) {
            if (kind == pqxx::array_parser::string_value) out->push_back(value);
          }
        }
        v1::Rating_Parse(r["rating"].as<std::string>(), &row.rating);
        for (const auto& s : tx.exec_prepared(kLookupSteps, row.case_id)) {
          v1::Step step = v1::STEP_UNSPECIFIED;
          v1::Step_Parse(s["step"].as<std::string>(), &step);
          auto at = TimeField(s["at"]);
          if (!at.ok()) return at.status();
          row.steps.emplace_back(step, *at);
        }
        for (const auto& d : tx.exec_prepared(kLookupDocuments, row.case_id)) {
          LookupDocumentRow doc;
          v1::DocumentKind_Parse(d["kind"].as<std::string>(), &doc.kind);
          doc.title = d["title"].as<std::string>();
          auto at = TimeField(d["issued_at"]);
          if (!at.ok()) return at.status();
          doc.issued_at = *at;
          row.documents.push_back(std::move(doc));
        }
        return row;
      },
      tx_options);
}

}  // namespace petition::intake
