// Phrases as the matcher sees them: their words, and the checks every entry
// of a pool passes before it is compiled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::text {

// The words of a phrase, as written (case kept), split at separators.
std::vector<std::string_view> split_words(std::string_view phrase);

// Throws Error(invalid_argument, field "phrase") for a phrase that is not
// UTF-8, longer than kMaxPhraseBytes or without words. `where` (e.g. " in
// pool 'Profanity'") is appended to the message's subject.
void check_phrase(std::string_view phrase, std::string_view where);
// The same for a regular expression: UTF-8, length, then Hyperscan.
void check_regex(std::string_view regex, std::string_view where);

// Hyperscan flags every regular expression entry is compiled with.
unsigned regex_flags();

// A phrase compiled: its pool entry and its words, lower-cased.
struct CompiledPhrase {
    std::uint32_t pool = 0, entry = 0;
    std::vector<std::string> words;
};
CompiledPhrase compile_phrase(std::string_view phrase, std::uint32_t pool, std::uint32_t entry);

// An entry or pool name in single quotes for a message, cut after 80 bytes.
std::string quote(std::string_view s);

}  // namespace switchboard::text
