#include "common/ids.h"

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
    ASSERT_EQ(code.size(), 10u);
    ASSERT_EQ(code.find_first_of("01OI"), std::string::npos) << code;
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
}

}  // namespace
}  // namespace petition
