// DeadlineStore's SQL for supervision orders (督办) and the six duties (六包).
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/pg_array.h"
#include "services/supervision/domain/escalation_ladder.h"
#include "services/supervision/store/deadline_store.h"
#include "services/supervision/store/hidden_reports_sql.h"

namespace petition::supervision {
namespace {

constexpr char kInsertOrder[] = "supervision_insert_order";
constexpr char kInsertStep[] = "supervision_insert_order_step";
constexpr char kSelectOrder[] = "supervision_select_order";
constexpr char kSelectSteps[] = "supervision_select_order_steps";
constexpr char kSelectStepsOf[] = "supervision_select_steps_of_orders";
constexpr char kListOrders[] = "supervision_list_orders";
constexpr char kRespondOrder[] = "supervision_respond_order";
constexpr char kCloseOrder[] = "supervision_close_order";
constexpr char kCaseExists[] = "supervision_case_exists";
constexpr char kAutoOrders[] = "supervision_auto_orders";
constexpr char kPickOverdueOrders[] = "supervision_pick_overdue_orders";
constexpr char kEscalateOrder[] = "supervision_escalate_order";
constexpr char kSelectDuties[] = "supervision_select_duties";
constexpr char kUpsertDuty[] = "supervision_upsert_duty";
constexpr char kSetLeader[] = "supervision_set_leader";

#define ORDER_COLUMNS                                                                      \
  "order_id, case_id, unit_id, level, to_char(due_date, 'YYYY-MM-DD') AS due_date, note, " \
  "state, coalesce(deadline_kind, '') AS deadline_kind, automatic, response, created_at, " \
  "created_by, responded_at, coalesce(request_id, '') AS request_id"

absl::StatusOr<OrderRecord> OrderFromRow(const pqxx::row& row) {
  OrderRecord o;
  o.order_id = row["order_id"].as<std::string>();
  o.case_id = row["case_id"].as<std::string>();
  o.unit_id = row["unit_id"].as<std::string>();
  o.level = row["level"].as<std::string>();
  auto due = ParseDate(row["due_date"].as<std::string>());
  auto created = ParseSqlTimestamp(row["created_at"].c_str());
  if (!due.ok() || !created.ok()) return absl::DataLossError("bad supervision order row");
  o.due_date = *due;
  o.created_at = *created;
  o.note = row["note"].as<std::string>();
  o.state = row["state"].as<std::string>();
  o.deadline_kind = row["deadline_kind"].as<std::string>();
  o.automatic = row["automatic"].as<bool>();
  o.response = row["response"].as<std::string>();
  o.created_by = row["created_by"].as<std::string>();
  if (!row["responded_at"].is_null()) {
    auto at = ParseSqlTimestamp(row["responded_at"].c_str());
    if (!at.ok()) return absl::DataLossError("bad supervision order row");
    o.responded_at = *at;
  }
  o.request_id = row["request_id"].as<std::string>();
  return o;
}

}  // namespace

// accountability_store.cc
absl::StatusOr<std::optional<std::string>> ClaimRequestInTx(pqxx::transaction_base& tx,
                                                            const RequestKey& key,
                                                            const std::string& resource);

namespace {

// The order with its steps, read in `tx`; NOT_FOUND when there is none.
absl::StatusOr<OrderRecord> ReadOrder(pqxx::transaction_base& tx, const std::string& order_id) {
  pqxx::result rows = tx.exec_prepared(kSelectOrder, order_id);
  if (rows.empty()) return absl::NotFoundError("no such supervision order");
  auto o = OrderFromRow(rows[0]);
  if (!o.ok()) return o.status();
  for (const auto& step : tx.exec_prepared(kSelectSteps, order_id)) {
    auto at = ParseSqlTimestamp(step["at"].c_str());
    if (!at.ok()) return absl::DataLossError("bad order step row");
    o->steps.push_back({step["level"].as<std::string>(), *at, step["reason"].as<std::string>()});
  }
  return o;
}

}  // namespace

const std::vector<PgStatement>& OrderStatements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      {kInsertOrder,
       "INSERT INTO supervision_orders (order_id, case_id, unit_id, level, due_date, note, "
       "state, automatic, created_at, created_by, request_id) "
       "VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', false, $7, $8, nullif($9, ''))"},
      {kInsertStep,
       "INSERT INTO order_steps (order_id, level, at, reason) VALUES ($1, $2, $3, $4)"},
      {kSelectOrder, "SELECT " ORDER_COLUMNS " FROM supervision_orders WHERE order_id = $1"},
      {kSelectSteps, "SELECT level, at, reason FROM order_steps WHERE order_id = $1 ORDER BY id"},
      {kSelectStepsOf,
       "SELECT order_id, level, at, reason FROM order_steps WHERE order_id = ANY($1::text[]) "
       "ORDER BY order_id, id"},
      {kListOrders,
       "SELECT " ORDER_COLUMNS " FROM supervision_orders WHERE ($1 = '' OR case_id = $1) "
       "AND ($2 = '' OR unit_id = $2) AND ($3 = '' OR state = $3) AND order_id > $4 "
       "AND " NOT_REPORTING_UNIT("supervision_orders.case_id", "$6") " "
                                                                     "ORDER BY order_id LIMIT $5"},
      {kRespondOrder,
       "UPDATE supervision_orders SET state = 'RESPONDED', response = $2, responded_at = $3 "
       "WHERE order_id = $1 AND state = 'OPEN' RETURNING order_id"},
      {kCloseOrder,
       "UPDATE supervision_orders SET state = 'CLOSED', closed_at = $3, "
       "note = CASE WHEN $2 = '' THEN note ELSE note || E'\\n' || $2 END "
       "WHERE order_id = $1 AND state <> 'CLOSED' RETURNING order_id"},
      {kCaseExists, "SELECT 1 FROM case_tracks WHERE case_id = $1"},
      // One REMINDER per deadline that became OVERDUE ($1/$2: case ids and
      // kinds), to the case's first handling unit; its opening is its first step.
      {kAutoOrders,
       "WITH due AS (SELECT * FROM unnest($1::text[], $2::text[]) AS t(case_id, kind)), "
       "made AS (INSERT INTO supervision_orders (order_id, case_id, unit_id, level, due_date, "
       "note, state, deadline_kind, automatic, created_at, created_by) "
       "SELECT 'ord_' || md5(d.case_id || ':' || d.kind), d.case_id, "
       "coalesce(t.handling_unit_ids[1], ''), 'REMINDER', $3::date, "
       "d.kind || ' deadline overdue', 'OPEN', d.kind, true, $4, 'supervision' "
       "FROM due d JOIN case_tracks t ON t.case_id = d.case_id "
       "ON CONFLICT (case_id, deadline_kind) WHERE automatic DO NOTHING RETURNING order_id) "
       "INSERT INTO order_steps (order_id, level, at, reason) "
       "SELECT order_id, 'REMINDER', $4, 'opened: deadline overdue' FROM made RETURNING order_id"},
      {kPickOverdueOrders,
       "SELECT order_id, level FROM supervision_orders WHERE state = 'OPEN' AND due_date < $1 "
       "AND level <> 'SUMMONS' ORDER BY due_date LIMIT $2 FOR UPDATE SKIP LOCKED"},
      {kEscalateOrder,
       "UPDATE supervision_orders SET level = $2, due_date = $3 WHERE order_id = $1"},
      {kSelectDuties,
       "SELECT t.leader_id, r.duty, r.done, r.note, r.marked_by, r.marked_at "
       "FROM case_tracks t LEFT JOIN responsibilities r ON r.case_id = t.case_id "
       "WHERE t.case_id = $1 ORDER BY r.duty"},
      {kUpsertDuty,
       "INSERT INTO responsibilities (case_id, duty, done, note, marked_by, marked_at) "
       "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id, duty) DO UPDATE SET "
       "done = EXCLUDED.done, note = EXCLUDED.note, marked_by = EXCLUDED.marked_by, "
       "marked_at = EXCLUDED.marked_at"},
      {kSetLeader, "UPDATE case_tracks SET leader_id = $2 WHERE case_id = $1"},
  };
  return *kStatements;
}

