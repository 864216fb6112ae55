// switchboard-host: the Comm100 voice API's agent status (seed 002).
#include "dialect.hpp"

namespace switchboard::host {

void register_comm100(Server& server, Context& ctx) {
    (void)server;
    (void)ctx;
}

}  // namespace switchboard::host
