// Scheduling's directory of units, read over gRPC (scheduling owns it):
// which villages and departments owe a monthly screening report.
#ifndef PETITION_SERVICES_SUPERVISION_SERVICE_DIRECTORY_CLIENT_H_
#define PETITION_SERVICES_SUPERVISION_SERVICE_DIRECTORY_CLIENT_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "petition/v1/scheduling.grpc.pb.h"

namespace petition::supervision {

class UnitDirectory {
 public:
  virtual ~UnitDirectory() = default;
  // Every unit: (unit id, kind name), by unit id. UNAVAILABLE while
  // scheduling is down.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListUnits() = 0;
  // The unit's kind name; NOT_FOUND for an unknown unit.
  virtual absl::StatusOr<std::string> UnitKind(const std::string& unit_id) = 0;
  // The unit of an official; NOT_FOUND for an unknown official. A directory
  // that cannot tell answers UNIMPLEMENTED.
  virtual absl::StatusOr<std::string> OfficialUnit(const std::string& official_id) {
    return absl::UnimplementedError("this directory does not know officials");
  }
};

// Calendar versions: a year's version changes whenever its calendar is
// loaded or changed in scheduling.
class CalendarVersions {
 public:
  virtual ~CalendarVersions() = default;
  virtual absl::StatusOr<std::map<int, int64_t>> Versions() = 0;
};

class DirectoryClient final : public UnitDirectory, public CalendarVersions {
 public:
  explicit DirectoryClient(std::shared_ptr<grpc::Channel> scheduling,
                           absl::Duration timeout = absl::Seconds(5));
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListUnits() override;
  absl::StatusOr<std::string> UnitKind(const std::string& unit_id) override;
  absl::StatusOr<std::string> OfficialUnit(const std::string& official_id) override;
  absl::StatusOr<std::map<int, int64_t>> Versions() override;

 private:
  std::unique_ptr<scheduling::v1::Scheduling::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_SERVICE_DIRECTORY_CLIENT_H_
