#include "services/supervision/service/directory_client.h"

#include <chrono>

#include "common/dates.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"

namespace petition::supervision {
namespace {

void Prepare(grpc::ClientContext& context, absl::Duration timeout) {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout)));
  PropagateToClient(context, log::CurrentRequestId());
}

absl::Status Unavailable(const absl::Status& s) {
  return absl::UnavailableError("scheduling (the directory) is unavailable: " +
                                std::string(s.message()));
}

}  // namespace

DirectoryClient::DirectoryClient(std::shared_ptr<grpc::Channel> scheduling, absl::Duration timeout)
    : stub_(scheduling::v1::Scheduling::NewStub(scheduling)), timeout_(timeout) {}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> DirectoryClient::ListUnits() {
  std::vector<std::pair<std::string, std::string>> out;
  scheduling::v1::ListUnitsRequest request;
  request.set_page_size(500);
  // A township has tens of units; the bound only stops a runaway loop.
  for (int page = 0; page < 1000; ++page) {
    grpc::ClientContext context;
    Prepare(context, timeout_);
    scheduling::v1::ListUnitsResponse response;
    absl::Status s = FromGrpcStatus(stub_->ListUnits(&context, request, &response));
    if (!s.ok()) return Unavailable(s);
    for (const auto& unit : response.units()) {
      out.emplace_back(unit.unit_id(), scheduling::v1::UnitKind_Name(unit.kind()));
    }
    if (response.next_page_token().empty()) return out;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("scheduling's unit list does not end");
}

absl::StatusOr<std::string> DirectoryClient::UnitKind(const std::string& unit_id) {
  grpc::ClientContext context;
  Prepare(context, timeout_);
  scheduling::v1::GetUnitRequest request;
  request.set_unit_id(unit_id);
  scheduling::v1::Unit response;
  absl::Status s = FromGrpcStatus(stub_->GetUnit(&context, request, &response));
  if (absl::IsNotFound(s) || absl::IsInvalidArgument(s)) {
    return absl::NotFoundError("no such unit in the directory");
  }
  if (!s.ok()) return Unavailable(s);
  return scheduling::v1::UnitKind_Name(response.kind());
}

absl::StatusOr<std::string> DirectoryClient::OfficialUnit(const std::string& official_id) {
  grpc::ClientContext context;
  Prepare(context, timeout_);
  scheduling::v1::GetOfficialRequest request;
  request.set_official_id(official_id);
  scheduling::v1::Official response;
  absl::Status s = FromGrpcStatus(stub_->GetOfficial(&context, request, &response));
  if (absl::IsNotFound(s) || absl::IsInvalidArgument(s)) {
    return absl::NotFoundError("no such official in the directory");
  }
  if (!s.ok()) return Unavailable(s);
  return response.unit_id();
}

absl::StatusOr<std::map<int, int64_t>> DirectoryClient::Versions() {
  grpc::ClientContext context;
  Prepare(context, timeout_);
  scheduling::v1::ListCalendarVersionsRequest request;
  scheduling::v1::ListCalendarVersionsResponse response;
  absl::Status s = FromGrpcStatus(stub_->ListCalendarVersions(&context, request, &response));
  if (!s.ok()) {
    return absl::UnavailableError("scheduling (the calendar) is unavailable: " +
                                  std::string(s.message()));
  }
  std::map<int, int64_t> out;
  for (const auto& v : response.years()) out[v.year()] = v.version();
  return out;
}

}  // namespace petition::supervision
