// switchboard-host: the DeepCall agent profile API v2 (seed 003).
#include "dialect.hpp"

namespace switchboard::host {

void register_deepcall(Server& server, Context& ctx) {
    (void)server;
    (void)ctx;
}

}  // namespace switchboard::host
