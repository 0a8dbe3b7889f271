#include "services/supervision/store/deadline_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"

namespace petition::supervision {
namespace {

class DeadlineStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, SupervisionMigrations(), DeadlineStore::Statements());
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<DeadlineStore>(pool_.get());
  }

  petition::v1::CaseEvent Registered(const std::string& case_id) {
    petition::v1::CaseEvent e;
    e.set_event_id(NewId("evt"));
    e.set_case_id(case_id);
    e.set_sequence(1);
    e.mutable_registered()->set_channel("VISIT");
    e.mutable_registered()->set_category("OTHER");
    e.mutable_registered()->set_source("TOWNSHIP");
    *e.mutable_registered()->mutable_received_at() = NowTimestamp();
    return e;
  }

  petition::v1::CaseEvent Next(const std::string& case_id, int64_t sequence) {
    petition::v1::CaseEvent e;
    e.set_event_id(NewId("evt"));
    e.set_case_id(case_id);
    e.set_sequence(sequence);
    *e.mutable_occurred_at() = NowTimestamp();
    return e;
  }

  DeadlineRecord Acceptance() {
    DeadlineRecord d;
    d.kind = "ACCEPTANCE";
    d.start_date = absl::CivilDay(2026, 3, 2);
    d.due_date = absl::CivilDay(2026, 3, 17);
    return d;
  }

  // What the service makes of each kind: a registration opens ACCEPTANCE,
  // accept/decline meet it on `met_day`, the rest only advance the case.
  DeadlineStore::Application For(const petition::v1::CaseEvent* e,
                                 absl::CivilDay met_day = absl::CivilDay(2026, 3, 10)) {
    DeadlineStore::Application app;
    app.event = e;
    if (e->has_registered()) app.open.push_back(Acceptance());
    if (e->has_accepted() || e->has_declined()) {
      app.meet.push_back("ACCEPTANCE");
      app.met_day = met_day;
    }
    if (e->has_accepted()) {
      app.handling_unit_ids.emplace(e->accepted().handling_unit_ids().begin(),
                                    e->accepted().handling_unit_ids().end());
    }
    return app;
  }

  absl::StatusOr<int> Apply(std::vector<const petition::v1::CaseEvent*> events) {
    std::vector<DeadlineStore::Application> apps;
    for (const auto* e : events) apps.push_back(For(e));
    return store_->ApplyEvents(apps);
  }

  int64_t LastSequence(const std::string& case_id) {
    auto r = pool_->Read([&](pqxx::transaction_base& tx) -> absl::StatusOr<int64_t> {
      return tx
          .exec1("SELECT last_sequence FROM case_tracks WHERE case_id = " + tx.quote(case_id))[0]
          .as<int64_t>();
    });
    return r.ok() ? *r : -1;
  }

  testing::ScratchSchema schema_{"sup"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<DeadlineStore> store_;
};

TEST_F(DeadlineStoreTest, AppliesOnceAndListsTheDeadline) {
  auto e = Registered("case_a");
  auto first = Apply({&e});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1);
  auto again = Apply({&e});  // the relay redelivers
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  auto list = store_->ListForCase("case_a");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].kind, "ACCEPTANCE");
  EXPECT_EQ((*list)[0].due_date, absl::CivilDay(2026, 3, 17));
  EXPECT_FALSE((*list)[0].met_at.has_value());
}

TEST_F(DeadlineStoreTest, ASecondRegistrationOfACaseIsADuplicate) {
  auto b1 = Registered("case_b");
  auto b2 = Registered("case_b");  // sequence 1 again, under a new event id
  ASSERT_EQ(*Apply({&b1}), 1);
  auto dup = Apply({&b2});
  ASSERT_TRUE(dup.ok()) << dup.status();
  EXPECT_EQ(*dup, 0);
  EXPECT_EQ(LastSequence("case_b"), 1);
}