void SetLeaderInTx(pqxx::transaction_base& tx, const std::string& case_id,
                   const std::string& leader_id) {
  tx.exec_prepared(kSetLeader, case_id, leader_id);
}

absl::StatusOr<std::pair<int, int>> OrdersInScanTx(pqxx::transaction_base& tx,
                                                   const std::vector<DeadlineRecord>& overdue,
                                                   absl::CivilDay today,
                                                   const OrderDueDates& order_due, absl::Time now,
                                                   int limit) {
  auto due_of = [&](const std::string& level) -> absl::StatusOr<std::string> {
    auto it = order_due.find(level);
    if (it == order_due.end()) {
      return absl::InternalError(absl::StrCat("no order due date for level ", level));
    }
    return FormatDate(it->second);
  };
  const std::string now_text = SqlTimestamp(now);
  int opened = 0;
  PgArrayBuilder cases, kinds;
  bool any = false;
  for (const DeadlineRecord& d : overdue) {
    if (d.kind != "HANDLING" && d.kind != "COUNTY") continue;
    cases.Add(d.case_id);
    kinds.Add(d.kind);
    any = true;
  }
  if (any) {
    auto due = due_of("REMINDER");
    if (!due.ok()) return due.status();
    opened = static_cast<int>(
        tx.exec_prepared(kAutoOrders, cases.Finish(), kinds.Finish(), *due, now_text).size());
  }
  int escalated = 0;
  for (const auto& row : tx.exec_prepared(kPickOverdueOrders, FormatDate(today), limit)) {
    const std::string id = row["order_id"].as<std::string>();
    auto next = NextLevel(row["level"].as<std::string>());
    if (!next.has_value()) continue;
    auto due = due_of(*next);
    if (!due.ok()) return due.status();
    tx.exec_prepared(kEscalateOrder, id, *next, *due);
    tx.exec_prepared(kInsertStep, id, *next, now_text, "not responded to by its due date");
    ++escalated;
  }
  return std::make_pair(opened, escalated);
}

