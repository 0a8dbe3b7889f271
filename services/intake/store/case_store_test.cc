#include "services/intake/store/case_store.h"

#include "common/dates.h"
#include "common/ids.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"

namespace petition::intake {
namespace {

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, IntakeMigrations(), CaseStore::Statements());
    ASSERT_NE(pool_, nullptr);
    auto cipher = PiiCipher::Create(kKey);
    ASSERT_TRUE(cipher.ok());
    cipher_ = *std::move(cipher);
    store_ = std::make_unique<CaseStore>(pool_.get(), cipher_.get());
  }

  v1::Case NewCase() {
    v1::Case c;
    c.set_case_id(NewId("case"));
    c.set_query_code(NewQueryCode());
    c.set_status(v1::REGISTERED);
    c.set_source(v1::TOWNSHIP);
    c.set_channel(v1::VISIT);
    *c.mutable_received_at() = ToProtoTimestamp(absl::FromUnixMicros(1772416800123456));
    c.set_received_by("official_li");
    c.set_headcount(1);
    c.set_category(v1::REPORT_OF_WRONGDOING);
    c.add_reported_unit_ids("unit_\"quoted\"");
    c.add_reported_unit_ids("unit_b");
    c.set_subject("举报");
    c.set_content("内容");
    auto* p = c.add_petitioners();
    p->set_name("张三");
    p->set_id_number("11010519491231002X");
    p->set_phone("13800138000");
    return c;
  }

  petition::v1::CaseEvent EventFor(const v1::Case& c, int64_t seq = 1) {
    petition::v1::CaseEvent e;
    e.set_event_id(NewId("evt"));
    e.set_case_id(c.case_id());
    e.set_sequence(seq);
    return e;
  }

  int64_t Count(const std::string& sql) {
    pqxx::connection conn(schema_.dsn());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO " + tx.quote_name(schema_.name()));
    return tx.exec1(sql)[0].as<int64_t>();
  }

  testing::ScratchSchema schema_{"intake"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PiiCipher> cipher_;
  std::unique_ptr<CaseStore> store_;
  Principal clerk_{"official_li", {"clerk"}, ""};
};

TEST_F(CaseStoreTest, RegisterThenGetRoundTrips) {
  v1::Case c = NewCase();
  auto r = store_->Register(c, "", "", EventFor(c));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->created);
  auto back = store_->Get(c.case_id(), clerk_, "req1", [](const v1::Case&) { return true; });
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->query_code(), c.query_code());
  EXPECT_EQ(back->status(), v1::REGISTERED);
  EXPECT_EQ(back->category(), v1::REPORT_OF_WRONGDOING);
  EXPECT_EQ(back->received_at().seconds(), c.received_at().seconds());
  EXPECT_EQ(back->received_at().nanos(), c.received_at().nanos());
  ASSERT_EQ(back->reported_unit_ids_size(), 2);
  EXPECT_EQ(back->reported_unit_ids(0), "unit_\"quoted\"");
  ASSERT_EQ(back->petitioners_size(), 1);
  EXPECT_EQ(back->petitioners(0).name(), "张三");
  EXPECT_TRUE(back->has_created_at());
}

TEST_F(CaseStoreTest, IdentityIsSealedAtRestAndEveryReadIsAudited) {
  v1::Case c = NewCase();
  ASSERT_TRUE(store_->Register(c, "", "", EventFor(c)).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM petitioners WHERE position(convert_to('张三', 'UTF8') "
                  "in sealed) > 0 OR position('11010519491231002X'::bytea in sealed) > 0"),
            0);
  ASSERT_TRUE(store_->Get(c.case_id(), clerk_, "r1", [](const v1::Case&) { return true; }).ok());
  ASSERT_TRUE(store_->Get(c.case_id(), clerk_, "r2", [](const v1::Case&) { return false; }).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM identity_reads WHERE case_id = '" + c.case_id() +
                  "' AND subject = 'official_li' AND request_id = 'r1'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM identity_reads"), 1);
}

TEST_F(CaseStoreTest, RetriesWithTheSameRequestIdReturnTheFirstCase) {
  v1::Case c = NewCase();
  auto first = store_->Register(c, "req-42", "hash-a", EventFor(c));
  ASSERT_TRUE(first.ok());
  v1::Case again = NewCase();  // a retry mints new ids before reaching the store
  auto second = store_->Register(again, "req-42", "hash-a", EventFor(again));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->stored.case_id(), c.case_id());
  auto other = store_->Register(again, "req-42", "hash-b", EventFor(again));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 1);
}