TEST_F(DeadlineStoreTest, EveryKindOfEventAdvancesTheCaseInOrder) {
  auto reg = Registered("case_k");
  ASSERT_EQ(*Apply({&reg}), 1);
  std::vector<petition::v1::CaseEvent> events;
  for (int64_t seq = 2; seq <= 11; ++seq) events.push_back(Next("case_k", seq));
  events[0].mutable_updated()->set_category("LAND");
  events[1].mutable_accepted()->add_handling_unit_ids("unit_x");
  events[2].mutable_opinion_submitted()->set_opinion_id("op1");
  events[3].mutable_opinion_approved()->set_opinion_id("op1");
  events[4].mutable_answered()->set_opinion_id("op1");
  events[5].mutable_review_requested();
  events[6].mutable_concluded();
  events[7].mutable_withdrawn()->set_reason("r");
  events[8].mutable_rated()->set_rating("SATISFIED");
  // events[9] has no kind this build knows: recorded all the same.
  std::vector<const petition::v1::CaseEvent*> ptrs;
  for (const auto& e : events) ptrs.push_back(&e);
  auto applied = Apply(ptrs);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 10);
  EXPECT_EQ(LastSequence("case_k"), 11);
  auto list = store_->ListForCase("case_k");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)[0].state, "MET");  // accepted on 03-10, due 03-17
  EXPECT_TRUE((*list)[0].met_at.has_value());
  auto units = store_->UnitsOfCase("case_k");
  ASSERT_TRUE(units.ok());
  EXPECT_EQ(units->handling, std::vector<std::string>{"unit_x"});
  // The whole batch again: every event a duplicate.
  EXPECT_EQ(*Apply(ptrs), 0);
}

TEST_F(DeadlineStoreTest, ADeclineAfterTheDueDateIsMissed) {
  auto reg = Registered("case_m");
  auto declined = Next("case_m", 2);
  declined.mutable_declined()->set_route("LITIGATION");
  DeadlineStore::Application r = For(&reg);
  DeadlineStore::Application d = For(&declined, absl::CivilDay(2026, 3, 18));
  ASSERT_EQ(*store_->ApplyEvents({r, d}), 2);
  auto list = store_->ListForCase("case_m");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)[0].state, "MISSED");
}

TEST_F(DeadlineStoreTest, AGapIsRefusedAndNothingKept) {
  auto reg = Registered("case_g");
  ASSERT_EQ(*Apply({&reg}), 1);
  auto third = Next("case_g", 3);
  third.mutable_concluded();
  EXPECT_EQ(Apply({&third}).status().code(), absl::StatusCode::kFailedPrecondition);
  // Not registered yet: refused too.
  auto orphan = Next("case_none", 2);
  EXPECT_EQ(Apply({&orphan}).status().code(), absl::StatusCode::kFailedPrecondition);
  // Once the gap is filled, the same event applies.
  auto second = Next("case_g", 2);
  second.mutable_accepted();
  auto healed = Apply({&second, &third});
  ASSERT_TRUE(healed.ok()) << healed.status();
  EXPECT_EQ(*healed, 2);
  EXPECT_EQ(LastSequence("case_g"), 3);
  // An older sequence under a new id is a duplicate, not an error.
  auto stale = Next("case_g", 2);
  stale.mutable_accepted();
  EXPECT_EQ(*Apply({&stale}), 0);
}

TEST_F(DeadlineStoreTest, ABatchIsAllOrNothing) {
  auto d = Registered("case_d");
  auto e = Registered("case_e");
  auto gap = Next("case_d", 3);  // sequence 2 of case_d is missing
  EXPECT_EQ(Apply({&d, &e, &gap}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->ListForCase("case_e").status().code(), absl::StatusCode::kNotFound);
  auto applied = Apply({&d, &e, &d});  // a redelivery inside one batch counts once
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 2);
  EXPECT_TRUE(store_->ListForCase("case_e").ok());
}

