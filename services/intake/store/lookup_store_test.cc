// The look-up by query code and the stored first answers of steps (AIP-155),
// against a real PostgreSQL schema migrated as in production.
#include "services/intake/store/lookup_store.h"

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"
#include "services/intake/store/case_store.h"

namespace petition::intake {
namespace {

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

class LookupStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<PgStatement> statements = CaseStore::Statements();
    for (const PgStatement& s : LookupStore::Statements()) statements.push_back(s);
    pool_ = testing::MigratedPool(schema_, IntakeMigrations(), statements);
    ASSERT_NE(pool_, nullptr);
    auto cipher = PiiCipher::Create(kKey);
    ASSERT_TRUE(cipher.ok());
    cipher_ = *std::move(cipher);
    store_ = std::make_unique<CaseStore>(pool_.get(), cipher_.get());
    lookup_ = std::make_unique<LookupStore>(pool_.get());
  }

  v1::Case Registered() {
    v1::Case c;
    c.set_case_id(NewId("case"));
    c.set_query_code(NewQueryCode());
    c.set_status(v1::REGISTERED);
    c.set_source(v1::TOWNSHIP);
    c.set_channel(v1::LETTER);
    *c.mutable_received_at() = ToProtoTimestamp(absl::Now());
    c.set_received_by("official_li");
    c.set_headcount(1);
    c.set_category(v1::OTHER);
    c.set_subject("主题");
    c.set_content("内容");
    v1::Petitioner* p = c.add_petitioners();
    p->set_name("张三");
    p->set_id_number("11010519491231002X");
    RegisterCall call;
    call.caller = &clerk_;
    petition::v1::CaseEvent event;
    event.set_event_id(NewId("evt"));
    event.set_case_id(c.case_id());
    event.set_sequence(1);
    auto r = store_->Register(c, call, event);
    EXPECT_TRUE(r.ok()) << r.status();
    return c;
  }

  int64_t Count(const std::string& sql) {
    pqxx::connection conn(schema_.dsn());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO " + tx.quote_name(schema_.name()));
    return tx.exec1(sql)[0].as<int64_t>();
  }

  // A withdrawal of the case, counting how often it was decided.
  absl::StatusOr<StepResult> Withdraw(const std::string& case_id, const StepRetry& retry,
                                      int* decided) {
    return store_->ApplyStep(
        case_id,
        [&](const v1::Case& current) -> absl::StatusOr<StepChange> {
          ++*decided;
          StepChange change;
          change.updated = current;
          change.updated.set_status(v1::WITHDRAWN);
          change.step.set_step(v1::WITHDRAW);
          change.step.set_status(v1::WITHDRAWN);
          change.step.set_actor("official_li");
          change.event.set_event_id(NewId("evt"));
          change.event.mutable_withdrawn()->set_reason("撤回");
          return change;
        },
        {}, &retry);
  }

  testing::ScratchSchema schema_{"intake"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PiiCipher> cipher_;
  std::unique_ptr<CaseStore> store_;
  std::unique_ptr<LookupStore> lookup_;
  Principal clerk_{"official_li", {"clerk"}, ""};
};

TEST_F(LookupStoreTest, FindsACaseByItsCodeOnly) {
  const v1::Case c = Registered();
  auto found = lookup_->Find(c.query_code());
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->case_id, c.case_id());
  EXPECT_EQ(found->status, v1::REGISTERED);
  ASSERT_EQ(found->steps.size(), 1u);
  EXPECT_EQ(found->steps[0].first, v1::REGISTER);

  std::string near = c.query_code();
  near.back() = near.back() == 'A' ? 'B' : 'A';
  EXPECT_TRUE(absl::IsNotFound(lookup_->Find(near).status()));
  EXPECT_TRUE(absl::IsNotFound(lookup_->Find("").status()));
  // The key is keyed: not the plain hash of the code, which anyone could compute.
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE query_code_key IS NULL OR "
                  "query_code_key = sha256(convert_to(query_code, 'UTF8'))"),
            0);
}

TEST_F(LookupStoreTest, AStepRetriedAnswersItsFirstResultWithoutIdentityAtRest) {
  const v1::Case c = Registered();
  StepRetry retry{"official_li", "req-1", "WithdrawCase", "hash-1", false};
  int decided = 0;
  auto first = Withdraw(c.case_id(), retry, &decided);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->replayed);
  auto again = Withdraw(c.case_id(), retry, &decided);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(decided, 1);
  EXPECT_EQ(again->stored.status(), v1::WITHDRAWN);
  ASSERT_EQ(again->stored.petitioners_size(), 1);  // from the case, for the caller to mask
  EXPECT_EQ(Count("SELECT count(*) FROM case_steps WHERE step = 'WITHDRAW'"), 1);
  // The stored answer holds no petitioner.
  EXPECT_EQ(Count("SELECT count(*) FROM step_requests WHERE "
                  "position(convert_to('张三', 'UTF8') in response) > 0 OR "
                  "position(convert_to('11010519491231002X', 'UTF8') in response) > 0"),
            0);

  StepRetry other_body = retry;
  other_body.request_sha256 = "hash-2";
  EXPECT_TRUE(absl::IsAlreadyExists(Withdraw(c.case_id(), other_body, &decided).status()));
  StepRetry other_method = retry;
  other_method.method = "ConcludeCase";
  EXPECT_TRUE(absl::IsAlreadyExists(Withdraw(c.case_id(), other_method, &decided).status()));
  // Another case under the same id is another body.
  const v1::Case d = Registered();
  EXPECT_TRUE(absl::IsAlreadyExists(Withdraw(d.case_id(), retry, &decided).status()));
  EXPECT_EQ(decided, 1);
}

}  // namespace
}  // namespace petition::intake
