#include "services/intake/store/case_store.h"

#include <thread>

#include "absl/time/clock.h"
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

  void Exec(const std::string& sql) {
    pqxx::connection conn(schema_.dsn());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO " + tx.quote_name(schema_.name()));
    tx.exec(sql);
  }

  testing::ScratchSchema schema_{"intake"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PiiCipher> cipher_;
  std::unique_ptr<CaseStore> store_;
  Principal clerk_{"official_li", {"clerk"}, ""};

  RegisterCall Call(const std::string& request_id = "", const std::string& sha = "",
                    const Principal* caller = nullptr, bool reveal = true) {
    RegisterCall call;
    call.caller = caller != nullptr ? caller : &clerk_;
    call.call_request_id = "call-" + request_id;
    call.request_id = request_id;
    call.request_sha256 = sha;
    call.reveal = [reveal](const v1::Case&) { return reveal; };
    return call;
  }
};

TEST_F(CaseStoreTest, RegisterThenGetRoundTrips) {
  v1::Case c = NewCase();
  auto r = store_->Register(c, Call(), EventFor(c));
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

// A30: a reader of a reported unit does not get the report in a list, by
// any filter (the person's id number included), and its page is filled with
// the next rows, so that no page or token betrays it.
TEST_F(CaseStoreTest, ListsLeaveOutTheReportsOfTheReadersUnit) {
  v1::Case report = NewCase();  // reports unit_b
  v1::Case other = NewCase();
  other.clear_reported_unit_ids();
  other.set_category(v1::OTHER);
  *other.mutable_received_at() = ToProtoTimestamp(absl::FromUnixMicros(1772416700000000));
  ASSERT_TRUE(store_->Register(report, Call(), EventFor(report)).ok());
  ASSERT_TRUE(store_->Register(other, Call(), EventFor(other)).ok());
  auto ids = [&](const CaseListQuery& query, const std::string& hidden_unit) {
    std::vector<std::string> out;
    auto cases =
        store_->List(query, "", hidden_unit, clerk_, "r", [](const v1::Case&) { return false; });
    EXPECT_TRUE(cases.ok()) << cases.status();
    if (cases.ok()) {
      for (const v1::Case& c : *cases) out.push_back(c.case_id());
    }
    return out;
  };
  CaseListQuery query;
  query.page_size = 1;
  // The newest first: the report, then (the extra row) the other case.
  EXPECT_EQ(ids(query, ""), (std::vector<std::string>{report.case_id(), other.case_id()}));
  EXPECT_EQ(ids(query, "unit_b"), std::vector<std::string>{other.case_id()});
  EXPECT_EQ(ids(query, "unit_c").size(), 2u);  // another unit's reader
  query.id_number = "11010519491231002X";
  query.page_size = 50;
  EXPECT_EQ(ids(query, "").size(), 2u);
  EXPECT_EQ(ids(query, "unit_b"), std::vector<std::string>{other.case_id()});

  auto reporting =
      store_->CasesReporting({report.case_id(), other.case_id(), "case_unknown"}, "unit_b");
  ASSERT_TRUE(reporting.ok()) << reporting.status();
  EXPECT_EQ(*reporting, std::vector<std::string>{report.case_id()});
  EXPECT_TRUE(store_->CasesReporting({report.case_id()}, "unit_c")->empty());
}

// A person who has filed many times is compared with their kRepeatWindow most
// recent cases only; a FINAL matter older than that is still flagged through
// a recent repeat that was flagged final itself.
TEST_F(CaseStoreTest, RepeatDetectionLooksAtThePersonsRecentCases) {
  RegisterCall call = Call();
  call.repeat_similarity = 0.4;
  auto register_at = [&](int64_t day, const std::string& subject,
                         const std::string& content = "邻居占用宅基地，请求镇里协调处理。") {
    v1::Case c = NewCase();
    *c.mutable_received_at() = ToProtoTimestamp(absl::FromUnixSeconds(1772416800 + day * 86400));
    c.set_subject(subject);
    c.set_content(content);
    auto r = store_->Register(c, call, EventFor(c));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->stored : v1::Case();
  };
  const v1::Case oldest = register_at(0, "宅基地纠纷");
  Exec("UPDATE cases SET status = 'FINAL' WHERE case_id = '" + oldest.case_id() + "'");
  const v1::Case flagged = register_at(1, "宅基地纠纷");
  EXPECT_TRUE(flagged.final_matter());
  ASSERT_EQ(flagged.final_case_ids_size(), 1);
  EXPECT_EQ(flagged.final_case_ids(0), oldest.case_id());
  // Then many cases on another matter push both out of the window...
  for (int i = 0; i < kRepeatWindow; ++i) register_at(2 + i, "低保申请", "家中困难，申请低保。");
  const v1::Case unrelated = register_at(100, "宅基地纠纷");
  EXPECT_FALSE(unrelated.final_matter());
  EXPECT_EQ(unrelated.repeat_of_case_ids_size(), 0);
  // ... and a case in the window that carries the flag carries it on.
  const v1::Case again = register_at(101, "宅基地纠纷");
  ASSERT_EQ(again.repeat_of_case_ids_size(), 1);
  EXPECT_EQ(again.repeat_of_case_ids(0), unrelated.case_id());
  EXPECT_FALSE(again.final_matter());
  Exec("UPDATE cases SET final_case_ids = ARRAY['" + oldest.case_id() + "'] WHERE case_id = '" +
       unrelated.case_id() + "'");
  const v1::Case carried = register_at(102, "宅基地纠纷");
  EXPECT_TRUE(carried.final_matter());
  ASSERT_EQ(carried.final_case_ids_size(), 1);
  EXPECT_EQ(carried.final_case_ids(0), oldest.case_id());
}

TEST_F(CaseStoreTest, IdentityIsSealedAtRestAndEveryReadIsAudited) {
  v1::Case c = NewCase();
  ASSERT_TRUE(store_->Register(c, Call(), EventFor(c)).ok());
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
  auto first = store_->Register(c, Call("req-42", "hash-a"), EventFor(c));
  ASSERT_TRUE(first.ok());
  v1::Case again = NewCase();  // a retry mints new ids before reaching the store
  auto second = store_->Register(again, Call("req-42", "hash-a"), EventFor(again));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->stored.case_id(), c.case_id());
  auto other = store_->Register(again, Call("req-42", "hash-b"), EventFor(again));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 1);
}