TEST_F(DeadlineStoreTest, UnknownCaseIsNotFound) {
  EXPECT_EQ(store_->ListForCase("case_none").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace petition::supervision

namespace petition::supervision {
namespace {

// The overdue list (all units, and per unit) reads pending rows past due in
// due-date order, page after page, before the scanner has moved any state.
TEST_F(DeadlineStoreTest, OverdueListPerUnitPagesByDueDate) {
  std::vector<petition::v1::CaseEvent> events;
  for (const char* id : {"case_1", "case_2", "case_3", "case_other"}) {
    auto e = Registered(id);
    e.mutable_registered()->add_handling_unit_ids(std::string(id) == "case_other" ? "unit_b"
                                                                                  : "unit_a");
    events.push_back(e);
  }
  std::vector<const petition::v1::CaseEvent*> pointers;
  for (const auto& e : events) pointers.push_back(&e);
  ASSERT_TRUE(Apply(pointers).ok());
  DeadlineFilter filter;
  filter.state = "OVERDUE";
  filter.today = absl::CivilDay(2026, 3, 18);  // the day after ACCEPTANCE's due date
  filter.unit_id = "unit_a";
  filter.page_size = 2;
  auto first = store_->ListDeadlines(filter);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].case_id, "case_1");
  filter.after = std::make_tuple((*first)[1].due_date, (*first)[1].case_id, (*first)[1].kind);
  auto second = store_->ListDeadlines(filter);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].case_id, "case_3");
  filter.unit_id.clear();
  filter.after.reset();
  filter.page_size = 10;
  EXPECT_EQ(store_->ListDeadlines(filter)->size(), 4u);
  // The case's units change (acceptance): its rows move to the new unit's list.
  ASSERT_TRUE(pool_
                  ->Transact([](pqxx::transaction_base& tx) -> absl::Status {
                    tx.exec(
                        "UPDATE case_tracks SET handling_unit_ids = '{unit_b}' "
                        "WHERE case_id = 'case_3'");
                    return absl::OkStatus();
                  })
                  .ok());
  filter.unit_id = "unit_b";
  auto b = store_->ListDeadlines(filter);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].case_id, "case_3");
  filter.unit_id = "unit_a";
  EXPECT_EQ(store_->ListDeadlines(filter)->size(), 2u);
  filter.unit_id.clear();
  // On the due date itself nothing is overdue yet; the rows read OPEN.
  filter.today = absl::CivilDay(2026, 3, 17);
  EXPECT_TRUE(store_->ListDeadlines(filter)->empty());
  filter.state = "OPEN";
  EXPECT_EQ(store_->ListDeadlines(filter)->size(), 4u);
  // Every state of one unit: its cases' deadlines, but never the leaders'
  // APPROVAL nor the reviewing body's REVIEW_ANSWER.
  ASSERT_TRUE(pool_
                  ->Transact([](pqxx::transaction_base& tx) -> absl::Status {
                    tx.exec(
                        "INSERT INTO deadlines (case_id, kind, start_date, due_date, state) "
                        "VALUES ('case_1', 'APPROVAL', '2026-03-10', '2026-03-17', 'OPEN'), "
                        "('case_1', 'REVIEW_ANSWER', '2026-03-10', '2026-03-17', 'OPEN')");
                    return absl::OkStatus();
                  })
                  .ok());
  filter.state.clear();
  filter.unit_id = "unit_a";
  auto every = store_->ListDeadlines(filter);
  ASSERT_TRUE(every.ok()) << every.status();
  ASSERT_EQ(every->size(), 2u);
  for (const DeadlineRecord& d : *every) EXPECT_EQ(d.kind, "ACCEPTANCE");
  filter.unit_id.clear();
  // The leaders' and the reviewing body's among all.
  EXPECT_EQ(store_->ListDeadlines(filter)->size(), 6u);
  auto in_units = pool_->Read([](pqxx::transaction_base& tx) -> absl::StatusOr<int64_t> {
    return tx
        .exec1("SELECT count(*) FROM deadline_units WHERE kind IN ('APPROVAL', 'REVIEW_ANSWER')")[0]
        .as<int64_t>();
  });
  ASSERT_TRUE(in_units.ok()) << in_units.status();
  EXPECT_EQ(*in_units, 0);
}

