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
  auto c = BuildRegisteredCase(Valid(), Registrar{"official_li"}, kNow, kZone);
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
  auto c = BuildRegisteredCase(r, Registrar{"official_li"}, kNow, kZone);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->collective());
  for (int i = 0; i < 5; ++i) *r.add_petitioners() = r.petitioners(0);
  auto too_many = BuildRegisteredCase(r, Registrar{"official_li"}, kNow, kZone);
  EXPECT_EQ(Fields(too_many.status()), std::vector<std::string>{"petitioners"});
}

TEST(RegistrationTest, HeadcountBelowPetitionersIsRejected) {
  auto r = Valid();
  *r.add_petitioners() = r.petitioners(0);
  r.set_headcount(1);
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"headcount"});
}

TEST(RegistrationTest, ReportsEveryViolationByJsonPath) {
  v1::RegisterCaseRequest r;
  auto* p = r.add_petitioners();
  p->set_name(" ");
  p->set_id_number("110101199003077572");
  p->set_phone("call me");
  auto c = BuildRegisteredCase(r, Registrar{""}, kNow, kZone);
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(c.status()),
            (std::vector<std::string>{"channel", "category", "subject", "content", "receivedBy",
                                      "petitioners[0].name", "petitioners[0].idNumber",
                                      "petitioners[0].phone"}));
}

TEST(RegistrationTest, NoPetitionerIsRejected) {
  auto r = Valid();
  r.clear_petitioners();
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"petitioners"});
}

TEST(RegistrationTest, FutureReceiptIsRejected) {
  auto r = Valid();
  *r.mutable_received_at() = ToProtoTimestamp(kNow + absl::Hours(2));
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"receivedAt"});
  *r.mutable_received_at() = ToProtoTimestamp(kNow - absl::Hours(72));  // a letter from Friday
  EXPECT_TRUE(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).ok());
}

TEST(RegistrationTest, LengthsCountCharactersNotBytes) {
  auto r = Valid();
  std::string subject;
  for (int i = 0; i < 200; ++i) subject += "字";  // 600 bytes, 200 characters
  r.set_subject(subject);
  EXPECT_TRUE(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).ok());
  r.set_subject(subject + "字");
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"subject"});
}

// Every message names the field and the rule; none repeats what was sent.
void ExpectNoValueEchoed(const absl::Status& s, const std::string& value) {
  EXPECT_EQ(s.ToString().find(value), std::string::npos) << s;
  const petition::v1::ErrorDetails details = GetErrorDetails(s);
  for (const auto& v : details.violations()) {
    EXPECT_EQ(v.reason().find(value), std::string::npos) << v.reason();
  }
}

TEST(RegistrationTest, HeadcountIsCapped) {
  auto r = Valid();
  r.set_headcount(10000);
  EXPECT_TRUE(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).ok());
  r.set_headcount(2147483647);
  auto c = BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone);
  EXPECT_EQ(Fields(c.status()), std::vector<std::string>{"headcount"});
  ExpectNoValueEchoed(c.status(), "2147483647");
  RegistrationLimits limits;
  limits.max_headcount = 50;
  r.set_headcount(51);
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone, limits).status()),
            std::vector<std::string>{"headcount"});
}

TEST(RegistrationTest, ReceiptMustFallWithinTheWindow) {
  auto r = Valid();
  *r.mutable_received_at() = ToProtoTimestamp(absl::FromUnixSeconds(946684800));  // 2000-01-01
  auto old = BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone);
  EXPECT_EQ(Fields(old.status()), std::vector<std::string>{"receivedAt"});
  ExpectNoValueEchoed(old.status(), "2000");
  *r.mutable_received_at() = ToProtoTimestamp(kNow - absl::Hours(24 * 364));
  EXPECT_TRUE(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).ok());
  *r.mutable_received_at() = ToProtoTimestamp(kNow - absl::Hours(24 * 366));
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"receivedAt"});
  RegistrationLimits limits;  // the window is configurable
  limits.received_at_window = absl::Hours(24 * 30);
  *r.mutable_received_at() = ToProtoTimestamp(kNow - absl::Hours(24 * 31));
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone, limits).status()),
            std::vector<std::string>{"receivedAt"});
  // A little clock skew is tolerated; the future is not.
  *r.mutable_received_at() = ToProtoTimestamp(kNow + absl::Minutes(2));
  EXPECT_TRUE(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).ok());
  *r.mutable_received_at() = ToProtoTimestamp(kNow + absl::Hours(24 * 365 * 10));
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"receivedAt"});
}

