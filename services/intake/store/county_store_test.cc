#include "services/intake/store/county_store.h"

#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/migrations.h"
#include "common/testing/pg_test_env.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace petition::intake {
namespace {

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::vector<PgStatement> AllStatements() {
  std::vector<PgStatement> all = CaseStore::Statements();
  for (const PgStatement& s : CountyStore::Statements()) all.push_back(s);
  return all;
}

class CountyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, IntakeMigrations(), AllStatements());
    ASSERT_NE(pool_, nullptr);
    auto cipher = PiiCipher::Create(kKey);
    ASSERT_TRUE(cipher.ok());
    cipher_ = *std::move(cipher);
    cases_ = std::make_unique<CaseStore>(pool_.get(), cipher_.get());
    county_ = std::make_unique<CountyStore>(pool_.get(), cases_.get());
  }

  // A push of `county_id` as the service builds it; `version` changes its content.
  TransferPushCall Call(const std::string& county_id, int version = 1) {
    TransferPushCall call;
    v1::Case& c = call.c;
    c.set_case_id(NewId("case"));
    c.set_query_code(NewQueryCode());
    c.set_status(v1::REGISTERED);
    c.set_source(v1::COUNTY_ASSIGNMENT);
    c.set_county_case_id(county_id);
    c.set_channel(v1::ONLINE);
    *c.mutable_received_at() = ToProtoTimestamp(absl::Now());
    c.set_received_by("county_platform");
    c.set_headcount(1);
    c.set_category(v1::SUPERIOR_ASSIGNED);
    c.set_subject("交办事项");
    c.set_content(absl::StrCat("内容 第", version, "版"));
    auto* p = c.add_petitioners();
    p->set_name("李四");
    p->set_id_number("11010519491231002X");
    call.due_date = "2026-03-20";
    call.push_sha256 = Sha256Hex(absl::StrCat(county_id, "/", version));
    call.caller = &county_caller_;
    call.registered.set_event_id(NewId("evt"));
    call.registered.set_case_id(c.case_id());
    call.registered.set_sequence(1);
    call.registered.mutable_registered()->set_county_due_date(call.due_date);
    call.updated.set_event_id(NewId("evt"));
    *call.updated.mutable_occurred_at() = NowTimestamp();
    call.update_step.set_step(v1::COUNTY_UPDATE);
    call.update_step.set_status(v1::REGISTERED);
    call.update_step.set_actor("county_platform");
    return call;
  }

  std::string Scalar(const std::string& sql) {
    pqxx::connection conn(schema_.dsn());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO " + tx.quote_name(schema_.name()));
    pqxx::result r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
  }

  // Moves the case to `status` by a lifecycle step that records the county's feedback.
  absl::StatusOr<StepResult> Step(const std::string& case_id, v1::Step step, v1::CaseStatus status,
                                  bool review_policy = false) {
    return cases_->ApplyStep(case_id, [&](const v1::Case& current) -> absl::StatusOr<StepChange> {
      StepChange change;
      change.updated = current;
      change.updated.set_status(status);
      change.step.set_step(step);
      change.step.set_status(status);
      change.step.set_actor("off_clerk");
      change.step.set_note("a note");
      change.event.set_event_id(NewId("evt"));
      change.event.mutable_concluded();
      const CountyStore* county = county_.get();
      change.also = [county, review_policy](pqxx::transaction_base& tx, const v1::Case& stored) {
        return county->RecordFeedback(tx, stored, review_policy);
      };
      return change;
    });
  }

  testing::ScratchSchema schema_{"intake_county"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PiiCipher> cipher_;
  std::unique_ptr<CaseStore> cases_;
  std::unique_ptr<CountyStore> county_;
  Principal county_caller_{"county_platform", {"county"}, ""};
};

TEST_F(CountyStoreTest, TheFirstPushCreatesTheSamePushFindsIt) {
  TransferPushCall first = Call("XF-1");
  auto created = county_->Push(first);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->case_id, first.c.case_id());
  EXPECT_EQ(created->status, v1::REGISTERED);

  TransferPushCall again = Call("XF-1");  // a new case id, as every call makes one
  auto found = county_->Push(again);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->created);
  EXPECT_FALSE(found->updated);
  EXPECT_EQ(found->case_id, first.c.case_id());
  EXPECT_EQ(Scalar("SELECT count(*) FROM cases"), "1");
  EXPECT_EQ(Scalar("SELECT source FROM cases"), "COUNTY_ASSIGNMENT");
  EXPECT_EQ(Scalar("SELECT county_case_id FROM cases"), "XF-1");
  EXPECT_EQ(Scalar("SELECT count(*) FROM outbox"), "1");
  EXPECT_EQ(Scalar("SELECT due_date::text FROM county_transfers"), "2026-03-20");
}