// 异议 (A23): the township's objection period is a right, not a duty. Met
// by the objection; closed EXPIRED (not MET, not pending) by an acceptance;
// past its due date unused EXPIRED by the scanner, never OVERDUE, never an
// order; never in a unit's index of pending deadlines.
TEST_F(DeadlineStoreTest, TheObjectionPeriodIsAWindowNobodyOwes) {
  DeadlineRecord objection;
  objection.kind = "OBJECTION";
  objection.start_date = absl::CivilDay(2026, 3, 2);
  objection.due_date = absl::CivilDay(2026, 3, 9);
  auto transfer = [&](const std::string& case_id) {
    petition::v1::CaseEvent e = Registered(case_id);
    e.mutable_registered()->set_source("COUNTY_TRANSFER");
    e.mutable_registered()->add_handling_unit_ids("unit_o");
    return e;
  };
  auto opened = [&](const petition::v1::CaseEvent* e) {
    DeadlineStore::Application app = For(e);
    app.open.push_back(objection);
    return app;
  };
  auto state_of = [&](const std::string& case_id) -> std::string {
    auto list = store_->ListForCase(case_id);
    EXPECT_TRUE(list.ok()) << list.status();
    for (const DeadlineRecord& d : *list) {
      if (d.kind == "OBJECTION") return d.state + (d.met_at.has_value() ? "+met" : "");
    }
    return "none";
  };
  // Objected on its 3rd day: MET.
  auto reg1 = transfer("case_obj1");
  auto objected = Next("case_obj1", 2);
  objected.mutable_objected()->set_reason("r");
  DeadlineStore::Application met = For(&objected);
  met.meet = {"OBJECTION", "ACCEPTANCE", "COUNTY"};
  met.met_day = absl::CivilDay(2026, 3, 4);
  ASSERT_TRUE(store_->ApplyEvents({opened(&reg1), met}).ok());
  EXPECT_EQ(state_of("case_obj1"), "MET+met");
  // Accepted first: the right is gone, EXPIRED at once.
  auto reg2 = transfer("case_obj2");
  auto accepted = Next("case_obj2", 2);
  accepted.mutable_accepted()->add_handling_unit_ids("unit_o");
  DeadlineStore::Application acc = For(&accepted, absl::CivilDay(2026, 3, 3));
  acc.expire = {"OBJECTION"};
  ASSERT_TRUE(store_->ApplyEvents({opened(&reg2), acc}).ok());
  EXPECT_EQ(state_of("case_obj2"), "EXPIRED");
  // Left unused past its due date: the scanner lets it lapse, no order.
  auto reg3 = transfer("case_obj3");
  ASSERT_TRUE(store_->ApplyEvents({opened(&reg3)}).ok());
  auto in_units = pool_->Read([](pqxx::transaction_base& tx) -> absl::StatusOr<int64_t> {
    return tx.exec1("SELECT count(*) FROM deadline_units WHERE kind = 'OBJECTION'")[0]
        .as<int64_t>();
  });
  ASSERT_TRUE(in_units.ok()) << in_units.status();
  EXPECT_EQ(*in_units, 0);
  auto scanned =
      store_->ScanBatch(absl::CivilDay(2026, 3, 10), {}, OrderDueDates{}, absl::Now(), 100);
  ASSERT_TRUE(scanned.ok()) << scanned.status();
  EXPECT_EQ(state_of("case_obj3"), "EXPIRED");
  EXPECT_EQ(state_of("case_obj1"), "MET+met");  // what was decided stands
  EXPECT_EQ(state_of("case_obj2"), "EXPIRED");
  auto orders = pool_->Read([](pqxx::transaction_base& tx) -> absl::StatusOr<int64_t> {
    return tx.exec1("SELECT count(*) FROM supervision_orders WHERE deadline_kind = 'OBJECTION'")[0]
        .as<int64_t>();
  });
  ASSERT_TRUE(orders.ok()) << orders.status();
  EXPECT_EQ(*orders, 0);
  DeadlineFilter overdue;
  overdue.state = "OVERDUE";
  overdue.today = absl::CivilDay(2026, 3, 10);
  overdue.kind = "OBJECTION";
  auto listed = store_->ListDeadlines(overdue);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(listed->empty());
}

