#include "services/gateway/fast_json.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.pb.h"

namespace petition::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kTimestamp[] = "google.protobuf.Timestamp";
// protobuf's limits for Timestamp (0001-01-01 .. 9999-12-31).
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

bool IsTimestamp(const Descriptor* descriptor) { return descriptor->full_name() == kTimestamp; }

bool ComputeSupport(const Descriptor* descriptor,
                    absl::flat_hash_map<const Descriptor*, bool>* memo) {
  if (auto it = memo->find(descriptor); it != memo->end()) return it->second;
  // A type met again while it is being checked (recursion) is not supported.
  (*memo)[descriptor] = false;
  bool supported =
      descriptor->file()->syntax() == google::protobuf::FileDescriptor::SYNTAX_PROTO3 &&
      descriptor->oneof_decl_count() == 0 && !descriptor->options().map_entry() &&
      descriptor->extension_range_count() == 0 &&
      !absl::StartsWith(descriptor->full_name(), "google.protobuf.");
  for (int i = 0; supported && i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_map() || field->containing_oneof() != nullptr) {
      supported = false;
      break;
    }
    switch (field->type()) {
      case FieldDescriptor::TYPE_STRING:
      case FieldDescriptor::TYPE_BOOL:
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_ENUM:
        break;
      case FieldDescriptor::TYPE_MESSAGE:
        supported =
            IsTimestamp(field->message_type()) || ComputeSupport(field->message_type(), memo);
        break;
      default:
        supported = false;
    }
  }
  (*memo)[descriptor] = supported;
  return supported;
}

// Appends `text` as a JSON string the way protobuf's JsonEscaping does; false
// for characters whose treatment is not replicated here (protobuf escapes
// some invisible code points, e.g. U+00AD, U+200B, U+2028, U+FEFF).
bool AppendString(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  const unsigned char* run = p;  // start of bytes not yet copied
  auto flush = [&](const unsigned char* upto) {
    out->append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(upto - run));
  };
  while (p < end) {
    unsigned char c = *p;
    if (c >= 0x80) {
      uint32_t code;
      int length;
      if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
        code = c & 0x1F;
      } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        code = c & 0x0F;
      } else {
        return false;  // 4-byte sequences and invalid lead bytes: protobuf's printer decides
      }
      if (end - p < length) return false;
      for (int i = 1; i < length; ++i) {
        if ((p[i] & 0xC0) != 0x80) return false;
        code = (code << 6) | (p[i] & 0x3F);
      }
      if (length == 2 && (code < 0xA0 || code == 0xAD || code >= 0x600)) return false;
      if (length == 3 &&
          (code < 0x800 || (code >= 0x1700 && code < 0x1800) || (code >= 0x2000 && code < 0x2070) ||
           (code >= 0xD800 && code < 0xE000) || code >= 0xFE00)) {
        // U+FF00..U+FFEF (fullwidth forms, e.g. "，") print as they are.
        if (!(code >= 0xFF00 && code < 0xFFF0)) return false;
      }
      p += length;
      continue;
    }
    const char* escape = nullptr;
    switch (c) {
      case '"':
        escape = "\\\"";
        break;
      case '\\':
        escape = "\\\\";
        break;
      case '\b':
        escape = "\\b";
        break;
      case '\t':
        escape = "\\t";
        break;
      case '\n':
        escape = "\\n";
        break;
      case '\f':
        escape = "\\f";
        break;
      case '\r':
        escape = "\\r";
        break;
      default:
        break;
    }
    if (escape != nullptr) {
      flush(p);
      out->append(escape);
      run = ++p;
    } else if (c < 0x20 || c == '<' || c == '>' || c == 0x7F) {
      flush(p);
      const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out->append(u, sizeof(u));
      run = ++p;
    } else {
      ++p;
    }
  }
  flush(p);
  out->push_back('"');
  return true;
}