absl::StatusOr<OrderRecord> DeadlineStore::CreateOrder(const OrderRecord& order,
                                                       const RequestKey& key,
                                                       const TxOptions& tx_options) {
  return pool_->Transact([&](pqxx::transaction_base& tx) { return CreateOrder(tx, order, key); },
                         tx_options);
}

absl::StatusOr<OrderRecord> DeadlineStore::CreateOrder(pqxx::transaction_base& tx,
                                                       const OrderRecord& order,
                                                       const RequestKey& key) {
  if (tx.exec_prepared(kCaseExists, order.case_id).empty()) {
    return absl::NotFoundError("no such case");
  }
  // The request id is the caller's (AIP-155), like every other one.
  auto prior = ClaimRequestInTx(tx, key, order.order_id);
  if (!prior.ok()) return prior.status();
  if (prior->has_value()) return ReadOrder(tx, **prior);
  const std::string created = SqlTimestamp(order.created_at);
  tx.exec_prepared(kInsertOrder, order.order_id, order.case_id, order.unit_id, order.level,
                   FormatDate(order.due_date), order.note, created, order.created_by,
                   order.request_id);
  tx.exec_prepared(kInsertStep, order.order_id, order.level, created,
                   "opened by " + order.created_by);
  return ReadOrder(tx, order.order_id);
}

absl::StatusOr<OrderRecord> DeadlineStore::GetOrder(const std::string& order_id,
                                                    const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return GetOrder(tx, order_id); },
                     tx_options);
}

absl::StatusOr<OrderRecord> DeadlineStore::GetOrder(pqxx::transaction_base& tx,
                                                    const std::string& order_id) {
  return ReadOrder(tx, order_id);
}

absl::StatusOr<std::vector<OrderRecord>> DeadlineStore::ListOrders(
    const std::string& case_id, const std::string& unit_id, const std::string& state,
    const std::string& after_order_id, int limit, const std::string& hidden_unit,
    const TxOptions& tx_options) {
  return pool_->Read(
      [&](pqxx::transaction_base& tx) {
        return ListOrders(tx, case_id, unit_id, state, after_order_id, limit, hidden_unit);
      },
      tx_options);
}

absl::StatusOr<std::vector<OrderRecord>> DeadlineStore::ListOrders(
    pqxx::transaction_base& tx, const std::string& case_id, const std::string& unit_id,
    const std::string& state, const std::string& after_order_id, int limit,
    const std::string& hidden_unit) {
  // The page, then the steps of all its orders: two statements, whatever the page's size.
  std::vector<OrderRecord> out;
  PgArrayBuilder ids;
  absl::flat_hash_map<std::string, size_t> index;
  for (const auto& row :
       tx.exec_prepared(kListOrders, case_id, unit_id, state, after_order_id, limit, hidden_unit)) {
    auto o = OrderFromRow(row);
    if (!o.ok()) return o.status();
    ids.Add(o->order_id);
    index.emplace(o->order_id, out.size());
    out.push_back(*std::move(o));
  }
  if (out.empty()) return out;
  for (const auto& step : tx.exec_prepared(kSelectStepsOf, ids.Finish())) {
    auto at = ParseSqlTimestamp(step["at"].c_str());
    if (!at.ok()) return absl::DataLossError("bad order step row");
    out[index.at(step["order_id"].as<std::string>())].steps.push_back(
        {step["level"].as<std::string>(), *at, step["reason"].as<std::string>()});
  }
  return out;
}