TEST_F(CountyStoreTest, ConcurrentIdenticalPushesMakeOneCase) {
  constexpr int kPushes = 16;
  absl::Mutex mu;
  std::vector<TransferPushResult> results;
  std::vector<absl::Status> errors;
  std::vector<std::thread> threads;
  for (int i = 0; i < kPushes; ++i) {
    threads.emplace_back([&] {
      auto r = county_->Push(Call("XF-RACE"));
      absl::MutexLock lock(&mu);
      if (r.ok()) {
        results.push_back(*r);
      } else {
        errors.push_back(r.status());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(errors.empty()) << errors.front();
  ASSERT_EQ(results.size(), static_cast<size_t>(kPushes));
  std::set<std::string> ids;
  int created = 0;
  for (const TransferPushResult& r : results) {
    ids.insert(r.case_id);
    created += r.created ? 1 : 0;
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(created, 1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM cases"), "1");
}

TEST_F(CountyStoreTest, AChangedPushUpdatesARegisteredCaseAndIsRefusedAfter) {
  auto created = county_->Push(Call("XF-2"));
  ASSERT_TRUE(created.ok()) << created.status();
  TransferPushCall changed = Call("XF-2", 2);
  changed.c.set_urgent(true);
  changed.due_date = "2026-03-25";
  auto updated = county_->Push(changed);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_TRUE(updated->updated);
  EXPECT_EQ(updated->case_id, created->case_id);
  EXPECT_EQ(Scalar("SELECT content FROM cases"), "内容 第2版");
  EXPECT_EQ(Scalar("SELECT urgent FROM cases"), "t");
  EXPECT_EQ(Scalar("SELECT due_date::text FROM county_transfers"), "2026-03-25");
  EXPECT_EQ(Scalar("SELECT pushes FROM county_transfers"), "2");
  EXPECT_EQ(Scalar("SELECT string_agg(step, ',' ORDER BY id) FROM case_steps"),
            "REGISTER,COUNTY_UPDATE");
  // The update reached the outbox as the case's second event, with the new due date.
  petition::v1::CaseEvent event;
  const std::string hex = Scalar("SELECT encode(payload, 'hex') FROM outbox WHERE sequence = 2");
  auto bytes = HexDecode(hex);
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(event.ParseFromString(*bytes));
  EXPECT_EQ(event.updated().county_due_date(), "2026-03-25");
  EXPECT_TRUE(event.updated().urgent());
  // The petitioners were sealed again for the updated case and still open.
  auto reread = pool_->Read(
      [&](pqxx::transaction_base& tx) { return cases_->LoadInTransaction(tx, created->case_id); });
  ASSERT_TRUE(reread.ok()) << reread.status();
  EXPECT_EQ(reread->petitioners(0).name(), "李四");

  ASSERT_TRUE(Step(created->case_id, v1::ACCEPT, v1::ACCEPTED).ok());
  auto late = county_->Push(Call("XF-2", 3));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kAborted);
  EXPECT_NE(late.status().message().find("ACCEPTED"), absl::string_view::npos) << late.status();
  // The push already applied is still the same push: answered, not refused.
  auto same = county_->Push(changed);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->status, v1::ACCEPTED);
}

TEST_F(CountyStoreTest, ResultsAreRecordedInTheStepAndRetriedInOrder) {
  auto created = county_->Push(Call("XF-3"));
  ASSERT_TRUE(created.ok());
  const std::string case_id = created->case_id;
  ASSERT_TRUE(Step(case_id, v1::ACCEPT, v1::ACCEPTED).ok());
  EXPECT_EQ(Scalar("SELECT count(*) FROM county_feedback"), "0");  // not a result
  ASSERT_TRUE(Step(case_id, v1::ANSWER, v1::ANSWERED).ok());
  ASSERT_TRUE(Step(case_id, v1::CONCLUDE, v1::CONCLUDED).ok());
  ASSERT_EQ(Scalar("SELECT count(*) FROM county_feedback"), "2");

  // The conclusion waits for the answer: one result of the case at a time.
  auto due = county_->Due(10);
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->size(), 1u);
  v1::CountyFeedback body;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage((*due)[0].body, &body).ok());
  EXPECT_EQ(body.status(), v1::ANSWERED);
  EXPECT_EQ(body.county_case_id(), "XF-3");
  EXPECT_EQ(body.delivery_id(), (*due)[0].delivery_id);
  EXPECT_EQ(body.due_date(), "2026-03-20");

  const int64_t answer_id = (*due)[0].id;
  ASSERT_TRUE(county_
                  ->MarkRetry(answer_id, {503, "HTTP 503", absl::Milliseconds(12)},
                              absl::Now() + absl::Hours(1))
                  .ok());
  due = county_->Due(10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty()) << "retried before its time, or the conclusion overtook it";
  auto counts = county_->Count();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 2);

  ASSERT_TRUE(county_
                  ->MarkRetry(answer_id, {0, "connection refused", absl::Milliseconds(1)},
                              absl::Now() - absl::Seconds(1))
                  .ok());
  due = county_->Due(10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].attempts, 2);
  ASSERT_TRUE(county_->MarkDelivered(answer_id, {200, "", absl::Milliseconds(5)}).ok());
  due = county_->Due(10);
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE(county_->Park((*due)[0].id, {422, "HTTP 422", absl::Milliseconds(3)}).ok());
  counts = county_->Count();
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->parked, 1);

  auto transfer = county_->Get("XF-3");
  ASSERT_TRUE(transfer.ok()) << transfer.status();
  EXPECT_EQ(transfer->case_id(), case_id);
  EXPECT_EQ(transfer->status(), v1::CONCLUDED);
  EXPECT_EQ(transfer->kind(), v1::ASSIGNMENT);
  EXPECT_EQ(transfer->due_date(), "2026-03-20");
  ASSERT_EQ(transfer->feedback_size(), 2);
  const v1::FeedbackDelivery& answer = transfer->feedback(0);
  EXPECT_EQ(answer.status(), v1::ANSWERED);
  EXPECT_EQ(answer.state(), v1::DELIVERED);
  ASSERT_EQ(answer.attempts_size(), 3);
  EXPECT_EQ(answer.attempts(0).http_status(), 503);
  EXPECT_EQ(answer.attempts(1).http_status(), 0);
  EXPECT_EQ(answer.attempts(1).error(), "connection refused");
  EXPECT_EQ(answer.attempts(2).http_status(), 200);
  EXPECT_EQ(answer.body().status(), v1::ANSWERED);
  const v1::FeedbackDelivery& conclusion = transfer->feedback(1);
  EXPECT_EQ(conclusion.state(), v1::PARKED);
  EXPECT_TRUE(conclusion.has_parked_at());
  ASSERT_EQ(conclusion.attempts_size(), 1);
  EXPECT_EQ(conclusion.attempts(0).http_status(), 422);

  EXPECT_EQ(county_->Get("XF-never").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CountyStoreTest, AReportWaitsForThePrincipalLeaderAndHoldsBackLaterResults) {
  auto created = county_->Push(Call("XF-REV"));
  ASSERT_TRUE(created.ok());
  const std::string case_id = created->case_id;
  ASSERT_TRUE(Step(case_id, v1::ACCEPT, v1::ACCEPTED, true).ok());
  ASSERT_TRUE(Step(case_id, v1::ANSWER, v1::ANSWERED, true).ok());
  // A withdrawal is not reviewed, but it waits behind the answer.
  ASSERT_TRUE(Step(case_id, v1::WITHDRAW, v1::WITHDRAWN, true).ok());
  auto due = county_->Due(10);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_TRUE(due->empty()) << "sent before the principal leader reviewed it";
  auto counts = county_->Count();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->awaiting_review, 1);
  EXPECT_EQ(counts->pending, 1);
  auto transfer = county_->Get("XF-REV");
  ASSERT_TRUE(transfer.ok()) << transfer.status();
  ASSERT_EQ(transfer->feedback_size(), 2);
  EXPECT_EQ(transfer->feedback(0).state(), v1::AWAITING_PRINCIPAL_REVIEW);
  EXPECT_TRUE(transfer->feedback(0).review_required());
  EXPECT_EQ(transfer->feedback(1).state(), v1::PENDING);
  EXPECT_FALSE(transfer->feedback(1).review_required());

  auto released = pool_->Transact([&](pqxx::transaction_base& tx) {
    return county_->ReleaseReviewed(tx, case_id, "off_principal", "同意反馈");
  });
  ASSERT_TRUE(released.ok()) << released.status();
  ASSERT_EQ(released->size(), 1u);
  EXPECT_EQ((*released)[0], transfer->feedback(0).delivery_id());
  // Nothing waits any more: a second review is refused, and writes nothing.
  auto again = pool_->Transact([&](pqxx::transaction_base& tx) {
    return county_->ReleaseReviewed(tx, case_id, "off_principal", "again");
  });
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);

  due = county_->Due(10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].delivery_id, transfer->feedback(0).delivery_id());
  transfer = county_->Get("XF-REV");
  ASSERT_TRUE(transfer.ok());
  EXPECT_EQ(transfer->feedback(0).state(), v1::PENDING);
  EXPECT_EQ(transfer->feedback(0).reviewed_by(), "off_principal");
  EXPECT_EQ(transfer->feedback(0).review_note(), "同意反馈");
  EXPECT_TRUE(transfer->feedback(0).has_reviewed_at());
  EXPECT_EQ(county_->CaseOf("XF-REV").value_or(""), case_id);
  EXPECT_EQ(county_->CaseOf("XF-none").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CountyStoreTest, AnOperatorReQueuesAParkedResultAsTheReadmeSays) {
  auto created = county_->Push(Call("XF-5"));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(Step(created->case_id, v1::DECLINE, v1::DECLINED).ok());
  auto due = county_->Due(10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE(county_->Park((*due)[0].id, {400, "HTTP 400", absl::Milliseconds(2)}).ok());
  EXPECT_TRUE(county_->Due(10)->empty());
  Scalar(
      "UPDATE county_feedback SET parked_at = NULL, next_attempt_at = now() WHERE delivery_id = '" +
      (*due)[0].delivery_id + "'");
  auto again = county_->Due(10);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].delivery_id, (*due)[0].delivery_id);
  EXPECT_EQ((*again)[0].attempts, 1);  // the parked attempt stays in the record
}