bool AppendTimestamp(const Message& timestamp, std::string* out) {
  const Descriptor* descriptor = timestamp.GetDescriptor();
  const Reflection* reflection = timestamp.GetReflection();
  const FieldDescriptor* seconds_field = descriptor->FindFieldByNumber(1);
  const FieldDescriptor* nanos_field = descriptor->FindFieldByNumber(2);
  if (seconds_field == nullptr || nanos_field == nullptr) return false;
  const int64_t seconds = reflection->GetInt64(timestamp, seconds_field);
  const int32_t nanos = reflection->GetInt32(timestamp, nanos_field);
  if (seconds < kMinSeconds || seconds > kMaxSeconds || nanos < 0 || nanos > 999999999) {
    return false;  // protobuf's printer reports these
  }
  const absl::CivilSecond civil =
      absl::ToCivilSecond(absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
  absl::StrAppendFormat(out, "\"%04d-%02d-%02dT%02d:%02d:%02d", civil.year(), civil.month(),
                        civil.day(), civil.hour(), civil.minute(), civil.second());
  if (nanos == 0) {
  } else if (nanos % 1000000 == 0) {
    absl::StrAppendFormat(out, ".%03d", nanos / 1000000);
  } else if (nanos % 1000 == 0) {
    absl::StrAppendFormat(out, ".%06d", nanos / 1000);
  } else {
    absl::StrAppendFormat(out, ".%09d", nanos);
  }
  out->append("Z\"");
  return true;
}

bool AppendMessage(const Message& message, std::string* out);

// One value of `field` (element `index` when repeated).
bool AppendValue(const Message& message, const FieldDescriptor* field, int index,
                 std::string* out) {
  const Reflection* reflection = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->type()) {
    case FieldDescriptor::TYPE_STRING: {
      std::string scratch;
      const std::string& value =
          repeated ? reflection->GetRepeatedStringReference(message, field, index, &scratch)
                   : reflection->GetStringReference(message, field, &scratch);
      return AppendString(value, out);
    }
    case FieldDescriptor::TYPE_BOOL: {
      bool value = repeated ? reflection->GetRepeatedBool(message, field, index)
                            : reflection->GetBool(message, field);
      out->append(value ? "true" : "false");
      return true;
    }
    case FieldDescriptor::TYPE_INT32:
      absl::StrAppend(out, repeated ? reflection->GetRepeatedInt32(message, field, index)
                                    : reflection->GetInt32(message, field));
      return true;
    case FieldDescriptor::TYPE_INT64:
      // 64-bit integers are JSON strings.
      absl::StrAppend(out, "\"",
                      repeated ? reflection->GetRepeatedInt64(message, field, index)
                               : reflection->GetInt64(message, field),
                      "\"");
      return true;
    case FieldDescriptor::TYPE_ENUM: {
      int number = repeated ? reflection->GetRepeatedEnumValue(message, field, index)
                            : reflection->GetEnumValue(message, field);
      const google::protobuf::EnumValueDescriptor* value =
          field->enum_type()->FindValueByNumber(number);
      if (value == nullptr) return false;  // protobuf prints the number
      out->push_back('"');
      out->append(value->name());
      out->push_back('"');
      return true;
    }
    case FieldDescriptor::TYPE_MESSAGE: {
      const Message& value = repeated ? reflection->GetRepeatedMessage(message, field, index)
                                      : reflection->GetMessage(message, field);
      return IsTimestamp(field->message_type()) ? AppendTimestamp(value, out)
                                                : AppendMessage(value, out);
    }
    default:
      return false;
  }
}

void AppendName(const FieldDescriptor* field, std::string* out, bool* first) {
  if (!*first) out->push_back(',');
  *first = false;
  out->push_back('"');
  out->append(field->json_name());  // lowerCamelCase: no characters to escape
  out->append("\":");
}

// protobuf's DefaultValueObjectWriter lays an object out in declaration
// order, every scalar and repeated field included, message fields only when
// present; values it renders as strings into a field of message type (a
// Timestamp) come after all of those, in wire (field number) order.
bool AppendMessage(const Message& message, std::string* out) {
  const Descriptor* descriptor = message.GetDescriptor();
  const Reflection* reflection = message.GetReflection();
  out->push_back('{');
  bool first = true;
  bool deferred = false;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated()) {
      AppendName(field, out, &first);
      out->push_back('[');
      const int size = reflection->FieldSize(message, field);
      for (int j = 0; j < size; ++j) {
        if (j > 0) out->push_back(',');
        if (!AppendValue(message, field, j, out)) return false;
      }
      out->push_back(']');
      continue;
    }
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (!reflection->HasField(message, field)) continue;
      if (IsTimestamp(field->message_type())) {
        deferred = true;
        continue;
      }
    }
    AppendName(field, out, &first);
    if (!AppendValue(message, field, -1, out)) return false;
  }
  if (deferred) {
    std::vector<const FieldDescriptor*> timestamps;
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      if (!field->is_repeated() && field->type() == FieldDescriptor::TYPE_MESSAGE &&
          IsTimestamp(field->message_type()) && reflection->HasField(message, field)) {
        timestamps.push_back(field);
      }
    }
    std::sort(timestamps.begin(), timestamps.end(),
              [](const FieldDescriptor* a, const FieldDescriptor* b) {
                return a->number() < b->number();
              });
    for (const FieldDescriptor* field : timestamps) {
      AppendName(field, out, &first);
      if (!AppendValue(message, field, -1, out)) return false;
    }
  }
  out->push_back('}');
  return true;
}

}  // namespace

bool FastJsonSupports(const Descriptor* descriptor) {
  struct Memo {
    absl::Mutex mu;
    absl::flat_hash_map<const Descriptor*, bool> supported ABSL_GUARDED_BY(mu);
  };
  static Memo* const memo = new Memo();
  {
    absl::ReaderMutexLock lock(&memo->mu);
    if (auto it = memo->supported.find(descriptor); it != memo->supported.end()) {
      return it->second;
    }
  }
  absl::MutexLock lock(&memo->mu);
  return ComputeSupport(descriptor, &memo->supported);
}

bool FastMessageToJson(const Message& message, std::string* out) {
  if (!FastJsonSupports(message.GetDescriptor())) return false;
  return AppendMessage(message, out);
}

}  // namespace petition::gateway
