#include "services/gateway/json_check.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "common/utf8.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/util/time_util.h"
#include "services/gateway/transcoder.h"

namespace petition::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int kMaxDepth = 64;

bool IsWellKnown(const Descriptor* type) {
  return absl::StartsWith(type->full_name(), "google.protobuf.");
}

// What a JSON value is expected to be.
struct Expect {
  const FieldDescriptor* field = nullptr;  // null: anything (inside a well-known type)
  bool element = false;                    // one element of a repeated field / map value
  // When filling: the message `field` belongs to (null: check only).
  Message* target = nullptr;
};

void AppendUtf8(uint32_t code, std::string* out) {
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code >> 6)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

class Checker {
 public:
  explicit Checker(absl::string_view json) : json_(json) {}

  // With `target`, also fills it (see ParseJsonMessage); filled() tells
  // whether that went all the way.
  absl::Status Run(const Descriptor* type, Message* target = nullptr) {
    SkipSpace();
    if (absl::Status s = Object(type, "", 0, target); !s.ok()) return s;
    return End();
  }

  absl::Status Run(const FieldDescriptor* field, Message* target = nullptr) {
    SkipSpace();
    if (absl::Status s = Value(Expect{field, false, target}, field->json_name(), 0); !s.ok()) {
      return s;
    }
    return End();
  }

  bool filled() const { return !declined_; }

 private:
  absl::Status End() {
    SkipSpace();
    if (pos_ != json_.size()) return Syntax("");
    return absl::OkStatus();
  }

  // Not JSON at all: the path where it stopped making sense.
  absl::Status Syntax(const std::string& path) {
    if (path.empty()) return absl::InvalidArgumentError("body is not valid JSON");
    return InvalidField(path, "body is not valid JSON here");
  }

