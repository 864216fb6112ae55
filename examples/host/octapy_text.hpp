// switchboard-host: the OctaPy interaction endpoints (seed 000): IO1 `POST
// /record/call`, IO2 `POST /record/text`, IO3 `GET /report/{Ricket}` (and
// the redacted recording of a call), and the organisation's phrase
// pools under /settings/ (a switchboard addition; the seed names the
// "Word Sequence Document" but no endpoint for it).
#pragma once

#include <cstddef>

#include "dialect.hpp"
#include "http_layer.hpp"
#include "switchboard/interactions.hpp"

namespace switchboard::host {

struct TextContext {
    Context& base;               // the facade's modules
    std::size_t max_text_bytes;  // the Interactions' limit, quoted in the answer
    std::size_t max_body;        // the server's --max-body (POST /record/text may take more)
    std::size_t max_call_bytes;  // the body of POST /record/call at most
    double max_call_seconds;     // the Interactions' limit, quoted in the answer
    PhrasePools& pools() { return base.core.pools(); }
    Interactions& interactions() { return base.core.interactions(); }
};

void register_octapy_text(Server& server, TextContext& ctx);

}  // namespace switchboard::host
