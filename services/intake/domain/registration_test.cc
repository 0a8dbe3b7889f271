#include "services/intake/domain/registration.h"

#include "common/dates.h"
#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::intake {
namespace {

const absl::TimeZone kZone = absl::FixedTimeZone(8 * 3600);
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 10, 0, 0), kZone);

v1::RegisterCaseRequest Valid() {
  v1::RegisterCaseRequest r;
  r.set_channel(v1::VISIT);
  r.set_category(v1::RIGHTS_INFRINGEMENT);
  r.set_subject("宅基地纠纷");
  r.set_content("邻居占用宅基地，请求处理。");
  auto* p = r.add_petitioners();
  p->set_name("张三");
  p->set_id_number("11010519491231002x");
  p->set_phone("13800138000");
  return r;
}

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  const petition::v1::ErrorDetails details = GetErrorDetails(s);
  for (const auto& v : details.violations()) out.push_back(v.field());
  return out;
}

TEST(RegistrationTest, BuildsARegisteredCaseWithDefaults) {
  auto c = BuildRegisteredCase(Valid(), "official_li", kNow, kZone);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->status(), v1::REGISTERED);
  EXPECT_EQ(c->source(), v1::TOWNSHIP);
  EXPECT_EQ(c->headcount(), 1);
  EXPECT_FALSE(c->collective());
  EXPECT_EQ(c->received_by(), "official_li");  // first-contact owner: the caller
  EXPECT_EQ(ToAbslTime(c->received_at()), kNow);
  EXPECT_EQ(c->petitioners(0).id_number(), "11010519491231002X");
}

TEST(RegistrationTest, FiveOrMoreIsACollectiveVisitWithAtMostFiveRepresentatives) {
  auto r = Valid();
  r.set_headcount(30);
  auto c = BuildRegisteredCase(r, "official_li", kNow, kZone);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->collective());
  for (int i = 0; i < 5; ++i) *r.add_petitioners() = r.petitioners(0);
  auto too_many = BuildRegisteredCase(r, "official_li", kNow, kZone);
  EXPECT_EQ(Fields(too_many.status()), std::vector<std::string>{"petitioners"});
}

TEST(RegistrationTest, HeadcountBelowPetitionersIsRejected) {
  auto r = Valid();
  *r.add_petitioners() = r.petitioners(0);
  r.set_headcount(1);
  EXPECT_EQ(Fields(BuildRegisteredCase(r, "x", kNow, kZone).status()),
            std::vector<std::string>{"headcount"});
}

TEST(RegistrationTest, ReportsEveryViolationByJsonPath) {
  v1::RegisterCaseRequest r;
  auto* p = r.add_petitioners();
  p->set_name(" ");
  p->set_id_number("110101199003077572");
  p->set_phone("call me");
  auto c = BuildRegisteredCase(r, "", kNow, kZone);
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(c.status()),
            (std::vector<std::string>{"channel", "category", "subject", "content", "receivedBy",
                                      "petitioners[0].name", "petitioners[0].idNumber",
                                      "petitioners[0].phone"}));
}

TEST(RegistrationTest, NoPetitionerIsRejected) {
  auto r = Valid();
  r.clear_petitioners();
  EXPECT_EQ(Fields(BuildRegisteredCase(r, "x", kNow, kZone).status()),
            std::vector<std::string>{"petitioners"});
}

TEST(RegistrationTest, FutureReceiptIsRejected) {
  auto r = Valid();
  *r.mutable_received_at() = ToProtoTimestamp(kNow + absl::Hours(2));
  EXPECT_EQ(Fields(BuildRegisteredCase(r, "x", kNow, kZone).status()),
            std::vector<std::string>{"receivedAt"});
  *r.mutable_received_at() = ToProtoTimestamp(kNow - absl::Hours(72));  // a letter from Friday
  EXPECT_TRUE(BuildRegisteredCase(r, "x", kNow, kZone).ok());
}

TEST(RegistrationTest, LengthsCountCharactersNotBytes) {
  auto r = Valid();
  std::string subject;
  for (int i = 0; i < 200; ++i) subject += "字";  // 600 bytes, 200 characters
  r.set_subject(subject);
  EXPECT_TRUE(BuildRegisteredCase(r, "x", kNow, kZone).ok());
  r.set_subject(subject + "字");
  EXPECT_EQ(Fields(BuildRegisteredCase(r, "x", kNow, kZone).status()),
            std::vector<std::string>{"subject"});
}

}  // namespace
}  // namespace petition::intake
