// switchboard-host: OpenCHS queue status (seed 004 section 5).
#include "dialect.hpp"

namespace switchboard::host {

void register_openchs_queues(Server& server, Context& ctx) {
    (void)server;
    (void)ctx;
}

}  // namespace switchboard::host