TEST_F(CaseStoreTest, GetUnknownCaseIsNotFound) {
  auto r = store_->Get("case_nope", clerk_, "r", [](const v1::Case&) { return true; });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CaseStoreTest, RequestIdsBelongToTheirCaller) {
  v1::Case c = NewCase();
  ASSERT_TRUE(store_->Register(c, Call("req-7", "hash-a"), EventFor(c)).ok());
  // Another official replaying the same id and body: another request, a new case.
  Principal other{"official_wu", {"clerk"}, ""};
  v1::Case theirs = NewCase();
  auto replay = store_->Register(theirs, Call("req-7", "hash-a", &other), EventFor(theirs));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->created);
  EXPECT_EQ(replay->stored.case_id(), theirs.case_id());
  // With another body: no 409 revealing that the id exists for someone else.
  v1::Case third = NewCase();
  Principal third_official{"official_he", {"leader"}, ""};
  auto other_body =
      store_->Register(third, Call("req-7", "hash-b", &third_official), EventFor(third));
  ASSERT_TRUE(other_body.ok()) << other_body.status();
  EXPECT_TRUE(other_body->created);
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 3);
}

TEST_F(CaseStoreTest, AReplayedAnswerFollowsTheReadRules) {
  v1::Case c = NewCase();
  ASSERT_TRUE(store_->Register(c, Call("req-9", "h"), EventFor(c)).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM identity_reads"), 0);  // registering is not a read
  // The replay reveals identity: it is audited like a read.
  auto shown = store_->Register(NewCase(), Call("req-9", "h"), EventFor(c));
  ASSERT_TRUE(shown.ok()) << shown.status();
  EXPECT_FALSE(shown->created);
  EXPECT_TRUE(shown->identity_revealed);
  EXPECT_EQ(shown->stored.petitioners(0).name(), "张三");
  EXPECT_EQ(Count("SELECT count(*) FROM identity_reads WHERE case_id = '" + c.case_id() +
                  "' AND subject = 'official_li' AND request_id = 'call-req-9' "
                  "AND purpose = 'RegisterCase retry'"),
            1);
  // When the rules say no (the caller now belongs to a reported unit): not
  // revealed, not audited; the caller masks.
  auto hidden = store_->Register(NewCase(), Call("req-9", "h", &clerk_, false), EventFor(c));
  ASSERT_TRUE(hidden.ok());
  EXPECT_FALSE(hidden->identity_revealed);
  EXPECT_EQ(Count("SELECT count(*) FROM identity_reads"), 1);
}

TEST_F(CaseStoreTest, ConcurrentRetriesCreateOneCase) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<RegisterResult>> results(kThreads, absl::UnknownError("not run"));
  auto pool = testing::MigratedPool(schema_, IntakeMigrations(), CaseStore::Statements());
  ASSERT_NE(pool, nullptr);
  CaseStore wide(pool.get(), cipher_.get());
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      v1::Case c = NewCase();
      results[i] = wide.Register(c, Call("race", "same"), EventFor(c));
    });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  std::string case_id;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    created += r->created;
    if (case_id.empty()) case_id = r->stored.case_id();
    EXPECT_EQ(r->stored.case_id(), case_id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 1);
}

