#include "services/intake/domain/documents.h"

#include "gtest/gtest.h"

namespace petition::intake {
namespace {

TEST(DocumentsTest, RendersFactsAndKeepsThePetitionerForTheRead) {
  auto text = RenderTemplate("{{petitioner}}：您反映的“{{subject}}”问题，{{days}}日。",
                             {{"subject", "宅基地纠纷"}, {"days", "30"}});
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "{{petitioner}}：您反映的“宅基地纠纷”问题，30日。");
  EXPECT_EQ(FillPetitioner(*text, "张三、李四"), "张三、李四：您反映的“宅基地纠纷”问题，30日。");
}

TEST(DocumentsTest, AnUnknownFactFailsAndValuesCannotInjectPlaceholders) {
  EXPECT_EQ(RenderTemplate("{{nope}}", {}).status().code(), absl::StatusCode::kInternal);
  auto text = RenderTemplate("{{subject}}", {{"subject", "{{petitioner}}"}});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(FillPetitioner(*text, "张三"), "{ {petitioner} }");
}

TEST(DocumentsTest, NumbersDatesAndWords) {
  EXPECT_EQ(DocumentNumber("长", 2026, 7), "长信〔2026〕7号");
  EXPECT_EQ(ChineseDate(absl::CivilDay(2026, 9, 6)), "2026年9月6日");
  EXPECT_EQ(RouteWords(v1::LITIGATION), "诉讼");
  EXPECT_EQ(OutcomeWords(v1::NOT_UPHELD), "不予支持");
  EXPECT_EQ(ComplexityWords(v1::COMPLEX), "复杂");
}

}  // namespace
}  // namespace petition::intake

namespace petition::intake {
namespace {

TEST(DocumentsAddresseeTest, NamesOrTheAnonymousWriter) {
  v1::Case c;
  EXPECT_EQ(PetitionerAddressee(c), "信访人");
  c.add_petitioners()->set_name("张三");
  c.add_petitioners()->set_name("李四");
  EXPECT_EQ(PetitionerAddressee(c), "张三、李四");
  v1::Case anonymous;
  anonymous.set_anonymous(true);
  anonymous.set_channel(v1::LETTER);
  EXPECT_EQ(PetitionerAddressee(anonymous), "匿名来信人");
  anonymous.set_channel(v1::CALL);
  EXPECT_EQ(PetitionerAddressee(anonymous), "匿名来电人");
  anonymous.set_channel(v1::ONLINE);
  EXPECT_EQ(PetitionerAddressee(anonymous), "匿名网上信访人");
}

TEST(DocumentsInstructionTest, TheLeadersInstructionLine) {
  EXPECT_EQ(InstructionLine(""), "");
  EXPECT_EQ(InstructionLine("请司法所三日内核实"), "按照接访领导指示：请司法所三日内核实。");
  EXPECT_EQ(InstructionLine("请核实。"), "按照接访领导指示：请核实。");
}

}  // namespace
}  // namespace petition::intake
