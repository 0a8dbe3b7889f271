// PostgreSQL array literals for parameters: {"a","b"}, every element quoted
// and escaped, so the same text casts to text[], bigint[], date[] or bool[]
// ($1::text[]). Set-based statements (unnest) take a batch in one round trip.
#ifndef PETITION_COMMON_PG_ARRAY_H_
#define PETITION_COMMON_PG_ARRAY_H_

#include <string>
#include <string_view>

namespace petition {

class PgArrayBuilder {
 public:
  PgArrayBuilder& Add(std::string_view element) {
    out_ += out_.size() > 1 ? ",\"" : "\"";
    for (char c : element) {
      if (c == '"' || c == '\\') out_ += '\\';
      out_ += c;
    }
    out_ += '"';
    return *this;
  }
  std::string Finish() const { return out_ + "}"; }

 private:
  std::string out_ = "{";
};

// The literal of any range of string-like elements.
template <typename Range>
std::string PgArray(const Range& values) {
  PgArrayBuilder b;
  for (const auto& v : values) b.Add(v);
  return b.Finish();
}

}  // namespace petition

#endif  // PETITION_COMMON_PG_ARRAY_H_