TEST_F(CaseStoreTest, GetUnknownCaseIsNotFound) {
  auto r = store_->Get("case_nope", clerk_, "r", [](const v1::Case&) { return true; });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CaseStoreTest, RelayDeliversInOrderAndKeepsAFailedBatchPending) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    v1::Case c = NewCase();
    ASSERT_TRUE(store_->Register(c, "", "", EventFor(c)).ok());
    ids.push_back(c.case_id());
  }
  EXPECT_EQ(store_->CountOutbox()->pending, 3);
  auto case_ids = [](const std::vector<petition::v1::CaseEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.case_id());
    return out;
  };
  std::vector<std::string> seen;
  auto r = store_->RelayBatch(2, [&](const std::vector<petition::v1::CaseEvent>& events) {
    seen = case_ids(events);
    return absl::UnavailableError("supervision down");
  });
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->failed);
  EXPECT_EQ(r->delivered, 0);
  EXPECT_EQ(seen, (std::vector<std::string>{ids[0], ids[1]}));  // oldest first, `limit` of them
  EXPECT_EQ(store_->CountOutbox()->pending, 3);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE last_error LIKE '%supervision down%' "
                  "AND attempts = 1"),
            2);

  r = store_->RelayBatch(10, [&](const std::vector<petition::v1::CaseEvent>& events) {
    seen = case_ids(events);
    return absl::OkStatus();
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 3);
  EXPECT_EQ(seen, ids);  // the failed ones again, first, then the rest
  EXPECT_EQ(store_->CountOutbox()->pending, 0);
  r = store_->RelayBatch(10, [&](const std::vector<petition::v1::CaseEvent>&) {
    ADD_FAILURE() << "nothing is pending";
    return absl::OkStatus();
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 0);
}

TEST_F(CaseStoreTest, AnEventRefusedForGoodIsParkedAndTheOthersGoOn) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    v1::Case c = NewCase();
    ASSERT_TRUE(store_->Register(c, "", "", EventFor(c)).ok());
    ids.push_back(c.case_id());
  }
  std::vector<std::string> applied;
  auto r = store_->RelayBatch(10, [&](const std::vector<petition::v1::CaseEvent>& events) {
    for (const auto& e : events) {
      if (e.case_id() == ids[1]) return absl::FailedPreconditionError("refused");
    }
    for (const auto& e : events) applied.push_back(e.case_id());
    return absl::OkStatus();
  });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->delivered, 2);
  EXPECT_EQ(r->parked, 1);
  EXPECT_FALSE(r->failed);
  EXPECT_EQ(applied, (std::vector<std::string>{ids[0], ids[2]}));  // still in order
  auto counts = store_->CountOutbox();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->parked, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL AND case_id = '" +
                  ids[1] + "' AND last_error LIKE '%refused%'"),
            1);
}

TEST_F(CaseStoreTest, SupervisionDownOrNotUpgradedIsNeverParked) {
  v1::Case c = NewCase();
  ASSERT_TRUE(store_->Register(c, "", "", EventFor(c)).ok());
  for (absl::Status s : {absl::UnavailableError("down"), absl::UnimplementedError("old version"),
                         absl::DeadlineExceededError("slow"), absl::InternalError("bug")}) {
    auto r = store_->RelayBatch(10, [&](const std::vector<petition::v1::CaseEvent>&) { return s; });
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->failed) << s;
    EXPECT_EQ(r->parked, 0) << s;
  }
  EXPECT_EQ(store_->CountOutbox()->pending, 1);
}

TEST_F(CaseStoreTest, OnlyOneRelayAtATime) {
  v1::Case c = NewCase();
  ASSERT_TRUE(store_->Register(c, "", "", EventFor(c)).ok());
  bool inner_ran = false;
  auto outer = store_->RelayBatch(10, [&](const std::vector<petition::v1::CaseEvent>&) {
    auto inner = store_->RelayBatch(10, [&](const std::vector<petition::v1::CaseEvent>&) {
      inner_ran = true;
      return absl::OkStatus();
    });
    EXPECT_TRUE(inner.ok());
    EXPECT_TRUE(inner->lock_held_elsewhere);
    return absl::OkStatus();
  });
  ASSERT_TRUE(outer.ok());
  EXPECT_FALSE(inner_ran);
  EXPECT_EQ(outer->delivered, 1);
}

}  // namespace
}  // namespace petition::intake
