#include "common/domain_gauges.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace petition {

DomainGauges::Query DomainGauges::Sql(std::string sql) {
  return [sql = std::move(sql)](pqxx::transaction_base& tx) { return tx.exec(sql); };
}

DomainGauges::DomainGauges(PgPool* pool, prometheus::Registry* registry, absl::Duration interval)
    : pool_(pool), registry_(registry), interval_(interval) {
  errors_ = &prometheus::BuildCounter()
                 .Name("petition_domain_gauge_errors_total")
                 .Help("Refreshes of a domain gauge that failed (it keeps its last values).")
                 .Register(*registry_);
  last_success_ = &prometheus::BuildGauge()
                       .Name("petition_domain_gauges_refreshed_timestamp_seconds")
                       .Help("When every domain gauge was last refreshed without error.")
                       .Register(*registry_)
                       .Add({});
}

DomainGauges::~DomainGauges() { Stop(); }

void DomainGauges::Add(Spec spec) {
  Gauge gauge;
  gauge.family = &prometheus::BuildGauge().Name(spec.name).Help(spec.help).Register(*registry_);
  gauge.spec = std::move(spec);
  gauges_.push_back(std::move(gauge));
}

void DomainGauges::AddComputed(Spec spec, Compute compute) {
  Add(std::move(spec));
  gauges_.back().compute = std::move(compute);
}

absl::StatusOr<DomainGauges::Values> DomainGauges::Evaluate(const Gauge& gauge,
                                                            pqxx::transaction_base& tx) {
  const Spec& spec = gauge.spec;
  // In a savepoint of the refresh's one transaction: a query that fails leaves the others.
  pqxx::result rows;
  try {
    tx.exec("SAVEPOINT gauge");
    rows = spec.query(tx);
    tx.exec("RELEASE SAVEPOINT gauge");
  } catch (const pqxx::broken_connection&) {
    throw;  // the transaction is gone: every gauge fails
  } catch (const std::exception& e) {
    tx.exec("ROLLBACK TO SAVEPOINT gauge");
    log::Warn("domain gauge query failed", {{"gauge", spec.name}, {"error", e.what()}});
    return absl::InternalError(absl::StrCat(spec.name, ": the query failed"));
  }
  const size_t n = spec.labels.size();
  if (rows.columns() != n + 1) {
    return absl::InternalError(
        absl::StrCat(spec.name, ": the query returns ", rows.columns(), " columns, not ", n + 1));
  }
  Values values;
  for (const pqxx::row& row : rows) {
    std::vector<std::string> key;
    key.reserve(n);
    for (size_t i = 0; i < n; ++i) key.push_back(row[static_cast<int>(i)].c_str());
    const pqxx::field v = row[static_cast<int>(n)];
    values[key] = v.is_null() ? 0.0 : v.as<double>();
  }
  return values;
}

absl::Status DomainGauges::Apply(Gauge& gauge, const absl::StatusOr<Values>& computed) {
  if (!computed.ok()) return computed.status();
  const Values& values = *computed;
  const size_t n = gauge.spec.labels.size();
  for (const auto& [key, value] : values) {
    if (key.size() != n) {
      return absl::InternalError(
          absl::StrCat(gauge.spec.name, ": a series has ", key.size(), " label values, not ", n));
    }
  }
  for (auto& [key, series] : gauge.series) {
    if (values.count(key) == 0) series->Set(0);
  }
  for (const auto& [key, value] : values) {
    auto it = gauge.series.find(key);
    if (it == gauge.series.end()) {
      std::map<std::string, std::string> labels;
      for (size_t i = 0; i < n; ++i) labels[gauge.spec.labels[i]] = key[i];
      it = gauge.series.emplace(key, &gauge.family->Add(labels)).first;
    }
    it->second->Set(value);
  }
  return absl::OkStatus();
}

absl::Status DomainGauges::RefreshOnce() {
  absl::MutexLock lock(&refresh_mu_);
  // Every query in one read-only transaction: one commit per refresh, however many gauges.
  std::vector<absl::StatusOr<Values>> results(gauges_.size(), absl::InternalError("not run"));
  if (std::any_of(gauges_.begin(), gauges_.end(), [](const Gauge& g) { return !g.compute; })) {
    TxOptions options;  // bounded, so a slow query never piles up behind the next refresh
    options.deadline = absl::Now() + std::max(interval_, absl::Seconds(5));
    options.max_attempts = 1;
    using Results = std::vector<absl::StatusOr<Values>>;
    auto read = pool_->Read(
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<Results> {
          Results out(gauges_.size(), absl::InternalError("not run"));
          for (size_t i = 0; i < gauges_.size(); ++i) {
            if (!gauges_[i].compute) out[i] = Evaluate(gauges_[i], tx);
          }
          return out;
        },
        options);
    for (size_t i = 0; i < gauges_.size(); ++i) {
      if (gauges_[i].compute) continue;
      results[i] = read.ok() ? std::move((*read)[i]) : absl::StatusOr<Values>(read.status());
    }
  }
  absl::Status first;
  for (size_t i = 0; i < gauges_.size(); ++i) {
    Gauge& gauge = gauges_[i];
    absl::Status s;
    try {
      s = Apply(gauge, gauge.compute ? gauge.compute() : std::move(results[i]));
    } catch (const std::exception& e) {  // a value that is not a number, say
      s = absl::InternalError(absl::StrCat(gauge.spec.name, ": ", e.what()));
    }
    if (!s.ok()) {
      errors_->Add({{"gauge", gauge.spec.name}}).Increment();
      log::Warn("domain gauge not refreshed",
                {{"gauge", gauge.spec.name}, {"error", s.ToString()}});
      if (first.ok()) first = s;
    }
  }
  if (first.ok()) last_success_->Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  return first;
}

void DomainGauges::Start() {
  if (gauges_.empty()) return;
  thread_ = std::thread([this] { Run(); });
}

void DomainGauges::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void DomainGauges::Run() {
  while (true) {
    RefreshOnce().IgnoreError();  // logged and counted
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_);
    if (stopping_) return;
  }
}

}  // namespace petition
