// The benchmark's baselines run the stores' own SQL: every statement of
// bench/*.pgbench.sql is annotated with the name of a store statement
// ("-- statement: intake_insert_case" on the line above it) and must be that
// statement's text, token for token, except where the store has a parameter
// ($1, $2, ...): there the benchmark may put any expression (its value), the
// same one wherever the store repeats the parameter. A store statement that
// changes fails this test until the benchmark follows.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/pg_pool.h"
#include "gtest/gtest.h"
#include "services/intake/store/case_store.h"
#include "services/intake/store/county_store.h"
#include "services/intake/store/lookup_store.h"

namespace petition {
namespace {

// Every statement a store prepares, by name.
std::map<std::string, std::string> StoreStatements() {
  std::map<std::string, std::string> all;
  for (const auto* list : {&intake::CaseStore::Statements(), &intake::LookupStore::Statements(),
                           &intake::CountyStore::Statements()}) {
    for (const PgStatement& s : *list) all.emplace(s.name, s.sql);
  }
  return all;
}

// SQL as tokens: quoted literals and identifiers whole, "::", operators
// (runs of operator characters), single punctuation, words (lower-cased),
// "$N" parameters and pgbench's ":name" variables.
std::vector<std::string> Tokenize(absl::string_view sql) {
  static constexpr absl::string_view kOperator = "+-*/<>=~!@#%^&|";
  std::vector<std::string> tokens;
  size_t i = 0;
  auto word_char = [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '\'' || c == '"') {
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c && j + 1 < sql.size() && sql[j + 1] == c) {
          j += 2;  // a doubled quote inside
        } else if (sql[j] == c) {
          break;
        } else {
          ++j;
        }
      }
      tokens.emplace_back(sql.substr(i, j + 1 - i));
      i = j + 1;
    } else if (sql.substr(i, 2) == "::") {
      tokens.emplace_back("::");
      i += 2;
    } else if ((c == '$' || c == ':') && i + 1 < sql.size() && word_char(sql[i + 1])) {
      size_t j = i + 1;
      while (j < sql.size() && word_char(sql[j])) ++j;
      tokens.emplace_back(sql.substr(i, j - i));
      i = j;
    } else if (word_char(c)) {
      size_t j = i;
      while (j < sql.size() && word_char(sql[j])) ++j;
      tokens.push_back(absl::AsciiStrToLower(sql.substr(i, j - i)));
      i = j;
    } else if (kOperator.find(c) != absl::string_view::npos) {
      size_t j = i;
      while (j < sql.size() && kOperator.find(sql[j]) != absl::string_view::npos) ++j;
      tokens.emplace_back(sql.substr(i, j - i));
      i = j;
    } else {
      tokens.emplace_back(1, c);
      ++i;
    }
  }
  return tokens;
}

// Words that begin another clause: a value (of the last parameter above all)
// never runs on into one unparenthesised, so SQL added after it is seen.
bool IsClauseWord(const std::string& token) {
  static const auto* kWords = new std::set<std::string>{
      "and", "or",    "where",  "from",  "order", "limit",  "offset", "for",    "returning",
      "on",  "group", "having", "union", "join",  "select", "into",   "values", "set"};
  return kWords->count(token) > 0;
}

bool IsParameter(const std::string& token) {
  return token.size() > 1 && token[0] == '$' && absl::ascii_isdigit(token[1]);
}

// "" when `bench` is `store` with an expression in place of each parameter;
// otherwise where they part.
std::string Compare(const std::string& store, const std::string& bench) {
  const std::vector<std::string> s = Tokenize(store);
  const std::vector<std::string> b = Tokenize(bench);
  std::map<std::string, std::string> bound;  // parameter -> the benchmark's expression
  size_t j = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsParameter(s[i])) {
      if (j >= b.size() || b[j] != s[i]) {
        return absl::StrCat("the store has \"", s[i], "\" where the benchmark has \"",
                            j < b.size() ? b[j] : "(the end)", "\" (store token ", i, ")");
      }
      ++j;
      continue;
    }
    // The parameter's value: the benchmark's tokens up to the store's next
    // token outside any parentheses or brackets.
    const std::string* next = i + 1 < s.size() ? &s[i + 1] : nullptr;
    const size_t start = j;
    int depth = 0;
    while (j < b.size()) {
      if (depth == 0 && j > start && ((next != nullptr && b[j] == *next) || IsClauseWord(b[j]))) {
        break;
      }
      if (b[j] == "(" || b[j] == "[") ++depth;
      if (b[j] == ")" || b[j] == "]") {
        if (depth == 0) break;
        --depth;
      }
      ++j;
    }
    if (j == start) return absl::StrCat("no value for ", s[i], " (store token ", i, ")");
    std::vector<std::string> value(b.begin() + start, b.begin() + j);
    const std::string text = absl::StrJoin(value, " ");
    auto [it, fresh] = bound.emplace(s[i], text);
    if (!fresh && it->second != text) {
      return absl::StrCat(s[i], " is \"", it->second, "\" once and \"", text, "\" again");
    }
  }
  if (j != b.size()) return absl::StrCat("the benchmark goes on: \"", b[j], "\" ...");
  return "";
}

