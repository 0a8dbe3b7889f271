// The monitoring configuration the tests read: the PromQL expressions of the alert rules
// (deploy/prometheus/alerts.yml) and of the Grafana dashboard (deploy/grafana/dashboard.json).
#ifndef PETITION_TESTS_SUPPORT_MONITORING_CONFIG_H_
#define PETITION_TESTS_SUPPORT_MONITORING_CONFIG_H_

#include <set>
#include <string>
#include <vector>

#include "google/protobuf/struct.pb.h"

namespace petition::testing {

// The repository (PETITION_SOURCE_DIR, else the source tree the tests were built from).
std::string SourceDir();
// A file's content; fails the calling test when unreadable.
std::string ReadFile(const std::string& path);

// The expressions of alerts.yml: the value of every `expr:` key, a block scalar (| or >)
// included; and the names of recording rules.
void ReadAlertRules(const std::string& yaml, std::vector<std::string>* exprs,
                    std::set<std::string>* recorded);

// The expressions of the dashboard: every "expr", and the metric of label_values(...) queries.
void CollectDashboardExprs(const google::protobuf::Value& v, std::vector<std::string>* exprs);

}  // namespace petition::testing

#endif  // PETITION_TESTS_SUPPORT_MONITORING_CONFIG_H_
