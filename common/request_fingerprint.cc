#include "common/request_fingerprint.h"

#include <memory>
#include <string_view>

#include "common/migrations.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"

namespace petition {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::string SerializeDeterministic(const Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

// True when `field` is written before every other field of its message.
bool SerialisedFirst(const FieldDescriptor& field) {
  const google::protobuf::Descriptor& message = *field.containing_type();
  for (int i = 0; i < message.field_count(); ++i) {
    if (message.field(i)->number() < field.number()) return false;
  }
  return true;
}

// The bytes that encode `field` = `value` (a length-delimited field).
std::string EncodedStringField(const FieldDescriptor& field, const std::string& value) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    google::protobuf::internal::WireFormatLite::WriteString(field.number(), value, &coded);
  }
  return bytes;
}

}  // namespace

std::string RequestFingerprint(const Message& request) {
  const FieldDescriptor* id = request.GetDescriptor()->FindFieldByName("request_id");
  if (id == nullptr || id->type() != FieldDescriptor::TYPE_STRING || id->is_repeated()) {
    return Sha256Hex(SerializeDeterministic(request));
  }
  const std::string& value = request.GetReflection()->GetString(request, id);
  if (SerialisedFirst(*id)) {
    const std::string bytes = SerializeDeterministic(request);
    if (value.empty()) return Sha256Hex(bytes);  // proto3: an empty string is not written
    const std::string prefix = EncodedStringField(*id, value);
    if (std::string_view(bytes).substr(0, prefix.size()) == prefix) {
      return Sha256Hex(std::string_view(bytes).substr(prefix.size()));
    }
  }
  std::unique_ptr<Message> copy(request.New());
  copy->CopyFrom(request);
  copy->GetReflection()->ClearField(copy.get(), id);
  return Sha256Hex(SerializeDeterministic(*copy));
}

}  // namespace petition