// A30: whichever list shape a reader of the reported unit asks for, the
// deadlines of a case that reports their unit are not in it, and the page is
// filled with the next rows instead (its size says nothing of what was left
// out).
TEST_F(DeadlineStoreTest, ListsLeaveOutTheReportsOfTheReadersUnit) {
  std::vector<petition::v1::CaseEvent> events;
  for (const char* id : {"case_1", "case_report", "case_3"}) {
    auto e = Registered(id);
    e.mutable_registered()->add_handling_unit_ids("unit_a");
    if (std::string(id) == "case_report") {
      e.mutable_registered()->add_reported_unit_ids("unit_accused");
    }
    events.push_back(e);
  }
  std::vector<const petition::v1::CaseEvent*> pointers;
  for (const auto& e : events) pointers.push_back(&e);
  ASSERT_TRUE(Apply(pointers).ok());
  auto ids = [&](const DeadlineFilter& filter) {
    std::vector<std::string> out;
    auto rows = store_->ListDeadlines(filter);
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (rows.ok()) {
      for (const DeadlineRecord& d : *rows) out.push_back(d.case_id);
    }
    return out;
  };
  const std::vector<std::string> all = {"case_1", "case_3", "case_report"};
  const std::vector<std::string> without = {"case_1", "case_3"};
  for (const char* state : {"", "OVERDUE", "OPEN"}) {
    for (const char* unit : {"", "unit_a"}) {
      DeadlineFilter filter;
      filter.state = state;
      // OVERDUE the day after ACCEPTANCE's due date, OPEN before it.
      filter.today =
          std::string(state) == "OPEN" ? absl::CivilDay(2026, 3, 10) : absl::CivilDay(2026, 3, 18);
      filter.unit_id = unit;
      filter.page_size = 10;
      SCOPED_TRACE(absl::StrCat("state '", state, "' unit '", unit, "'"));
      std::vector<std::string> seen = ids(filter);
      std::sort(seen.begin(), seen.end());
      EXPECT_EQ(seen, all);
      filter.hidden_unit = "unit_accused";
      seen = ids(filter);
      std::sort(seen.begin(), seen.end());
      EXPECT_EQ(seen, without);
      filter.page_size = 2;  // a full page of what may be seen
      seen = ids(filter);
      std::sort(seen.begin(), seen.end());
      EXPECT_EQ(seen, without);
      filter.hidden_unit = "unit_a";  // another unit's reader: nothing hidden
      filter.page_size = 10;
      EXPECT_EQ(ids(filter).size(), 3u);
    }
  }
}

// No list of deadlines needs to read the whole table: with sequential scans
// off, the generic plan of each overdue list uses indexes only.
TEST_F(DeadlineStoreTest, TheOverdueListsAreIndexServed) {
  for (const PgStatement& statement : DeadlineStore::Statements()) {
    const std::string name = statement.name;
    std::string args;
    if (name == "supervision_list_overdue") {
      args = "('2026-03-18', '', '0001-01-01', '', '', 50, 'unit_reported')";
    } else if (name == "supervision_list_overdue_for_unit") {
      args = "('2026-03-18', 'unit_a', '', '0001-01-01', '', '', 50, 'unit_reported')";
    } else {
      continue;
    }
    auto plan = pool_->Read([&](pqxx::transaction_base& tx) -> absl::StatusOr<std::string> {
      tx.exec("SET LOCAL enable_seqscan = off");
      tx.exec("SET LOCAL plan_cache_mode = force_generic_plan");
      tx.exec(std::string("PREPARE plan_check AS ") + statement.sql);
      std::string text;
      for (const auto& row : tx.exec("EXPLAIN EXECUTE plan_check" + args)) {
        text += row[0].as<std::string>() + "\n";
      }
      tx.exec("DEALLOCATE plan_check");
      return text;
    });
    ASSERT_TRUE(plan.ok()) << plan.status();
    EXPECT_EQ(plan->find("Seq Scan"), std::string::npos) << name << ":\n" << *plan;
    const std::string index =
        name == "supervision_list_overdue" ? "deadlines_pending_due" : "deadline_units_pkey";
    EXPECT_NE(plan->find(index), std::string::npos) << name << ":\n" << *plan;
  }
}