TEST(RegistrationTest, OnlyAClerkRecordsWhatAnotherOfficialReceived) {
  auto r = Valid();
  r.set_received_by("leader_wang");
  auto own = BuildRegisteredCase(r, Registrar{"official_li"}, kNow, kZone);
  EXPECT_EQ(Fields(own.status()), std::vector<std::string>{"receivedBy"});
  ExpectNoValueEchoed(own.status(), "leader_wang");
  auto clerk = BuildRegisteredCase(r, Registrar{"clerk_zhao", true}, kNow, kZone);
  ASSERT_TRUE(clerk.ok()) << clerk.status();
  EXPECT_EQ(clerk->received_by(), "leader_wang");
  r.set_received_by("official_li");  // naming oneself is always fine
  EXPECT_TRUE(BuildRegisteredCase(r, Registrar{"official_li"}, kNow, kZone).ok());
  r.set_received_by("not an id; DROP TABLE");
  auto bad = BuildRegisteredCase(r, Registrar{"clerk_zhao", true}, kNow, kZone);
  EXPECT_EQ(Fields(bad.status()), std::vector<std::string>{"receivedBy"});
  ExpectNoValueEchoed(bad.status(), "DROP");
}

}  // namespace
}  // namespace petition::intake

namespace petition::intake {
namespace {

v1::RegisterCaseRequest Anonymous(v1::Channel channel) {
  v1::RegisterCaseRequest r = Valid();
  r.clear_petitioners();
  r.set_channel(channel);
  r.set_anonymous(true);
  return r;
}

TEST(RegistrationAnonymousTest, ALetterCallOrOnlinePetitionMayBeAnonymous) {
  for (v1::Channel channel : {v1::LETTER, v1::CALL, v1::ONLINE}) {
    auto c = BuildRegisteredCase(Anonymous(channel), Registrar{"official_li"}, kNow, kZone);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_TRUE(c->anonymous());
    EXPECT_EQ(c->petitioners_size(), 0);
    EXPECT_EQ(c->headcount(), 1);
  }
  EXPECT_TRUE(MayBeAnonymous(v1::LETTER));
  EXPECT_FALSE(MayBeAnonymous(v1::VISIT));
  EXPECT_FALSE(MayBeAnonymous(v1::FAX));
}

TEST(RegistrationAnonymousTest, AVisitIsNeverAnonymous) {
  auto c = BuildRegisteredCase(Anonymous(v1::VISIT), Registrar{"x"}, kNow, kZone);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(c.status()), std::vector<std::string>{"anonymous"});
  EXPECT_EQ(Fields(BuildRegisteredCase(Anonymous(v1::FAX), Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"anonymous"});
}

TEST(RegistrationAnonymousTest, AnAnonymousPetitionNamesNobodyAndStillSaysWhat) {
  auto r = Anonymous(v1::LETTER);
  *r.add_petitioners() = Valid().petitioners(0);
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"petitioners"});
  r = Anonymous(v1::LETTER);
  r.clear_content();
  r.set_category(v1::CATEGORY_UNSPECIFIED);
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            (std::vector<std::string>{"category", "content"}));
}

TEST(RegistrationAnonymousTest, WithoutAnonymousAPetitionerIsRequired) {
  auto r = Valid();
  r.clear_petitioners();
  r.set_channel(v1::LETTER);
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"petitioners"});
}

TEST(RegistrationIdTypeTest, EachTypeByItsOwnRuleNormalised) {
  auto r = Valid();
  r.mutable_petitioners(0)->set_id_type(v1::PASSPORT);
  r.mutable_petitioners(0)->set_id_number("e12345678");
  auto c = BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->petitioners(0).id_type(), v1::PASSPORT);
  EXPECT_EQ(c->petitioners(0).id_number(), "E12345678");
  // The default is the resident id, stated.
  auto d = BuildRegisteredCase(Valid(), Registrar{"x"}, kNow, kZone);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->petitioners(0).id_type(), v1::RESIDENT_ID);
}

TEST(RegistrationIdTypeTest, AWrongNumberNamesTheFieldAndNotTheNumber) {
  auto r = Valid();
  *r.add_petitioners() = r.petitioners(0);
  r.mutable_petitioners(1)->set_id_type(v1::HK_MACAO_PERMIT);
  r.mutable_petitioners(1)->set_id_number("K98765432");
  auto c = BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone);
  EXPECT_EQ(Fields(c.status()), std::vector<std::string>{"petitioners[1].idNumber"});
  EXPECT_EQ(std::string(c.status().message()).find("98765432"), std::string::npos);
  const petition::v1::ErrorDetails details = GetErrorDetails(c.status());
  for (const auto& v : details.violations()) {
    EXPECT_EQ(v.reason().find("98765432"), std::string::npos);
  }
  // A resident id is not a passport's number, nor the other way round.
  r = Valid();
  r.mutable_petitioners(0)->set_id_type(v1::TAIWAN_PERMIT);
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"petitioners[0].idNumber"});
}

TEST(RegistrationIdTypeTest, AnUnknownTypeIsRefused) {
  auto r = Valid();
  r.mutable_petitioners(0)->set_id_type(static_cast<v1::IdType>(99));
  EXPECT_EQ(Fields(BuildRegisteredCase(r, Registrar{"x"}, kNow, kZone).status()),
            std::vector<std::string>{"petitioners[0].idType"});
}

}  // namespace
}  // namespace petition::intake