struct BenchStatement {
  std::string file;
  int line = 0;
  std::string name;  // "" when not annotated
  std::string sql;
};

// The SQL statements of a pgbench script (meta-commands and comments left out).
std::vector<BenchStatement> ReadScript(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<BenchStatement> out;
  std::string line, name, sql;
  int number = 0, first = 0;
  while (std::getline(in, line)) {
    ++number;
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (sql.empty()) {
      if (text.empty() || absl::StartsWith(text, "\\")) continue;
      if (absl::ConsumePrefix(&text, "--")) {
        text = absl::StripAsciiWhitespace(text);
        if (absl::ConsumePrefix(&text, "statement:")) {
          name = std::string(absl::StripAsciiWhitespace(text));
        }
        continue;
      }
      first = number;
    }
    absl::StrAppend(&sql, sql.empty() ? "" : "\n", line);
    if (absl::EndsWith(text, ";")) {
      std::string statement(absl::StripSuffix(absl::StripAsciiWhitespace(sql), ";"));
      out.push_back({path.filename().string(), first, name, statement});
      sql.clear();
      name.clear();
    }
  }
  return out;
}

bool IsTransactionControl(const std::string& sql) {
  const std::string s = absl::AsciiStrToUpper(sql);
  return s == "BEGIN" || s == "END" || s == "COMMIT";
}

TEST(BenchSql, EveryStatementIsTheStores) {
  const std::map<std::string, std::string> store = StoreStatements();
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(PETITION_BENCH_DIR)) {
    if (!absl::EndsWith(entry.path().filename().string(), ".pgbench.sql")) continue;
    ++files;
    int named = 0;
    for (const BenchStatement& st : ReadScript(entry.path())) {
      if (IsTransactionControl(st.sql)) continue;
      SCOPED_TRACE(absl::StrCat(st.file, ":", st.line));
      ASSERT_FALSE(st.name.empty()) << "a statement without \"-- statement: <name>\" above it:\n"
                                    << st.sql;
      auto it = store.find(st.name);
      ASSERT_NE(it, store.end()) << "no store prepares a statement named " << st.name;
      EXPECT_EQ(Compare(it->second, st.sql), "")
          << st.name << " is no longer the store's. The store's:\n"
          << it->second;
      ++named;
    }
    EXPECT_GT(named, 0) << entry.path() << " runs no store statement";
  }
  EXPECT_GT(files, 0) << "no *.pgbench.sql in " << PETITION_BENCH_DIR;
}

// The comparison itself: values stand in for parameters, nothing else may differ.
TEST(BenchSql, ValuesReplaceParametersOnly) {
  const std::string store = "SELECT a, b FROM t WHERE a = $1 AND ($2 = '' OR b = $2) LIMIT $3";
  EXPECT_EQ(Compare(store,
                    "select a, b from t where a = 'x' || :n and (:e = '' or b = :e) "
                    "limit (1 + 2)"),
            "");
  EXPECT_NE(Compare(store, "SELECT a, b, c FROM t WHERE a = 1 AND (:e = '' OR b = :e) LIMIT 1"),
            "");
  EXPECT_NE(Compare(store, "SELECT a, b FROM t WHERE a = 1 AND (:e = '' OR b = :f) LIMIT 1"), "");
  EXPECT_NE(Compare(store, "SELECT a, b FROM t WHERE a = 1 AND (:e = '' OR b = :e)"), "");
  EXPECT_NE(Compare(store,
                    "SELECT a, b FROM t WHERE a = 1 AND (:e = '' OR b = :e) LIMIT 1 "
                    "FOR UPDATE"),
            "");
  EXPECT_EQ(Compare("INSERT INTO t (a) VALUES ($1::text[])",
                    "INSERT INTO t (a) VALUES "
                    "(('{' || md5(random()::text) || "
                    "'}')::text[])"),
            "");
  EXPECT_NE(Compare("SELECT 1 FROM t WHERE a = $1", "SELECT 1 FROM t WHERE a = 'it''s'  AND b"),
            "");
}

}  // namespace
}  // namespace petition
