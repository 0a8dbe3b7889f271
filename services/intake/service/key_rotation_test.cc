// Rolling the PII key on a real schema: rows sealed under key a, key b added
// as current, the rotation, key a removed, and everything still opens and is
// still found by identity number. Also: a row under a key nobody has, and the
// migration that gave the rows sealed before key ids their id.
#include "services/intake/service/key_rotation.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/testing/pg_test_env.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/domain/case_list.h"

namespace petition::intake {
namespace {

using ::testing::HasSubstr;

constexpr char kKeyA[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kKeyB[] = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
constexpr char kKeyZ[] = "5555555555555555555555555555555555555555555555555555555555555555";

std::unique_ptr<PiiCipher> Keyring(const std::vector<PiiKey>& keys, const std::string& current) {
  auto cipher = PiiCipher::Create(keys, current);
  EXPECT_TRUE(cipher.ok()) << cipher.status();
  return cipher.ok() ? *std::move(cipher) : nullptr;
}

class KeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, IntakeMigrations(), CaseStore::Statements());
    ASSERT_NE(pool_, nullptr);
  }

  // A case with one petitioner per id number, registered under `cipher`.
  v1::Case Register(const PiiCipher& cipher, const std::vector<std::string>& id_numbers) {
    v1::Case c;
    c.set_case_id(NewId("case"));
    c.set_query_code(NewQueryCode());
    c.set_status(v1::REGISTERED);
    c.set_source(v1::TOWNSHIP);
    c.set_channel(v1::VISIT);
    *c.mutable_received_at() = ToProtoTimestamp(absl::Now());
    c.set_received_by("official_li");
    c.set_headcount(static_cast<int>(id_numbers.size()));
    c.set_category(v1::RIGHTS_INFRINGEMENT);
    c.set_subject("宅基地纠纷");
    c.set_content("邻居占用宅基地");
    for (const std::string& id : id_numbers) {
      v1::Petitioner* p = c.add_petitioners();
      p->set_name(absl::StrCat("张", id.substr(14)));
      p->set_id_number(id);
    }
    petition::v1::CaseEvent event;
    event.set_event_id(NewId("evt"));
    event.set_case_id(c.case_id());
    event.set_sequence(1);
    RegisterCall call;
    call.caller = &clerk_;
    call.reveal = [](const v1::Case&) { return true; };
    CaseStore store(pool_.get(), &cipher);
    auto r = store.Register(c, call, event);
    EXPECT_TRUE(r.ok()) << r.status();
    return c;
  }

  // The key ids of every petitioner row, sorted.
  std::vector<std::string> KeyIds() {
    pqxx::connection conn(schema_.dsn());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO " + tx.quote_name(schema_.name()));
    std::vector<std::string> ids;
    for (const auto& row : tx.exec("SELECT sealed FROM petitioners ORDER BY case_id, ordinal")) {
      const pqxx::binarystring sealed(row[0]);
      auto id = PiiCipher::KeyIdOf(std::string_view(sealed.get(), sealed.size()));
      ids.push_back(id.ok() ? *id : "?");
    }
    return ids;
  }

  void Exec(const std::string& sql) {
    pqxx::connection conn(schema_.dsn());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO " + tx.quote_name(schema_.name()));
    tx.exec(sql);
  }