  void SkipSpace() {
    while (pos_ < json_.size() && (json_[pos_] == ' ' || json_[pos_] == '\t' ||
                                   json_[pos_] == '\n' || json_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Peek(char c) const { return pos_ < json_.size() && json_[pos_] == c; }
  bool Literal(absl::string_view word) {
    if (json_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // Free text may hold tabs and line breaks, no other control character:
  // stored, printed on notices and written into calendars (RFC 5545 forbids
  // them), they would corrupt what they end up in.
  static bool IsRefusedControl(uint32_t code) {
    return (code < 0x20 && code != '\t' && code != '\n' && code != '\r') || code == 0x7F ||
           (code >= 0x80 && code <= 0x9F);
  }
  absl::Status ControlCharacter(const std::string& path) {
    return InvalidField(path.empty() ? "body" : path,
                        "must not contain control characters (tab and line breaks aside)");
  }

  // A JSON string; its decoded bytes in `out` when given (`exact`: as the
  // value of a field; otherwise good enough to compare with a name). A NUL in
  // it (raw or escaped) is refused for `path`, as is any other control
  // character but tab and line breaks.
  absl::Status String(const std::string& path, std::string* out, bool exact = false) {
    if (!Peek('"')) return Syntax(path);
    ++pos_;
    while (pos_ < json_.size()) {
      const unsigned char c = static_cast<unsigned char>(json_[pos_]);
      if (c == '"') {
        ++pos_;
        return absl::OkStatus();
      }
      if (c == 0) return InvalidField(path, "must not contain the NUL character");
      if (c < 0x20) return Syntax(path);  // control characters must be escaped
      // DEL, and C1 controls (U+0080-U+009F: C2 80 to C2 9F in UTF-8).
      if (c == 0x7F || (c == 0xC2 && pos_ + 1 < json_.size() &&
                        static_cast<unsigned char>(json_[pos_ + 1]) >= 0x80 &&
                        static_cast<unsigned char>(json_[pos_ + 1]) <= 0x9F)) {
        return ControlCharacter(path);
      }
      if (c != '\\') {
        if (out != nullptr) out->push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= json_.size()) return Syntax(path);
      const char e = json_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          if (out != nullptr) out->push_back(e);
          break;
        case 'b':
        case 'f':
          return ControlCharacter(path);
        case 'n':
        case 'r':
        case 't':
          if (out != nullptr) {
            out->push_back(!exact ? ' ' : e == 'n' ? '\n' : e == 'r' ? '\r' : '\t');
          }
          break;
        case 'u': {
          uint32_t code = 0;
          if (pos_ + 4 > json_.size()) return Syntax(path);
          for (int i = 0; i < 4; ++i) {
            const char h = json_[pos_ + i];
            if (!absl::ascii_isxdigit(static_cast<unsigned char>(h))) return Syntax(path);
            code = code * 16 + static_cast<uint32_t>(absl::ascii_isdigit(h)
                                                         ? h - '0'
                                                         : absl::ascii_tolower(h) - 'a' + 10);
          }
          pos_ += 4;
          if (code == 0) return InvalidField(path, "must not contain the NUL character");
          if (IsRefusedControl(code)) return ControlCharacter(path);
          if (out == nullptr) break;
          if (!exact) {
            out->push_back('?');  // never part of a name
          } else if (code >= 0xD800 && code <= 0xDBFF && json_.substr(pos_, 2) == "\\u") {
            uint32_t low = 0;
            if (!Hex4(pos_ + 2, &low) || low < 0xDC00 || low > 0xDFFF) {
              exact_failed_ = true;  // a lone surrogate: protobuf's parser decides
              break;
            }
            pos_ += 6;
            AppendUtf8(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), out);
          } else if (code >= 0xD800 && code <= 0xDFFF) {
            exact_failed_ = true;
          } else {
            AppendUtf8(code, out);
          }
          break;
        }
        default:
          return Syntax(path);
      }
    }
    return Syntax(path);
  }

  // A JSON number; its text in `text`.
  absl::Status Number(const std::string& path, absl::string_view* text) {
    const std::size_t start = pos_;
    if (Peek('-')) ++pos_;
    if (Peek('0')) {
      ++pos_;
    } else if (pos_ < json_.size() && json_[pos_] >= '1' && json_[pos_] <= '9') {
      while (pos_ < json_.size() && absl::ascii_isdigit(static_cast<unsigned char>(json_[pos_])))
        ++pos_;
    } else {
      return Syntax(path);
    }
    if (Peek('.')) {
      ++pos_;
      if (pos_ >= json_.size() || !absl::ascii_isdigit(static_cast<unsigned char>(json_[pos_])))
        return Syntax(path);
      while (pos_ < json_.size() && absl::ascii_isdigit(static_cast<unsigned char>(json_[pos_])))
        ++pos_;
    }
    if (Peek('e') || Peek('E')) {
      ++pos_;
      if (Peek('+') || Peek('-')) ++pos_;
      if (pos_ >= json_.size() || !absl::ascii_isdigit(static_cast<unsigned char>(json_[pos_])))
        return Syntax(path);
      while (pos_ < json_.size() && absl::ascii_isdigit(static_cast<unsigned char>(json_[pos_])))
        ++pos_;
    }
    *text = json_.substr(start, pos_ - start);
    return absl::OkStatus();
  }

  // An object of message `type` (null: any object, inside a well-known type).
  absl::Status Object(const Descriptor* type, const std::string& path, int depth,
                      Message* target = nullptr) {
    if (depth > kMaxDepth) return InvalidField(path.empty() ? "body" : path, "nested too deeply");
    if (!Peek('{')) return Syntax(path);
    ++pos_;
    SkipSpace();
    if (Peek('}')) {
      ++pos_;
      return absl::OkStatus();
    }
    std::vector<int> seen;  // field numbers given, when filling
    while (true) {
      SkipSpace();
      std::string key;
      if (absl::Status s = String(path, &key); !s.ok()) return s;
      SkipSpace();
      if (!Peek(':')) return Syntax(path);
      ++pos_;
      SkipSpace();
      Expect expect;
      std::string child = path;
      if (type != nullptr) {
        const FieldDescriptor* field = FindFieldByAnyName(type, key);
        if (field == nullptr) {
          if (!IsFieldNameShaped(key)) {
            return InvalidField(path.empty() ? "body" : path, "holds an unknown field");
          }
          return InvalidField(path.empty() ? key : absl::StrCat(path, ".", key), "unknown field");
        }
        expect.field = field;
        expect.target = Target(target);
        if (expect.target != nullptr) {
          const bool repeated_key =
              std::find(seen.begin(), seen.end(), field->number()) != seen.end();
          const google::protobuf::OneofDescriptor* oneof = field->real_containing_oneof();
          if (repeated_key || (oneof != nullptr &&
                               expect.target->GetReflection()->HasOneof(*expect.target, oneof))) {
            Decline();
            expect.target = nullptr;
          }
          seen.push_back(field->number());
        }
        child = path.empty() ? field->json_name() : absl::StrCat(path, ".", field->json_name());
      } else if (IsFieldNameShaped(key)) {
        child = path.empty() ? key : absl::StrCat(path, ".", key);
      }
      if (absl::Status s = Value(expect, child, depth + 1); !s.ok()) return s;
      SkipSpace();
      if (Peek(',')) {
        ++pos_;
        continue;
      }
      if (Peek('}')) {
        ++pos_;
        return absl::OkStatus();
      }
      return Syntax(path);
    }
  }

  absl::Status Array(const Expect& element, const std::string& path, int depth) {
    if (depth > kMaxDepth) return InvalidField(path, "nested too deeply");
    ++pos_;  // '['
    SkipSpace();
    if (Peek(']')) {
      ++pos_;
      return absl::OkStatus();
    }
    for (int i = 0;; ++i) {
      SkipSpace();
      Expect each = element;
      each.target = Target(element.target);
      if (absl::Status s = Value(each, absl::StrCat(path, "[", i, "]"), depth + 1); !s.ok()) {
        return s;
      }
      SkipSpace();
      if (Peek(',')) {
        ++pos_;
        continue;
      }
      if (Peek(']')) {
        ++pos_;
        return absl::OkStatus();
      }
      return Syntax(path);
    }
  }

  // Any JSON value, checked for syntax and NUL only.
  absl::Status Any(const std::string& path, int depth) {
    if (depth > kMaxDepth) return InvalidField(path.empty() ? "body" : path, "nested too deeply");
    if (Peek('{')) return Object(nullptr, path, depth);
    if (Peek('[')) return Array(Expect{}, path, depth);
    if (Peek('"')) return String(path, nullptr);
    if (Literal("true") || Literal("false") || Literal("null")) return absl::OkStatus();
    absl::string_view ignored;
    return Number(path, &ignored);
  }

  absl::Status Value(const Expect& expect, const std::string& path, int depth) {
    if (pos_ >= json_.size()) return Syntax(path);
    const FieldDescriptor* field = expect.field;
    if (field == nullptr) return Any(path, depth);
    Message* target = Target(expect.target);
    if (Literal("null")) {
      if (target != nullptr && expect.element) Decline();  // protobuf's parser decides
      return absl::OkStatus();                             // protobuf: the default, i.e. absent
    }
    if (target != nullptr && (field->is_map() || field->type() == FieldDescriptor::TYPE_BYTES)) {
      Decline();
      target = nullptr;
    }
    const Reflection* r = target != nullptr ? target->GetReflection() : nullptr;
    const bool add = expect.element;
    if (field->is_map() && !expect.element) {
      if (!Peek('{')) return InvalidField(path, "must be a JSON object");
      if (depth > kMaxDepth) return InvalidField(path, "nested too deeply");
      const FieldDescriptor* value_field = field->message_type()->map_value();
      ++pos_;
      SkipSpace();
      if (Peek('}')) {
        ++pos_;
        return absl::OkStatus();
      }
      while (true) {
        SkipSpace();
        if (absl::Status s = String(path, nullptr); !s.ok()) return s;
        SkipSpace();
        if (!Peek(':')) return Syntax(path);
        ++pos_;
        SkipSpace();
        if (absl::Status s = Value(Expect{value_field, true}, path, depth + 1); !s.ok()) return s;
        SkipSpace();
        if (Peek(',')) {
          ++pos_;
          continue;
        }
        if (Peek('}')) {
          ++pos_;
          return absl::OkStatus();
        }
        return Syntax(path);
      }
    }
    if (field->is_repeated() && !expect.element) {
      if (!Peek('[')) return InvalidField(path, "must be a JSON array");
      return Array(Expect{field, true, target}, path, depth);
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        const Descriptor* type = field->message_type();
        if (IsWellKnown(type)) {
          if (target != nullptr && type == google::protobuf::Timestamp::descriptor() && Peek('"')) {
            return TimestampValue(path, field, add, target);
          }
          if (target != nullptr) Decline();
          return Any(path, depth);
        }
        if (!Peek('{')) return InvalidField(path, "must be a JSON object");
        Message* child = target == nullptr ? nullptr
                         : add             ? r->AddMessage(target, field)
                                           : r->MutableMessage(target, field);
        return Object(type, path, depth, child);
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        if (!Peek('"')) return InvalidField(path, "must be a JSON string");
        if (target == nullptr) return String(path, nullptr);
        std::string text;
        exact_failed_ = false;
        if (absl::Status s = String(path, &text, /*exact=*/true); !s.ok()) return s;
        if (exact_failed_ || !petition::IsValidUtf8(text)) {
          Decline();
        } else if (add) {
          r->AddString(target, field, std::move(text));
        } else {
          r->SetString(target, field, std::move(text));
        }
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        const bool value = Peek('t');
        if (!Literal("true") && !Literal("false")) {
          return InvalidField(path, "must be true or false");
        }
        if (target == nullptr) return absl::OkStatus();
        add ? r->AddBool(target, field, value) : r->SetBool(target, field, value);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_ENUM:
        return Enum(field, path, add, target);
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64:
        return Integer(field, path, add, target);
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: {
        if (Peek('"')) {  // "NaN", "1.5": protobuf decides
          if (target != nullptr) Decline();
          return String(path, nullptr);
        }
        absl::string_view text;
        if (!Number(path, &text).ok()) return InvalidField(path, "must be a number");
        double value = 0;
        if (target == nullptr) return absl::OkStatus();
        if (!absl::SimpleAtod(text, &value) ||
            (field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT &&
             std::abs(value) > std::numeric_limits<float>::max())) {
          Decline();
        } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
          add ? r->AddFloat(target, field, static_cast<float>(value))
              : r->SetFloat(target, field, static_cast<float>(value));
        } else {
          add ? r->AddDouble(target, field, value) : r->SetDouble(target, field, value);
        }
        return absl::OkStatus();
      }
    }
    return Any(path, depth);
  }

  absl::Status TimestampValue(const std::string& path, const FieldDescriptor* field, bool add,
                              Message* target) {
    std::string text;
    exact_failed_ = false;
    if (absl::Status s = String(path, &text, /*exact=*/true); !s.ok()) return s;
    google::protobuf::Timestamp value;
    if (exact_failed_ || !google::protobuf::util::TimeUtil::FromString(text, &value)) {
      Decline();  // protobuf's parser words the error
      return absl::OkStatus();
    }
    const Reflection* r = target->GetReflection();
    (add ? r->AddMessage(target, field) : r->MutableMessage(target, field))->CopyFrom(value);
    return absl::OkStatus();
  }

  absl::Status Enum(const FieldDescriptor* field, const std::string& path, bool add,
                    Message* target) {
    const EnumDescriptor* type = field->enum_type();
    if (type->full_name() == "google.protobuf.NullValue") {
      if (target != nullptr) Decline();
      return Any(path, 0);
    }
    if (!Peek('"')) {
      // A number (or anything else): enums are given by name.
      return InvalidField(path, absl::StrCat("must be one of ", EnumNames(type), " (by name)"));
    }
    std::string name;
    if (absl::Status s = String(path, &name); !s.ok()) return s;
    const google::protobuf::EnumValueDescriptor* value = type->FindValueByName(name);
    if (value == nullptr || value->number() == 0) {
      return InvalidField(path, absl::StrCat("must be one of ", EnumNames(type)));
    }
    if (target != nullptr) {
      const Reflection* r = target->GetReflection();
      add ? r->AddEnumValue(target, field, value->number())
          : r->SetEnumValue(target, field, value->number());
    }
    return absl::OkStatus();
  }

  absl::Status Integer(const FieldDescriptor* field, const std::string& path, bool add,
                       Message* target) {
    absl::string_view text;
    std::string quoted;
    if (Peek('"')) {
      // protobuf's JSON takes integers as strings too (int64 is printed so).
      if (absl::Status s = String(path, &quoted); !s.ok()) return s;
      text = quoted;
    } else if (!Number(path, &text).ok()) {
      return InvalidField(path, "must be an integer");
    }
    bool in_range = false;
    const Reflection* r = target != nullptr ? target->GetReflection() : nullptr;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        int32_t v;
        in_range = absl::SimpleAtoi(text, &v);
        if (in_range && r != nullptr)
          add ? r->AddInt32(target, field, v) : r->SetInt32(target, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t v;
        in_range = absl::SimpleAtoi(text, &v);
        if (in_range && r != nullptr)
          add ? r->AddInt64(target, field, v) : r->SetInt64(target, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        uint32_t v;
        in_range = !absl::StartsWith(text, "-") && absl::SimpleAtoi(text, &v);
        if (in_range && r != nullptr)
          add ? r->AddUInt32(target, field, v) : r->SetUInt32(target, field, v);
        break;
      }
      default: {
        uint64_t v;
        in_range = !absl::StartsWith(text, "-") && absl::SimpleAtoi(text, &v);
        if (in_range && r != nullptr)
          add ? r->AddUInt64(target, field, v) : r->SetUInt64(target, field, v);
        break;
      }
    }
    if (in_range) return absl::OkStatus();
    const bool integral = !text.empty() && text.find_first_of(".eE") == absl::string_view::npos &&
                          text.find_first_not_of("-0123456789") == absl::string_view::npos;
    if (!integral) return InvalidField(path, "must be an integer");
    return InvalidField(path, absl::StrCat("out of range for ", field->cpp_type_name()));
  }

  bool Hex4(std::size_t at, uint32_t* code) const {
    if (at + 4 > json_.size()) return false;
    *code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = json_[at + i];
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(h))) return false;
      *code = *code * 16 + static_cast<uint32_t>(absl::ascii_isdigit(h)
                                                     ? h - '0'
                                                     : absl::ascii_tolower(h) - 'a' + 10);
    }
    return true;
  }

  // Filling stops (and the caller falls back to protobuf's parser) at what
  // this pass does not render exactly as protobuf would: maps, bytes, most
  // well-known types, a number given as a string, a repeated key, a second
  // member of a oneof, a null element, a lone surrogate, text that is not UTF-8.
  void Decline() { declined_ = true; }
  Message* Target(Message* target) const { return declined_ ? nullptr : target; }

  absl::string_view json_;
  std::size_t pos_ = 0;
  bool declined_ = false;
  bool exact_failed_ = false;
};

}  // namespace

bool IsFieldNameShaped(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!absl::ascii_isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string EnumNames(const EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) names.push_back(type->value(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

absl::Status CheckJsonMessage(absl::string_view json, const Descriptor* type) {
  return Checker(json).Run(type);
}

absl::Status CheckJsonField(absl::string_view json, const FieldDescriptor* field) {
  return Checker(json).Run(field);
}

absl::StatusOr<bool> ParseJsonMessage(absl::string_view json, Message* message) {
  Checker checker(json);
  if (absl::Status s = checker.Run(message->GetDescriptor(), message); !s.ok()) return s;
  return checker.filled();
}

absl::StatusOr<bool> ParseJsonField(absl::string_view json, const FieldDescriptor* field,
                                    Message* message) {
  Checker checker(json);
  if (absl::Status s = checker.Run(field, message); !s.ok()) return s;
  return checker.filled();
}

}  // namespace petition::gateway
