#include "common/ids.h"

#include <set>

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

TEST(IdsTest, QueryCodeShape) {
  EXPECT_TRUE(IsQueryCodeShaped("7kq2m9xaht"));
  EXPECT_FALSE(IsQueryCodeShaped("7KQ2M9XAH"));
  EXPECT_FALSE(IsQueryCodeShaped("7KQ2M9XAH0"));
  EXPECT_FALSE(IsQueryCodeShaped("7KQ2M9XAHI"));
}

}  // namespace
}  // namespace petition
