// Hyperscan's literal matcher on its own, measured in the same run as
// bench_text's figures, so that those figures can be read against what the
// machine does at the time:
//   - the phrases' literals over the plain normal form (lower-cased words,
//     single spaces), which is what the matcher scanned before it hashed
//     each byte with its context (src/text/context_hash.hpp);
//   - the matcher's own database (each phrase's eight-byte window) over the
//     text's context hash: the Hyperscan part of a scan, without the normal
//     form and the check on each hit;
//   - random literals over random bytes, where the literal matcher's filter
//     works best: no design that hands Hyperscan as many bytes as the text
//     has can scan faster than this.
#pragma once

#include <hs/hs.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "switchboard/text.hpp"

namespace bench_text {

// Literals compiled into a Hyperscan database, and the bytes to scan.
class LiteralScan {
public:
    LiteralScan(const std::vector<std::string>& literals, std::string data);
    // A database that stays another's (it must outlive this).
    LiteralScan(const hs_database_t* borrowed, std::string data);
    LiteralScan(const LiteralScan&) = delete;
    LiteralScan& operator=(const LiteralScan&) = delete;
    ~LiteralScan();
    bool ok() const { return db_ != nullptr; }
    std::size_t bytes() const { return data_.size(); }
    // Scans the data once; the number of matches.
    std::size_t scan() const;

private:
    std::string data_;
    const hs_database_t* db_ = nullptr;
    bool owned_ = true;
    hs_scratch_t* scratch_ = nullptr;
};

// The phrases of `pools` as literals " w1 w2" (" w1 " when short) over the
// plain normal form of an ASCII text.
std::unique_ptr<LiteralScan> plain_normal_form(const std::vector<switchboard::PhrasePool>& pools,
                                               const std::string& text);

// The analyzer's own Hyperscan database over the context hash of the text's
// normal form: what the matcher hands Hyperscan.
std::unique_ptr<LiteralScan> matcher_stream(const switchboard::TextAnalyzer& analyzer, const std::string& text);

// `literals` random 8-byte literals over `bytes` random bytes.
std::unique_ptr<LiteralScan> random_literals(std::size_t literals, std::size_t bytes);

}  // namespace bench_text
