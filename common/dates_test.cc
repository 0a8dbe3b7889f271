#include "common/dates.h"

#include "gtest/gtest.h"

namespace petition {
namespace {

TEST(DatesTest, ParsesStrictDates) {
  auto d = ParseDate("2026-02-28");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(FormatDate(*d), "2026-02-28");
  EXPECT_TRUE(ParseDate("2024-02-29").ok());
}

TEST(DatesTest, RejectsMalformedAndImpossibleDates) {
  for (const char* bad :
       {"", "2026-2-28", "2026/02/28", "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10",
        "20260228", "2026-02-28T00:00", "abcd-ef-gh", "0999-01-01"}) {
    EXPECT_EQ(ParseDate(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(DatesTest, DayOfUsesTheTownshipZone) {
  auto zone = LoadZone("Asia/Shanghai");
  ASSERT_TRUE(zone.ok());
  // 2026-03-01T17:30:00Z is 2026-03-02 01:30 in Beijing.
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(2026, 3, 1, 17, 30, 0), absl::UTCTimeZone())));
  EXPECT_EQ(DayOf(ts, *zone), absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(DayOf(ts, absl::UTCTimeZone()), absl::CivilDay(2026, 3, 1));
  EXPECT_FALSE(LoadZone("Mars/Olympus").ok());
}

TEST(DatesTest, TimestampRoundTripKeepsMicroseconds) {
  absl::Time t = absl::FromUnixMicros(1764300000123456);
  EXPECT_EQ(ToAbslTime(ToProtoTimestamp(t)), t);
  absl::Time before = absl::FromUnixMicros(-1500000);
  EXPECT_EQ(ToAbslTime(ToProtoTimestamp(before)), before);
}

TEST(DatesTest, ReadsPostgresTimestamptzText) {
  const absl::Time t = absl::FromUnixMicros(1772416800123456);  // 2026-03-02 02:00:00.123456Z
  auto utc = ParseSqlTimestamp("2026-03-02 02:00:00.123456+00");
  ASSERT_TRUE(utc.ok()) << utc.status();
  EXPECT_EQ(*utc, t);
  EXPECT_EQ(*ParseSqlTimestamp("2026-03-02 10:00:00.123456+08"), t);
  EXPECT_EQ(*ParseSqlTimestamp("2026-03-01 20:30:00.123456-05:30"), t);
  EXPECT_EQ(*ParseSqlTimestamp("2026-03-02 02:00:00+00"), absl::FromUnixSeconds(1772416800));
  EXPECT_EQ(*ParseSqlTimestamp(SqlTimestamp(t).replace(10, 1, " ")), t);
  for (const char* bad :
       {"", "infinity", "-infinity", "2026-03-02", "2026-03-02 02:00:00", "2026-03-02T02:00:00+00",
        "2026-03-02 02:00:00+0", "2026-03-02 02:00:00+xx"}) {
    EXPECT_FALSE(ParseSqlTimestamp(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace petition
