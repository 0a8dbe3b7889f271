#include "common/crypto.h"

#include "gtest/gtest.h"

namespace petition {
namespace {

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

TEST(CryptoTest, SealAndOpen) {
  auto cipher = PiiCipher::Create(kKey);
  ASSERT_TRUE(cipher.ok());
  std::string sealed = (*cipher)->Encrypt("张三 110101199003077578");
  EXPECT_EQ(sealed.find("张三"), std::string::npos);
  auto opened = (*cipher)->Decrypt(sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "张三 110101199003077578");
  // A fresh nonce each time: the same value never seals the same way twice.
  EXPECT_NE((*cipher)->Encrypt("x"), (*cipher)->Encrypt("x"));
}

TEST(CryptoTest, TamperingIsDetected) {
  auto cipher = PiiCipher::Create(kKey);
  ASSERT_TRUE(cipher.ok());
  std::string sealed = (*cipher)->Encrypt("secret");
  sealed[14] ^= 1;
  EXPECT_EQ((*cipher)->Decrypt(sealed).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*cipher)->Decrypt("short").status().code(), absl::StatusCode::kDataLoss);
}

TEST(CryptoTest, AssociatedDataBindsTheValueToItsPlace) {
  auto cipher = PiiCipher::Create(kKey);
  ASSERT_TRUE(cipher.ok());
  std::string sealed = (*cipher)->Encrypt("张三", "case_a/0");
  auto opened = (*cipher)->Decrypt(sealed, "case_a/0");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "张三");
  EXPECT_EQ((*cipher)->Decrypt(sealed, "case_b/0").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*cipher)->Decrypt(sealed, "case_a/1").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*cipher)->Decrypt(sealed).status().code(), absl::StatusCode::kDataLoss);
  // Values sealed without associated data (before it existed) still open.
  EXPECT_EQ(*(*cipher)->Decrypt((*cipher)->Encrypt("李四")), "李四");
  EXPECT_FALSE((*cipher)->Decrypt((*cipher)->Encrypt("李四"), "case_a/0").ok());
}

TEST(CryptoTest, WrongKeyCannotOpen) {
  auto a = PiiCipher::Create(kKey);
  auto b = PiiCipher::Create(std::string(64, 'f'));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE((*b)->Decrypt((*a)->Encrypt("secret")).ok());
}

TEST(CryptoTest, KeyedHashIsStableAndKeyed) {
  auto a = PiiCipher::Create(kKey);
  auto b = PiiCipher::Create(std::string(64, 'f'));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->KeyedHash("110101199003077578"), (*a)->KeyedHash("110101199003077578"));
  EXPECT_NE((*a)->KeyedHash("110101199003077578"), (*b)->KeyedHash("110101199003077578"));
  EXPECT_EQ((*a)->KeyedHash("x").size(), 64u);
}

TEST(CryptoTest, BadKeysAreRefused) {
  EXPECT_FALSE(PiiCipher::Create("").ok());
  EXPECT_FALSE(PiiCipher::Create("abcd").ok());
  EXPECT_FALSE(PiiCipher::Create(std::string(64, 'z')).ok());
}

TEST(CryptoTest, HmacSha256KnownAnswer) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace petition