TEST_F(CountyStoreTest, ATownshipCaseRecordsNoFeedback) {
  TransferPushCall call = Call("XF-4");
  auto created = county_->Push(call);
  ASSERT_TRUE(created.ok());
  v1::Case township;
  township.set_source(v1::TOWNSHIP);
  township.set_status(v1::DECLINED);
  auto none = pool_->Transact(
      [&](pqxx::transaction_base& tx) { return county_->RecordFeedback(tx, township, true); });
  EXPECT_TRUE(none.ok());
  EXPECT_EQ(Scalar("SELECT count(*) FROM county_feedback"), "0");
}

TEST_F(CountyStoreTest, ATownshipCasesReviewRequestGoesToTheCountyWithoutACountyId) {
  // A county case and a township case side by side; the township's is made
  // one by taking its county id away (it never had a transfer row).
  auto county_case = county_->Push(Call("XF-5"));
  ASSERT_TRUE(county_case.ok());
  TransferPushCall own = Call("XF-6");
  auto township = county_->Push(own);
  ASSERT_TRUE(township.ok());
  ASSERT_EQ(Scalar(absl::StrCat("WITH d AS (DELETE FROM county_transfers WHERE case_id = '",
                                township->case_id,
                                "') UPDATE cases SET source = 'TOWNSHIP', county_case_id = NULL "
                                "WHERE case_id = '",
                                township->case_id, "' RETURNING 'ok'")),
            "ok");
  for (const std::string& id : {county_case->case_id, township->case_id}) {
    ASSERT_TRUE(Step(id, v1::ACCEPT, v1::ACCEPTED).ok());
    ASSERT_TRUE(Step(id, v1::ANSWER, v1::ANSWERED).ok());
  }
  // The township's answer is its own: nothing for the county.
  EXPECT_EQ(Scalar(absl::StrCat("SELECT count(*) FROM county_feedback WHERE case_id = '",
                                township->case_id, "'")),
            "0");
  // The review request goes to the county, with the principal leader's
  // review on: it is the petitioner's act, not the township's report.
  ASSERT_TRUE(Step(township->case_id, v1::REQUEST_REVIEW, v1::REVIEW_REQUESTED, true).ok());
  EXPECT_EQ(Scalar(absl::StrCat("SELECT count(*) FROM county_feedback WHERE case_id = '",
                                township->case_id,
                                "' AND county_case_id IS NULL AND NOT review_required")),
            "1");
  auto due = county_->Due(10);
  ASSERT_TRUE(due.ok()) << due.status();
  v1::CountyFeedback body;
  bool found = false;
  for (const DueFeedback& d : *due) {
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(d.body, &body).ok());
    if (body.case_id() != township->case_id) continue;
    found = true;
    EXPECT_EQ(body.status(), v1::REVIEW_REQUESTED);
    EXPECT_EQ(body.county_case_id(), "");
    EXPECT_EQ(body.note(), "a note");
  }
  EXPECT_TRUE(found);
  // The county's own transfer reads as before: only its case's results.
  auto transfer = county_->Get("XF-5");
  ASSERT_TRUE(transfer.ok()) << transfer.status();
  ASSERT_EQ(transfer->feedback_size(), 1);
  EXPECT_EQ(transfer->feedback(0).status(), v1::ANSWERED);
  EXPECT_EQ(county_->Get("XF-6").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace petition::intake