absl::StatusOr<OrderRecord> DeadlineStore::RespondOrder(const std::string& order_id,
                                                        const std::string& response, absl::Time now,
                                                        const RequestKey& key,
                                                        const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) { return RespondOrder(tx, order_id, response, now, key); },
      tx_options);
}

absl::StatusOr<OrderRecord> DeadlineStore::RespondOrder(pqxx::transaction_base& tx,
                                                        const std::string& order_id,
                                                        const std::string& response, absl::Time now,
                                                        const RequestKey& key) {
  auto prior = ClaimRequestInTx(tx, key, order_id);
  if (!prior.ok()) return prior.status();
  if (prior->has_value()) return ReadOrder(tx, **prior);
  if (tx.exec_prepared(kRespondOrder, order_id, response, SqlTimestamp(now)).empty()) {
    auto o = ReadOrder(tx, order_id);
    if (!o.ok()) return o.status();
    return absl::FailedPreconditionError("the order is not OPEN");
  }
  return ReadOrder(tx, order_id);
}

absl::StatusOr<OrderRecord> DeadlineStore::CloseOrder(const std::string& order_id,
                                                      const std::string& note, absl::Time now,
                                                      const RequestKey& key,
                                                      const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) { return CloseOrder(tx, order_id, note, now, key); },
      tx_options);
}

absl::StatusOr<OrderRecord> DeadlineStore::CloseOrder(pqxx::transaction_base& tx,
                                                      const std::string& order_id,
                                                      const std::string& note, absl::Time now,
                                                      const RequestKey& key) {
  auto prior = ClaimRequestInTx(tx, key, order_id);
  if (!prior.ok()) return prior.status();
  if (prior->has_value()) return ReadOrder(tx, **prior);
  if (tx.exec_prepared(kCloseOrder, order_id, note, SqlTimestamp(now)).empty()) {
    auto o = ReadOrder(tx, order_id);
    if (!o.ok()) return o.status();
    return absl::FailedPreconditionError("the order is CLOSED already");
  }
  return ReadOrder(tx, order_id);
}

absl::StatusOr<std::pair<std::string, std::vector<DutyRecord>>> DeadlineStore::GetDuties(
    const std::string& case_id, const TxOptions& tx_options) {
  return pool_->Read([&](pqxx::transaction_base& tx) { return GetDuties(tx, case_id); },
                     tx_options);
}

absl::StatusOr<std::pair<std::string, std::vector<DutyRecord>>> DeadlineStore::GetDuties(
    pqxx::transaction_base& tx, const std::string& case_id) {
  pqxx::result rows = tx.exec_prepared(kSelectDuties, case_id);
  if (rows.empty()) return absl::NotFoundError("no such case");
  std::pair<std::string, std::vector<DutyRecord>> out;
  out.first = rows[0]["leader_id"].as<std::string>();
  for (const auto& row : rows) {
    if (row["duty"].is_null()) continue;
    auto at = ParseSqlTimestamp(row["marked_at"].c_str());
    if (!at.ok()) return absl::DataLossError("bad duty row");
    out.second.push_back({row["duty"].as<std::string>(), row["done"].as<bool>(),
                          row["note"].as<std::string>(), row["marked_by"].as<std::string>(), *at});
  }
  return out;
}

absl::Status DeadlineStore::PutDuties(const std::string& case_id, const std::string& leader_id,
                                      const std::vector<DutyRecord>& marks, const RequestKey& key,
                                      const TxOptions& tx_options) {
  return pool_->Transact(
      [&](pqxx::transaction_base& tx) { return PutDuties(tx, case_id, leader_id, marks, key); },
      tx_options);
}

absl::Status DeadlineStore::PutDuties(pqxx::transaction_base& tx, const std::string& case_id,
                                      const std::string& leader_id,
                                      const std::vector<DutyRecord>& marks, const RequestKey& key) {
  if (tx.exec_prepared(kCaseExists, case_id).empty()) {
    return absl::NotFoundError("no such case");
  }
  auto prior = ClaimRequestInTx(tx, key, case_id);
  if (!prior.ok()) return prior.status();
  if (prior->has_value()) return absl::OkStatus();
  if (!leader_id.empty()) tx.exec_prepared(kSetLeader, case_id, leader_id);
  for (const DutyRecord& m : marks) {
    tx.exec_prepared(kUpsertDuty, case_id, m.duty, m.done, m.note, m.marked_by,
                     SqlTimestamp(m.marked_at));
  }
  return absl::OkStatus();
}

}  // namespace petition::supervision
