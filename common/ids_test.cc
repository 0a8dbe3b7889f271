#include "common/ids.h"

#include <map>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace petition {
namespace {

TEST(IdsTest, IdsHavePrefixAndAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId("case");
    ASSERT_EQ(id.rfind("case_", 0), 0u);
    ASSERT_EQ(id.size(), 25u);
    ASSERT_TRUE(seen.insert(id).second);
  }
}

TEST(IdsTest, QueryCodesAvoidAmbiguousCharacters) {
  for (int i = 0; i < 1000; ++i) {
    std::string code = NewQueryCode();
    ASSERT_EQ(code.size(), 12u);
    ASSERT_EQ(code.find_first_of("01OIL"), std::string::npos) << code;
    ASSERT_TRUE(IsQueryCodeShaped(code));
  }
}

TEST(IdsTest, IdShapeOfMintedIds) {
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(IsValidId(NewId("case"), "case"));
  EXPECT_TRUE(IsValidId("case_0a9z", "case"));
  EXPECT_FALSE(IsValidId("case_", "case"));
  EXPECT_FALSE(IsValidId("case", "case"));
  EXPECT_FALSE(IsValidId("cases_abc", "case"));
  EXPECT_FALSE(IsValidId("unit_abc", "case"));
  EXPECT_FALSE(IsValidId("case_ABC", "case"));
  EXPECT_FALSE(IsValidId("case_a-b", "case"));
  EXPECT_FALSE(IsValidId(std::string("case_a\0b", 8), "case"));
  EXPECT_FALSE(IsValidId("case_张", "case"));
  EXPECT_TRUE(IsValidId("case_" + std::string(59, 'a'), "case"));
  EXPECT_FALSE(IsValidId("case_" + std::string(60, 'a'), "case"));
  EXPECT_FALSE(IsValidId("_abc", ""));
}

TEST(IdsTest, PrincipalIdShape) {
  for (const char* good : {"off_clerk1", "county_platform", "a.b@c:d-e_F9", "dev"}) {
    EXPECT_TRUE(IsValidPrincipalId(good)) << good;
  }
  for (const std::string& bad :
       {std::string(""), std::string("a b"), std::string("a/b"), std::string("张三"),
        std::string("a\0b", 3), std::string("a\"b"), std::string(129, 'a')}) {
    EXPECT_FALSE(IsValidPrincipalId(bad)) << bad;
  }
  EXPECT_TRUE(IsValidPrincipalId(std::string(128, 'a')));
}

TEST(IdsTest, QueryCodeShape) {
  EXPECT_TRUE(IsQueryCodeShaped("7kq2m9xaht"));
  EXPECT_FALSE(IsQueryCodeShaped("7KQ2M9XAH"));
  EXPECT_FALSE(IsQueryCodeShaped("7KQ2M9XAH0"));
  EXPECT_FALSE(IsQueryCodeShaped("7KQ2M9XAHI"));
  EXPECT_TRUE(IsQueryCodeShaped("7KQ2M9XAHTRW"));
  EXPECT_TRUE(IsQueryCodeShaped("7KQ2M9XAHL"));  // minted before L was left out
  EXPECT_FALSE(IsQueryCodeShaped("7KQ2M9XAHTRWX"));
  EXPECT_EQ(NormalizeQueryCode("7kq2m9xahtrw"), "7KQ2M9XAHTRW");
}

// Every symbol of the alphabet comes up, none more than chance allows: the
// draw is uniform (no modulo bias towards the first symbols).
TEST(IdsTest, QueryCodeSymbolsAreUniform) {
  std::map<char, int> counts;
  constexpr int kCodes = 4000;
  for (int i = 0; i < kCodes; ++i) {
    for (char c : NewQueryCode()) ++counts[c];
  }
  ASSERT_EQ(counts.size(), 31u);
  const double expected = kCodes * 12.0 / 31;  // ~1548, sd ~39
  for (const auto& [symbol, n] : counts) {
    EXPECT_NEAR(n, expected, 8 * 39) << symbol;
  }
  std::set<std::string> codes;
  for (int i = 0; i < 10000; ++i) codes.insert(NewQueryCode());
  EXPECT_EQ(codes.size(), 10000u);
}

}  // namespace
}  // namespace petition