TEST_F(CaseStoreTest, ARegistrationPastItsDeadlineWhileBlockedCommitsNothing) {
  // Another transaction is inserting the same caller's request id and has not
  // committed: ours waits on it (ON CONFLICT must know the outcome).
  pqxx::connection other(schema_.dsn());
  pqxx::work blocker(other);
  blocker.exec("SET LOCAL search_path TO " + blocker.quote_name(schema_.name()));
  blocker.exec(
      "INSERT INTO cases (case_id, query_code, status, source, channel, received_at, "
      "received_by, headcount, collective, category, subject, content, request_subject, "
      "request_id, request_sha256) VALUES ('case_blocker', 'Q1', 'REGISTERED', 'TOWNSHIP', "
      "'VISIT', now(), 'official_li', 1, false, 'OTHER', 's', 'c', 'official_li', 'slow', 'h')");
  TxOptions options;
  options.deadline = absl::Now() + absl::Milliseconds(300);
  v1::Case c = NewCase();
  auto r = store_->Register(c, Call("slow", "h"), EventFor(c), options);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
  blocker.abort();
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM petitioners"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 0);
}

TEST_F(CaseStoreTest, SealedIdentityIsBoundToItsCaseAndOrdinal) {
  v1::Case a = NewCase();
  v1::Case b = NewCase();
  b.mutable_petitioners(0)->set_name("李四");
  ASSERT_TRUE(store_->Register(a, Call(), EventFor(a)).ok());
  ASSERT_TRUE(store_->Register(b, Call(), EventFor(b)).ok());
  // Someone with write access to the table swaps the two rows' blobs.
  Exec(
      "WITH s AS (SELECT case_id, sealed FROM petitioners) "
      "UPDATE petitioners p SET sealed = s.sealed FROM s "
      "WHERE s.case_id <> p.case_id");
  for (const v1::Case& c : {a, b}) {
    auto r = store_->Get(c.case_id(), clerk_, "r", [](const v1::Case&) { return true; });
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(r.status().message().find("张三"), std::string::npos);
  }
}

TEST_F(CaseStoreTest, PetitionersSealedBeforeBindingStillOpen) {
  v1::Case c = NewCase();
  ASSERT_TRUE(store_->Register(c, Call(), EventFor(c)).ok());
  // A row as written before migration 0003: sealed without associated data.
  v1::Petitioner legacy;
  legacy.set_name("王五");
  legacy.set_id_number("11010519491231002X");
  Exec("UPDATE petitioners SET seal_version = 1, sealed = '\\x" +
       HexEncode(cipher_->Encrypt(legacy.SerializeAsString())) + "'::bytea WHERE case_id = '" +
       c.case_id() + "'");
  auto back = store_->Get(c.case_id(), clerk_, "r", [](const v1::Case&) { return true; });
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->petitioners(0).name(), "王五");
}

TEST_F(CaseStoreTest, OutboxStepsKeepOrderAndRecordOutcomes) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    v1::Case c = NewCase();
    ASSERT_TRUE(store_->Register(c, Call(), EventFor(c)).ok());
    ids.push_back(c.case_id());
  }
  auto pending = store_->PendingEvents(2);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 2u);  // oldest first, `limit` of them
  EXPECT_EQ((*pending)[0].case_id, ids[0]);
  EXPECT_EQ((*pending)[1].case_id, ids[1]);
  petition::v1::CaseEvent event;
  ASSERT_TRUE(event.ParseFromArray((*pending)[0].bytes().data(),
                                   static_cast<int>((*pending)[0].bytes().size())));
  EXPECT_EQ(event.case_id(), ids[0]);  // the stored bytes are the event
  ASSERT_TRUE(store_->MarkFailed({(*pending)[0].id, (*pending)[1].id}, "UNAVAILABLE: down").ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE last_error = 'UNAVAILABLE: down' "
                  "AND attempts = 1 AND delivered_at IS NULL"),
            2);
  ASSERT_TRUE(store_->MarkDelivered({(*pending)[0].id}).ok());
  ASSERT_TRUE(store_->Park((*pending)[1].id, "FAILED_PRECONDITION: refused").ok());
  auto counts = store_->CountOutbox();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 1);
  EXPECT_EQ(counts->parked, 1);
  auto rest = store_->PendingEvents(10);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].case_id, ids[2]);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE payload = decode('" +
                  HexEncode(event.SerializeAsString()) + "', 'hex')"),
            1);  // stored as the protobuf bytes themselves
}

