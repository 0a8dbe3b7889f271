#include "services/intake/domain/resident_id.h"

#include "gtest/gtest.h"

namespace petition::intake {
namespace {

const absl::CivilDay kToday(2026, 11, 28);

TEST(ResidentIdTest, AcceptsValidNumbers) {
  EXPECT_TRUE(ValidateResidentId("11010519491231002X", kToday).ok());  // the GB 11643 example
  EXPECT_TRUE(ValidateResidentId("11010519491231002x", kToday).ok());
  EXPECT_TRUE(ValidateResidentId("110101199003077571", kToday).ok());
  EXPECT_TRUE(ValidateResidentId("511002197702280015", kToday).ok());
}

TEST(ResidentIdTest, CheckCharacter) {
  EXPECT_EQ(ResidentIdCheckCharacter("11010519491231002"), 'X');
  EXPECT_EQ(ResidentIdCheckCharacter("44030419851010123"), '2');
}

TEST(ResidentIdTest, RejectsWrongCheckCharacter) {
  absl::Status s = ValidateResidentId("110101199003077572", kToday);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("check"), absl::string_view::npos);
}

TEST(ResidentIdTest, RejectsBadShapes) {
  for (const char* bad : {"", "1101011990030775", "1101011990030775711", "11010119900307757Y",
                          "1101011990030A7571", "１１０１０１１９９００３０７７５７１"}) {
    EXPECT_FALSE(ValidateResidentId(bad, kToday).ok()) << bad;
  }
}

TEST(ResidentIdTest, RejectsImpossibleOrFutureBirthDates) {
  // Correct check characters, impossible dates.
  EXPECT_FALSE(ValidateResidentId(std::string("11010119900230") + "123" +
                                      ResidentIdCheckCharacter("11010119900230123"),
                                  kToday)
                   .ok());
  EXPECT_FALSE(ValidateResidentId(std::string("11010120300101") + "123" +
                                      ResidentIdCheckCharacter("11010120300101123"),
                                  kToday)
                   .ok());
}

TEST(ResidentIdTest, NormalizesCheckCharacter) {
  EXPECT_EQ(NormalizeResidentId("11010519491231002x"), "11010519491231002X");
}

}  // namespace
}  // namespace petition::intake
