// What a gRPC call lends the database work it causes: its deadline and its
// cancellation, as TxOptions (common/pg_pool.h). A handler passes
// TxOptionsFor(*context) to its store so that nothing commits after the
// client stopped waiting.
#ifndef PETITION_COMMON_CALL_DEADLINE_H_
#define PETITION_COMMON_CALL_DEADLINE_H_

#include "absl/time/time.h"
#include "common/pg_pool.h"
#include "grpcpp/server_context.h"

namespace petition {

// The call's deadline; InfiniteFuture when the client set none.
absl::Time DeadlineOf(const grpc::ServerContextBase& context);

// The call's deadline and cancellation. `context` must outlive the options.
TxOptions TxOptionsFor(const grpc::ServerContextBase& context);

}  // namespace petition

#endif  // PETITION_COMMON_CALL_DEADLINE_H_
