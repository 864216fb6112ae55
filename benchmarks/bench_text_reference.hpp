// Hyperscan's literal matcher on its own, measured in the same run as
// bench_text's figures, so that those figures can be read against what the
// machine does at the time:
//   - the phrases' literals over the plain normal form (lower-cased words,
//     single spaces), which is what the matcher scanned before it hashed
//     each byte with its context (src/text/context_hash.hpp);
//   - random literals over random bytes, where the literal matcher's filter
//     works best: no design that hands Hyperscan as many bytes as the text
//     has can scan faster than this.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "switchboard/text.hpp"

namespace bench_text {

struct LiteralScan {
    double seconds = 0;  // best CPU time of the scan alone
    std::size_t bytes = 0;
    std::size_t matches = 0;
};

// The phrases of `pools` as literals " w1 w2" (" w1 " when short) over the
// plain normal form of an ASCII text; building the normal form is not timed.
LiteralScan plain_normal_form(const std::vector<switchboard::PhrasePool>& pools, const std::string& text, int reps);

// `literals` random 8-byte literals over `bytes` random bytes.
LiteralScan random_literals(std::size_t literals, std::size_t bytes, int reps);

}  // namespace bench_text
