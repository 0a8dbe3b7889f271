#include "common/utf8.h"

#include "common/log.h"
#include "gtest/gtest.h"

namespace petition {
namespace {

TEST(Utf8Test, AcceptsValidText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("case_abc"));
  EXPECT_TRUE(IsValidUtf8("张三 宅基地纠纷"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8Test, RejectsInvalidBytes) {
  for (const char* bad : {"\xFF", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                          "\xE5\xAE", "a\x80", "\xF8\x88\x80\x80\x80"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
  }
}

TEST(Utf8Test, JsonEscapeNeverWritesInvalidUtf8) {
  EXPECT_EQ(log::JsonEscape("a\xFF"
                            "b"),
            "a\\ufffdb");
  EXPECT_EQ(log::JsonEscape("张\x01"), "张\\u0001");
  EXPECT_TRUE(IsValidUtf8(log::JsonEscape("\xE5\xAE")));
}

TEST(Utf8Test, LengthAndPrefixCountCharacters) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("张三 宅基地"), 6u);
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98\x80"
                       "x"),
            2u);
  EXPECT_EQ(Utf8Prefix("张三丰", 1), "张");
  EXPECT_EQ(Utf8Prefix("张三丰", 2), "张三");
  EXPECT_EQ(Utf8Prefix("张三丰", 9), "张三丰");
  EXPECT_EQ(Utf8Prefix("a\xF0\x9F\x98\x80"
                       "b",
                       2),
            "a\xF0\x9F\x98\x80");
  EXPECT_EQ(Utf8Prefix("abc", 0), "");
}

}  // namespace
}  // namespace petition