TEST_F(CaseStoreTest, OnlyOneRelayLockAtATime) {
  auto first = store_->TryLockRelay();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_NE(*first, nullptr);
  EXPECT_TRUE((*first)->Alive());
  auto second = store_->TryLockRelay();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, nullptr);  // held elsewhere
  first->reset();               // the holder stops (or dies)
  auto third = store_->TryLockRelay();
  ASSERT_TRUE(third.ok());
  ASSERT_NE(*third, nullptr);
  // Its connection dies (a failover, a network cut): the holder notices
  // instead of carrying on without the lock, and another may take it.
  Exec(
      "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks WHERE locktype = 'advisory' AND "
      "objid::bigint = (hashtext('petition.outbox.' || current_schema())::bigint & 4294967295)");
  EXPECT_FALSE((*third)->Alive());
  EXPECT_FALSE((*third)->Alive());  // and stays without it (no silent reconnection)
  auto fourth = store_->TryLockRelay();
  ASSERT_TRUE(fourth.ok());
  EXPECT_NE(*fourth, nullptr);
}

}  // namespace
}  // namespace petition::intake

namespace petition::intake {
namespace {

TEST_F(CaseStoreTest, MaterialsAreSealedCountedPerCaseAndReadUnderTheCheck) {
  v1::Case c = NewCase();
  ASSERT_TRUE(store_->Register(c, Call(), EventFor(c)).ok());
  const std::string bytes = "%PDF-1.7 the petitioner's evidence";
  NewMaterial m{NewId("mat"), "证据.pdf", "application/pdf", "sha-1", bytes, "official_li"};
  int64_t seen = -1;
  auto added = store_->AddMaterial(c.case_id(), m, [&](const v1::Case&, int64_t stored) {
    seen = stored;
    return absl::OkStatus();
  });
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(seen, 0);
  EXPECT_EQ(added->size(), static_cast<int64_t>(bytes.size()));
  // Sealed: the bytes are nowhere in the row in clear.
  EXPECT_EQ(Count("SELECT count(*) FROM materials WHERE position('%PDF'::bytea in sealed) > 0"), 0);

  // The next upload sees what is stored; a refusal writes nothing.
  NewMaterial second{NewId("mat"), "b.pdf", "application/pdf", "sha-2", bytes, "official_li"};
  auto refused = store_->AddMaterial(c.case_id(), second, [&](const v1::Case&, int64_t stored) {
    seen = stored;
    return absl::ResourceExhaustedError("full");
  });
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(seen, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(Count("SELECT count(*) FROM materials"), 1);
  // The same bytes again: the material already stored.
  NewMaterial again{NewId("mat"), "c.pdf", "application/pdf", "sha-1", bytes, "official_li"};
  auto same = store_->AddMaterial(c.case_id(), again,
                                  [](const v1::Case&, int64_t) { return absl::OkStatus(); });
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->material_id(), m.material_id);

  auto read = store_->Material(c.case_id(), m.material_id, clerk_, "req-m",
                               [](const v1::Case&, int64_t) { return absl::OkStatus(); });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->bytes, bytes);
  EXPECT_EQ(Count("SELECT count(*) FROM identity_reads WHERE purpose = 'GetMaterial'"), 1);
  auto hidden = store_->Material(
      c.case_id(), m.material_id, clerk_, "req-h",
      [](const v1::Case&, int64_t) { return absl::NotFoundError("no such case"); });
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT count(*) FROM identity_reads WHERE purpose = 'GetMaterial'"), 1);
  auto listed = store_->Materials(c.case_id(), clerk_, "req-l",
                                  [](const v1::Case&, int64_t) { return absl::OkStatus(); });
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].file_name(), "证据.pdf");
  EXPECT_EQ(store_
                ->AddMaterial("case_none", second,
                              [](const v1::Case&, int64_t) { return absl::OkStatus(); })
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace petition::intake
