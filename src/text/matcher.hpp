// The matcher's entry points inside the text engine.
#pragma once

#include <hs/hs.h>

#include <cstddef>
#include <string_view>
#include <vector>

#include "switchboard/text.hpp"

namespace switchboard {

class TextAnalyzerAccess {
public:
    static const TextAnalyzer::Impl& impl(const TextAnalyzer& a) noexcept { return *a.impl_; }
};

namespace text {

// Error(invalid_argument, field "text") unless s is UTF-8.
void require_utf8(std::string_view s);

// Scans a text; refuses it with Error(invalid_argument) when it is not
// UTF-8 unless `checked` says it was checked before. With out null, only
// counts.
void scan_text(const TextAnalyzer::Impl& impl, std::string_view s, bool checked, std::vector<PhraseMatch>* out,
               std::size_t max, std::size_t& count, bool& truncated);

// The Hyperscan database of the phrases' windows, which scan_text runs over
// the normal form's context hash (null when the pools hold no phrase). The
// benchmark times Hyperscan alone on it.
const hs_database_t* literal_database(const TextAnalyzer::Impl& impl) noexcept;

}  // namespace text

}  // namespace switchboard