  // The cases listed for an identity number.
  std::vector<std::string> CasesOf(CaseStore& store, const std::string& id_number) {
    CaseListQuery query;
    query.id_number = id_number;
    auto cases = store.List(query, "", "", clerk_, "r", [](const v1::Case&) { return false; });
    EXPECT_TRUE(cases.ok()) << cases.status();
    std::vector<std::string> ids;
    if (cases.ok()) {
      for (const v1::Case& c : *cases) ids.push_back(c.case_id());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  testing::ScratchSchema schema_{"intake"};
  std::unique_ptr<PgPool> pool_;
  Principal clerk_{"official_li", {"clerk"}, ""};
};

TEST_F(KeyRotationTest, RowsUnderAnOldKeyAreResealedAndTheOldKeyCanGo) {
  auto a = Keyring({{"a", kKeyA}}, "a");
  std::vector<v1::Case> cases;
  for (int i = 0; i < 3; ++i) {
    cases.push_back(Register(*a, {"11010519491231002X", "110101199003077578"}));
  }
  // One row as sealed before migration 0003 (no associated data), under a.
  Exec(absl::StrCat("UPDATE petitioners SET seal_version = 1, sealed = '\\x",
                    HexEncode(a->Encrypt(cases[0].petitioners(1).SerializeAsString())),
                    "'::bytea WHERE case_id = '", cases[0].case_id(), "' AND ordinal = 1"));
  EXPECT_THAT(KeyIds(), ::testing::Each("a"));

  // b becomes current; a still opens the rows it sealed; new rows are b's.
  auto ab = Keyring({{"a", kKeyA}, {"b", kKeyB}}, "b");
  cases.push_back(Register(*ab, {"11010519491231002X"}));
  CaseStore store_ab(pool_.get(), ab.get());
  std::vector<std::string> all_ids;
  for (const v1::Case& c : cases) all_ids.push_back(c.case_id());
  std::sort(all_ids.begin(), all_ids.end());
  EXPECT_EQ(CasesOf(store_ab, "11010519491231002X"), all_ids);

  KeyRotationReport report = RotateKeys(store_ab, 2);
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(report.resealed, 6);
  EXPECT_EQ(report.batches, 3);
  EXPECT_EQ(report.rows, 7);
  EXPECT_EQ(report.remaining, 0);
  EXPECT_EQ(report.Json(), R"({"resealed":6,"batches":3,"rows":7,"remaining":0})");
  EXPECT_THAT(KeyIds(), ::testing::Each("b"));
  // Again: nothing left to do.
  EXPECT_EQ(RotateKeys(store_ab, 2).resealed, 0);

  // a removed: every row opens, and look-ups by id number find every case.
  auto b = Keyring({{"b", kKeyB}}, "b");
  CaseStore store_b(pool_.get(), b.get());
  for (const v1::Case& c : cases) {
    auto back = store_b.Get(c.case_id(), clerk_, "r", [](const v1::Case&) { return true; });
    ASSERT_TRUE(back.ok()) << back.status();
    ASSERT_EQ(back->petitioners_size(), c.petitioners_size());
    for (int i = 0; i < c.petitioners_size(); ++i) {
      EXPECT_EQ(back->petitioners(i).name(), c.petitioners(i).name());
      EXPECT_EQ(back->petitioners(i).id_number(), c.petitioners(i).id_number());
    }
  }
  EXPECT_EQ(CasesOf(store_b, "11010519491231002X"), all_ids);
  all_ids.clear();
  for (int i = 0; i < 3; ++i) all_ids.push_back(cases[i].case_id());
  std::sort(all_ids.begin(), all_ids.end());
  EXPECT_EQ(CasesOf(store_b, "110101199003077578"), all_ids);
}

TEST_F(KeyRotationTest, ARowUnderAnUnknownKeyIsAClearErrorAndTheRotationResumes) {
  auto a = Keyring({{"a", kKeyA}}, "a");
  auto z = Keyring({{"z", kKeyZ}}, "z");
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(Register(*a, {"11010519491231002X"}).case_id());
  const std::string lost = Register(*z, {"110101199003077578"}).case_id();
  ids.push_back(lost);
  std::sort(ids.begin(), ids.end());
  const auto before = std::find(ids.begin(), ids.end(), lost) - ids.begin();

  // A reader without key z: a clear error naming the key, not a crash.
  auto ab = Keyring({{"a", kKeyA}, {"b", kKeyB}}, "b");
  CaseStore store(pool_.get(), ab.get());
  auto read = store.Get(lost, clerk_, "r", [](const v1::Case&) { return true; });
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(read.status().message(), HasSubstr("key id \"z\""));

  // The rotation stops at that row, keeping the batches before it.
  KeyRotationReport stopped = RotateKeys(store, 1);
  EXPECT_EQ(stopped.status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(stopped.status.message(), HasSubstr(lost));
  EXPECT_THAT(stopped.status.message(), HasSubstr("key id \"z\""));
  EXPECT_EQ(stopped.resealed, before);
  EXPECT_EQ(stopped.remaining, 5 - before);
  EXPECT_THAT(stopped.Json(), HasSubstr(R"("error":")"));

  // With z back in the keyring, running it again finishes the job.
  auto abz = Keyring({{"a", kKeyA}, {"b", kKeyB}, {"z", kKeyZ}}, "b");
  CaseStore resumed(pool_.get(), abz.get());
  KeyRotationReport done = RotateKeys(resumed, 1);
  ASSERT_TRUE(done.status.ok()) << done.status;
  EXPECT_EQ(done.resealed, 5 - before);
  EXPECT_EQ(done.remaining, 0);
  EXPECT_THAT(KeyIds(), ::testing::Each("b"));
}

TEST_F(KeyRotationTest, RowsSealedBeforeKeyIdsGetKeyOne) {
  // Migrate up to 0008, write a row as it was sealed then (no key id), then 0009.
  testing::ScratchSchema schema{"intake"};
  std::vector<Migration> before;
  for (const Migration& m : IntakeMigrations()) {
    if (m.version < 9) before.push_back(m);
  }
  ASSERT_FALSE(schema.dsn().empty());
  auto one = PiiCipher::Create(kKeyA);
  ASSERT_TRUE(one.ok());
  v1::Petitioner p;
  p.set_name("王五");
  const std::string with_id = (*one)->Encrypt(p.SerializeAsString());
  const std::string legacy = with_id.substr((*one)->CurrentKeyHeader().size());
  {
    pqxx::connection conn(schema.dsn());
    ASSERT_TRUE(ApplyMigrations(conn, schema.name(), before).ok());
    {
      pqxx::nontransaction tx(conn);
      tx.exec("SET search_path TO " + tx.quote_name(schema.name()));
      tx.exec(absl::StrCat(
          "INSERT INTO cases (case_id, query_code, status, source, channel, received_at, "
          "received_by, headcount, collective, category, subject, content) VALUES ('case_old', "
          "'QQQQQQQQ', 'REGISTERED', 'TOWNSHIP', 'VISIT', now(), 'o', 1, false, 'OTHER', 's', "
          "'c')"));
      tx.exec(absl::StrCat(
          "INSERT INTO petitioners (case_id, ordinal, sealed, seal_version, id_number_hash) "
          "VALUES ('case_old', 0, '\\x",
          HexEncode(legacy), "'::bytea, 1, 'h')"));
    }
    ASSERT_TRUE(ApplyMigrations(conn, schema.name(), IntakeMigrations()).ok());
  }
  auto pool =
      PgPool::Create({schema.dsn(), schema.name(), 1, absl::Seconds(3), CaseStore::Statements()});
  ASSERT_TRUE(pool.ok()) << pool.status();
  CaseStore store(pool->get(), one->get());
  auto back = store.Get("case_old", clerk_, "r", [](const v1::Case&) { return true; });
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->petitioners(0).name(), "王五");
}

}  // namespace
}  // namespace petition::intake
