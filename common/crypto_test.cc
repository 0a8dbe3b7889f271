#include "common/crypto.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

constexpr char kOtherKey[] = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

TEST(CryptoTest, EveryValueCarriesTheIdOfItsKey) {
  auto one = PiiCipher::Create(kKey);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)->current_key_id(), kDefaultPiiKeyId);
  EXPECT_EQ(*PiiCipher::KeyIdOf((*one)->Encrypt("x")), "1");
  auto ring = PiiCipher::Create({{"2026a", kKey}, {"2026b", kOtherKey}}, "2026b");
  ASSERT_TRUE(ring.ok()) << ring.status();
  const std::string sealed = (*ring)->Encrypt("x");
  EXPECT_EQ(*PiiCipher::KeyIdOf(sealed), "2026b");
  EXPECT_EQ(sealed.substr(0, (*ring)->CurrentKeyHeader().size()), (*ring)->CurrentKeyHeader());
  EXPECT_EQ(PiiCipher::KeyIdOf("").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(PiiCipher::KeyIdOf("\x01\x05"
                               "ab")
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
}

TEST(CryptoTest, OldKeysOpenWhatTheySealedNewValuesUseTheCurrentKey) {
  auto a = PiiCipher::Create({{"a", kKey}}, "a");
  ASSERT_TRUE(a.ok());
  const std::string old_value = (*a)->Encrypt("张三", "case_a/0");
  // Key b added as current: a's values still open, new ones are b's.
  auto ab = PiiCipher::Create({{"a", kKey}, {"b", kOtherKey}}, "b");
  ASSERT_TRUE(ab.ok());
  EXPECT_EQ(*(*ab)->Decrypt(old_value, "case_a/0"), "张三");
  const std::string new_value = (*ab)->Encrypt("张三", "case_a/0");
  EXPECT_EQ(*PiiCipher::KeyIdOf(new_value), "b");
  // Key a removed: b's values open, a's give a clear error naming the key.
  auto b = PiiCipher::Create({{"b", kOtherKey}}, "b");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*(*b)->Decrypt(new_value, "case_a/0"), "张三");
  absl::StatusOr<std::string> unknown = (*b)->Decrypt(old_value, "case_a/0");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(unknown.status().message().find("key id \"a\""), std::string::npos) << unknown.status();
}

TEST(CryptoTest, LookUpHashesCoverEveryKeyCurrentFirst) {
  auto a = PiiCipher::Create({{"a", kKey}}, "a");
  auto b = PiiCipher::Create({{"b", kOtherKey}}, "b");
  auto ab = PiiCipher::Create({{"a", kKey}, {"b", kOtherKey}}, "b");
  ASSERT_TRUE(a.ok() && b.ok() && ab.ok());
  const std::string id = "110101199003077578";
  EXPECT_EQ((*ab)->KeyedHash(id), (*b)->KeyedHash(id));
  EXPECT_EQ((*ab)->KeyedHashes(id),
            (std::vector<std::string>{(*b)->KeyedHash(id), (*a)->KeyedHash(id)}));
}

TEST(CryptoTest, KeyringsAndKeySpecsAreChecked) {
  auto keys = PiiCipher::ParseKeys(absl::StrCat(" a:", kKey, " , b:", kOtherKey));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[1].id, "b");
  EXPECT_EQ((*keys)[1].key_hex, kOtherKey);
  EXPECT_FALSE(PiiCipher::ParseKeys("").ok());
  EXPECT_FALSE(PiiCipher::ParseKeys(kKey).ok());
  EXPECT_FALSE(PiiCipher::Create(*keys, "c").ok());                            // current not a key
  EXPECT_FALSE(PiiCipher::Create({{"a", kKey}, {"a", kOtherKey}}, "a").ok());  // twice
  EXPECT_FALSE(PiiCipher::Create({{"", kKey}}, "").ok());
  EXPECT_FALSE(PiiCipher::Create({{"a b", kKey}}, "a b").ok());
  EXPECT_FALSE(PiiCipher::Create({{std::string(33, 'a'), kKey}}, std::string(33, 'a')).ok());
  EXPECT_FALSE(PiiCipher::Create({{"a", "abcd"}}, "a").ok());
}

TEST(CryptoTest, HmacSha256KnownAnswer) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace petition