// A case accepted with a HANDLING deadline due 2026-03-17.
class ExtensionStoreTest : public DeadlineStoreTest {
 protected:
  void Accept(const std::string& case_id) {
    auto reg = Registered(case_id);
    auto acc = Next(case_id, 2);
    acc.mutable_accepted()->set_complexity("COMPLEX");
    DeadlineStore::Application app = For(&acc);
    DeadlineRecord handling;
    handling.kind = "HANDLING";
    handling.start_date = absl::CivilDay(2026, 1, 16);
    handling.due_date = kDue;
    handling.limit = Limit{60, DayUnit::kCalendarDays};
    app.open.push_back(handling);
    ASSERT_TRUE(store_->ApplyEvents({For(&reg), app}).ok());
  }
  DeadlineStore::ExtensionRecord Ext(const std::string& case_id, const std::string& request_id) {
    DeadlineStore::ExtensionRecord e;
    e.case_id = case_id;
    e.days = 10;
    e.reason = "需会同多个部门核实";
    e.old_due_date = kDue;
    e.new_due_date = kDue + 10;
    e.granted_by = "off_leader";
    e.request_id = request_id;
    e.granted_at = absl::FromUnixSeconds(1773000000);
    return e;
  }
  static RequestKey Key(const std::string& subject, const std::string& id) {
    return RequestKey{subject, "CreateExtension", id, "sha-of-the-body"};
  }
  static constexpr absl::CivilDay kDue = absl::CivilDay(2026, 3, 17);
};

TEST_F(ExtensionStoreTest, OnTheDueDateGrantedTheDayAfterRefusedNamingIt) {
  Accept("case_late");
  auto late = store_->GrantExtension(Ext("case_late", ""), kDue, kDue + 1, Key("off_leader", ""),
                                     "payload");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("2026-03-17"), std::string::npos) << late.status();
  EXPECT_EQ(store_->GetDeadline("case_late", "HANDLING")->due_date, kDue);  // nothing written
  Accept("case_on_time");
  auto granted =
      store_->GrantExtension(Ext("case_on_time", ""), kDue, kDue, Key("off_leader", ""), "payload");
  ASSERT_TRUE(granted.ok()) << granted.status();
  EXPECT_EQ(store_->GetDeadline("case_on_time", "HANDLING")->due_date, kDue + 10);
}

// The scanner saw it overdue: it stays overdue, whatever day the caller read.
TEST_F(ExtensionStoreTest, ADeadlineThatWentOverdueIsNeverExtended) {
  Accept("case_o");
  ASSERT_TRUE(pool_
                  ->Transact([](pqxx::transaction_base& tx) -> absl::Status {
                    tx.exec0(
                        "UPDATE deadlines SET state = 'OVERDUE' WHERE case_id = 'case_o' "
                        "AND kind = 'HANDLING'");
                    return absl::OkStatus();
                  })
                  .ok());
  auto refused =
      store_->GrantExtension(Ext("case_o", ""), kDue, kDue - 3, Key("off_leader", ""), "payload");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_EQ(store_->GetDeadline("case_o", "HANDLING")->state, "OVERDUE");
}

TEST_F(ExtensionStoreTest, ARequestIdAnswersItsOwnCallerOnly) {
  Accept("case_r");
  ASSERT_TRUE(store_
                  ->GrantExtension(Ext("case_r", "ext-1"), kDue, kDue - 3,
                                   Key("off_leader", "ext-1"), "payload")
                  .ok());
  // Looked up first: the same caller's id gives the first extension...
  auto replay = store_->ExtensionOfRequest(Key("off_leader", "ext-1"));
  ASSERT_TRUE(replay.ok()) << replay.status();
  ASSERT_TRUE(replay->has_value());
  EXPECT_EQ((*replay)->new_due_date, kDue + 10);
  // ...even once the date has passed (a retry is not a new extension).
  auto again = store_->GrantExtension(Ext("case_r", "ext-1"), kDue + 10, kDue + 30,
                                      Key("off_leader", "ext-1"), "payload");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->new_due_date, kDue + 10);
  // Another caller with the same id: nothing of the first; a new request,
  // refused because the case had its one extension.
  auto other = store_->ExtensionOfRequest(Key("off_other", "ext-1"));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  EXPECT_EQ(store_
                ->GrantExtension(Ext("case_r", "ext-1"), kDue + 10, kDue - 3,
                                 Key("off_other", "ext-1"), "payload")
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  // The same caller's id with another body: 409.
  RequestKey changed = Key("off_leader", "ext-1");
  changed.sha256 = "another-body";
  EXPECT_EQ(store_->ExtensionOfRequest(changed).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE(store_->ExtensionOfRequest(Key("off_leader", ""))->has_value());
}

}  // namespace
}  // namespace petition::supervision
