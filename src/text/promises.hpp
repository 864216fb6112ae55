// Promises: the word tokens of a sentence and the time statements in them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/text.hpp"

namespace switchboard::text {

// One word of a sentence, lower-cased, with contractions spelled out:
// "I'll" is the tokens "i" and "will" (the second spanning "'ll"), "won't"
// is "will" "not", "gonna" is "going" "to". Curly apostrophes count as '.
struct Token {
    std::string w;
    std::size_t start = 0, end = 0;  // bytes in the text
    bool comma_before = false;       // a comma, colon or dash lies between this token and the previous one
};

std::vector<Token> tokenize(std::string_view text, std::size_t begin, std::size_t end);

// A time statement found in tokens [from, to).
struct TimeStatement {
    std::size_t first = 0, last = 0;  // token range [first, last)
    std::optional<PromiseDue> due;
};

// The first time statement in tokens [from, to), extended over statements
// that follow it directly ("tomorrow at 3 pm"); nullopt when there is none.
std::optional<TimeStatement> find_time_statement(const std::vector<Token>& t, std::size_t from, std::size_t to);

// A number at token i ("24", "twenty four", "a couple of", "a few"): its
// value and the tokens it spans; nullopt when there is none.
std::optional<int> number_at(const std::vector<Token>& t, std::size_t i, std::size_t to, std::size_t& next);

// Whether w is one of the options (the first byte compared before the rest:
// most words differ there, and a library memcmp costs more than the loop).
inline bool is_any(std::string_view w, std::initializer_list<std::string_view> options) {
    if (w.empty()) {
        for (auto o : options)
            if (o.empty()) return true;
        return false;
    }
    for (auto o : options)
        if (o.size() == w.size() && o[0] == w[0] && o == w) return true;
    return false;
}

}  // namespace switchboard::text
