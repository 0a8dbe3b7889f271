#include "services/gateway/fast_json.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"
#include "petition/v1/intake.grpc.pb.h"
#include "petition/v1/scheduling.grpc.pb.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "services/gateway/transcoder.h"

namespace petition::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Strings protobuf prints as they are, and some it escapes.
const std::vector<std::string>& Strings() {
  static const auto* strings = new std::vector<std::string>{
      "",
      "case_01",
      "宅基地纠纷",
      "邻居占用宅基地，请求镇里协调处理。",
      "11010519491231002X",
      "a\"b\\c/d",
      "<script>&'",
      "line\nbreak\ttab\r\b\f",
      std::string("nul\0x\x01\x1f\x7f", 9),
      "é ü ß ñ",
      "\xc2\xa0\xc2\xad",          // NBSP, soft hyphen
      "\xe2\x80\xa8\xe2\x80\x8b",  // U+2028, U+200B
      "\xef\xbb\xbf\xef\xbc\x8c",  // U+FEFF, U+FF0C
      "\xf0\x9f\x98\x80",          // U+1F600
      "\xd8\xa7\xd9\x84",          // Arabic
      "\xe1\x9e\xb4",              // U+17B4
      "\xc2\x80\xc2\x9f",          // C1 controls
  };
  return *strings;
}

class RandomFiller {
 public:
  explicit RandomFiller(uint32_t seed) : rng_(seed) {}

  void Fill(Message* message, int depth) {
    const Descriptor* descriptor = message->GetDescriptor();
    const Reflection* reflection = message->GetReflection();
    if (descriptor->full_name() == "google.protobuf.Timestamp") {
      static const int64_t kSeconds[] = {0,  1767225600,   -62135596800, 253402300799,
                                         -1, 253402300800, -62135596801, 951782400};
      static const int32_t kNanos[] = {0, 5000000, 123000, 7, 999999999, -1, 1000000000};
      reflection->SetInt64(message, descriptor->FindFieldByNumber(1), Pick(kSeconds));
      reflection->SetInt32(message, descriptor->FindFieldByNumber(2), Pick(kNanos));
      return;
    }
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      if (Chance(3)) continue;  // one in three stays unset
      if (field->is_repeated()) {
        int n = static_cast<int>(rng_() % 4);
        for (int j = 0; j < n; ++j) Set(message, field, depth);
      } else {
        Set(message, field, depth);
      }
    }
  }

 private:
  template <typename T, std::size_t N>
  T Pick(const T (&values)[N]) {
    return values[rng_() % N];
  }
  bool Chance(int one_in) { return rng_() % one_in == 0; }

  void Set(Message* message, const FieldDescriptor* field, int depth) {
    const Reflection* reflection = message->GetReflection();
    const bool repeated = field->is_repeated();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string value = Chance(2) ? "plain" : Strings()[rng_() % Strings().size()];
        repeated ? reflection->AddString(message, field, value)
                 : reflection->SetString(message, field, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL:
        repeated ? reflection->AddBool(message, field, Chance(2))
                 : reflection->SetBool(message, field, Chance(2));
        break;
      case FieldDescriptor::CPPTYPE_INT32: {
        static const int32_t kValues[] = {0, 1, -1, 42, 2147483647, -2147483647 - 1};
        repeated ? reflection->AddInt32(message, field, Pick(kValues))
                 : reflection->SetInt32(message, field, Pick(kValues));
        break;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        static const int64_t kValues[] = {0, 1, -1, 1767225600, INT64_MAX, INT64_MIN};
        repeated ? reflection->AddInt64(message, field, Pick(kValues))
                 : reflection->SetInt64(message, field, Pick(kValues));
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        int number = Chance(8)
                         ? 97
                         : field->enum_type()
                               ->value(static_cast<int>(rng_() % field->enum_type()->value_count()))
                               ->number();
        repeated ? reflection->AddEnumValue(message, field, number)
                 : reflection->SetEnumValue(message, field, number);
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        if (depth > 3) break;
        Message* child = repeated ? reflection->AddMessage(message, field)
                                  : reflection->MutableMessage(message, field);
        if (!Chance(5)) Fill(child, depth + 1);  // sometimes present but empty
        break;
      }
      default:
        // Types the fast path declines: any value will do.
        break;
    }
  }

  std::mt19937 rng_;
};

// Every request and response type of the services the gateway fronts.
std::vector<const Descriptor*> GatewayTypes() {
  std::vector<const Descriptor*> types;
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* name :
       {intake::v1::Intake::service_full_name(), scheduling::v1::Scheduling::service_full_name(),
        supervision::v1::Supervision::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    EXPECT_NE(service, nullptr) << name;
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      types.push_back(service->method(i)->output_type());
      types.push_back(service->method(i)->input_type());
    }
  }
  return types;
}

TEST(FastJsonTest, SameJsonAsProtobufForRandomMessages) {
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  int fast = 0;
  int total = 0;
  for (const Descriptor* type : GatewayTypes()) {
    for (uint32_t seed = 0; seed < 300; ++seed) {
      std::unique_ptr<Message> message(factory->GetPrototype(type)->New());
      RandomFiller(seed).Fill(message.get(), 0);
      absl::StatusOr<std::string> expected = Transcoder::ProtobufJson(*message);
      std::string json;
      ++total;
      if (FastMessageToJson(*message, &json)) {
        ++fast;
        ASSERT_TRUE(expected.ok()) << type->full_name() << " " << message->ShortDebugString();
        ASSERT_EQ(json, *expected) << type->full_name() << " " << message->ShortDebugString();
      }
      absl::StatusOr<std::string> actual = Transcoder::ToJson(*message);
      ASSERT_EQ(actual.ok(), expected.ok()) << type->full_name();
      if (actual.ok()) {
        ASSERT_EQ(*actual, *expected);
      }
    }
  }
  // The fast path does take most messages.
  EXPECT_GT(fast, total / 4) << fast << " of " << total;
}

TEST(FastJsonTest, TakesATypicalCase) {
  intake::v1::Case c;
  c.set_case_id("case_1");
  c.set_status(intake::v1::REGISTERED);
  c.mutable_received_at()->set_seconds(1767225600);
  c.mutable_updated_at()->set_nanos(5000000);
  intake::v1::Petitioner* petitioner = c.add_petitioners();
  petitioner->set_name("张三");
  petitioner->set_address("长乐镇东村三组12号");
  c.set_content("邻居占用宅基地，请求镇里协调处理。\n");
  std::string json;
  ASSERT_TRUE(FastMessageToJson(c, &json));
  EXPECT_EQ(json, *Transcoder::ProtobufJson(c));
  EXPECT_THAT(json, ::testing::HasSubstr(R"("receivedAt":"2026-01-01T00:00:00Z")"));
}

TEST(FastJsonTest, DeclinesWhatItDoesNotRenderItself) {
  intake::v1::Case c;
  c.set_status(static_cast<intake::v1::CaseStatus>(97));
  std::string json;
  EXPECT_FALSE(FastMessageToJson(c, &json));
  c.Clear();
  c.mutable_created_at()->set_seconds(253402300800);
  EXPECT_FALSE(FastMessageToJson(c, &json));
  c.Clear();
  c.set_subject("\xe2\x80\xa8");
  EXPECT_FALSE(FastMessageToJson(c, &json));
  EXPECT_FALSE(FastJsonSupports(google::protobuf::Timestamp::descriptor()));
}

}  // namespace
}  // namespace petition::gateway
