// A30 in SQL: a case that reports a unit is hidden entirely from that unit's
// officials (common/case_visibility.h), so every list, count and link that
// such an official reads leaves it out in the statement itself: pages stay
// full and their tokens say nothing of what was left out.
#ifndef PETITION_SERVICES_SUPERVISION_STORE_HIDDEN_REPORTS_SQL_H_
#define PETITION_SERVICES_SUPERVISION_STORE_HIDDEN_REPORTS_SQL_H_

// True unless the case in column `case_column` reports the unit in parameter
// `param` ('' for a reader without a unit: nothing is hidden). Reads
// case_tracks by primary key.
#define NOT_REPORTING_UNIT(case_column, param)                                                \
  "(" param                                                                                   \
  " = '' OR NOT EXISTS (SELECT 1 FROM case_tracks hidden WHERE hidden.case_id = " case_column \
  " AND " param " = ANY(hidden.reported_unit_ids)))"

#endif  // PETITION_SERVICES_SUPERVISION_STORE_HIDDEN_REPORTS_SQL_H_
