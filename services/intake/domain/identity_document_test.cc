#include "services/intake/domain/identity_document.h"

#include "gtest/gtest.h"

namespace petition::intake {
namespace {

const absl::CivilDay kToday(2026, 11, 28);

bool Valid(v1::IdType type, std::string_view number) {
  return ValidateIdentityNumber(type, number, kToday).ok();
}

TEST(IdentityDocumentTest, UnspecifiedIsTheResidentId) {
  EXPECT_EQ(EffectiveIdType(v1::ID_TYPE_UNSPECIFIED), v1::RESIDENT_ID);
  EXPECT_EQ(EffectiveIdType(v1::PASSPORT), v1::PASSPORT);
  EXPECT_TRUE(Valid(v1::ID_TYPE_UNSPECIFIED, "11010519491231002X"));
  EXPECT_TRUE(Valid(v1::RESIDENT_ID, "11010519491231002x"));
  EXPECT_FALSE(Valid(v1::RESIDENT_ID, "110101199003077572"));  // check character
  EXPECT_FALSE(Valid(v1::RESIDENT_ID, "E12345678"));
}

TEST(IdentityDocumentTest, Passports) {
  EXPECT_TRUE(Valid(v1::PASSPORT, "E12345678"));          // Chinese, E + 8 digits
  EXPECT_TRUE(Valid(v1::PASSPORT, "EA1234567"));          // Chinese, E + letter + 7 digits
  EXPECT_TRUE(Valid(v1::PASSPORT, "g12345678"));          // lower case is upper-cased
  EXPECT_TRUE(Valid(v1::PASSPORT, "X1234"));              // 5: the shortest
  EXPECT_TRUE(Valid(v1::PASSPORT, "AB1234567890CDEFG"));  // 17: the longest
  EXPECT_FALSE(Valid(v1::PASSPORT, "X123"));
  EXPECT_FALSE(Valid(v1::PASSPORT, "AB1234567890CDEFGH"));
  EXPECT_FALSE(Valid(v1::PASSPORT, "E1234-5678"));
  EXPECT_FALSE(Valid(v1::PASSPORT, "E 12345678"));
  EXPECT_FALSE(Valid(v1::PASSPORT, "ABCDEFGH"));  // no digit
  EXPECT_FALSE(Valid(v1::PASSPORT, ""));
}

TEST(IdentityDocumentTest, HongKongAndMacaoPermits) {
  EXPECT_TRUE(Valid(v1::HK_MACAO_PERMIT, "H12345678"));
  EXPECT_TRUE(Valid(v1::HK_MACAO_PERMIT, "M87654321"));
  EXPECT_TRUE(Valid(v1::HK_MACAO_PERMIT, "h1234567890"));  // older: 10 digits
  EXPECT_FALSE(Valid(v1::HK_MACAO_PERMIT, "H1234567"));    // 7 digits
  EXPECT_FALSE(Valid(v1::HK_MACAO_PERMIT, "H123456789"));  // 9 digits
  EXPECT_FALSE(Valid(v1::HK_MACAO_PERMIT, "K12345678"));   // neither H nor M
  EXPECT_FALSE(Valid(v1::HK_MACAO_PERMIT, "H1234567A"));
}

TEST(IdentityDocumentTest, TaiwanPermits) {
  EXPECT_TRUE(Valid(v1::TAIWAN_PERMIT, "12345678"));
  EXPECT_TRUE(Valid(v1::TAIWAN_PERMIT, "1234567890"));
  EXPECT_FALSE(Valid(v1::TAIWAN_PERMIT, "1234567"));
  EXPECT_FALSE(Valid(v1::TAIWAN_PERMIT, "123456789"));
  EXPECT_FALSE(Valid(v1::TAIWAN_PERMIT, "T1234567"));
}

TEST(IdentityDocumentTest, ForeignPermanentResidentIds) {
  EXPECT_TRUE(Valid(v1::FOREIGN_PERMANENT_RESIDENT, "USA310019900101"));  // 2017 card
  EXPECT_TRUE(Valid(v1::FOREIGN_PERMANENT_RESIDENT, "usa310019900101"));
  EXPECT_FALSE(Valid(v1::FOREIGN_PERMANENT_RESIDENT, "US1310019900101"));
  EXPECT_FALSE(Valid(v1::FOREIGN_PERMANENT_RESIDENT, "USA31001990010A"));
  EXPECT_TRUE(Valid(v1::FOREIGN_PERMANENT_RESIDENT, "93311084019900101X"));  // 2023 card
  EXPECT_TRUE(Valid(v1::FOREIGN_PERMANENT_RESIDENT, "933110840199001028"));
  EXPECT_FALSE(Valid(v1::FOREIGN_PERMANENT_RESIDENT, "933110840199001027"));  // check
  EXPECT_FALSE(Valid(v1::FOREIGN_PERMANENT_RESIDENT, "833110840199001028"));  // not 9...
  EXPECT_FALSE(Valid(v1::FOREIGN_PERMANENT_RESIDENT, "9331108401990010"));
}

TEST(IdentityDocumentTest, ErrorsNeverEchoTheNumber) {
  for (auto [type, number] : {std::pair{v1::RESIDENT_ID, "110101199003077572"},
                              {v1::PASSPORT, "E1234-5678"},
                              {v1::HK_MACAO_PERMIT, "K12345678"},
                              {v1::TAIWAN_PERMIT, "T1234567"},
                              {v1::FOREIGN_PERMANENT_RESIDENT, "933110840199001027"}}) {
    absl::Status s = ValidateIdentityNumber(type, number, kToday);
    ASSERT_FALSE(s.ok()) << number;
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message().find(number), absl::string_view::npos) << s.message();
    EXPECT_EQ(s.message().find("12345678"), absl::string_view::npos) << s.message();
  }
}

TEST(IdentityDocumentTest, AnUnknownTypeIsRefused) {
  EXPECT_FALSE(Valid(static_cast<v1::IdType>(42), "E12345678"));
}

TEST(IdentityDocumentTest, ANumberOfAnyTypeForSearches) {
  EXPECT_TRUE(IsIdentityNumberOfAnyType("11010519491231002X", kToday));
  EXPECT_TRUE(IsIdentityNumberOfAnyType("H12345678", kToday));
  EXPECT_TRUE(IsIdentityNumberOfAnyType("12345678", kToday));
  EXPECT_FALSE(IsIdentityNumberOfAnyType("12-34", kToday));
  EXPECT_EQ(NormalizeIdentityNumber("e12345678"), "E12345678");
}

}  // namespace
}  // namespace petition::intake
