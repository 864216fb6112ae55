#include "core/csv.hpp"

#include <charconv>

#include "core/time.hpp"

namespace switchboard::detail {

namespace {

// The characters that make a cell quoted.
struct Specials {
    bool quote[256] = {};
    constexpr Specials() { quote[','] = quote['"'] = quote['\r'] = quote['\n'] = true; }
};
constexpr Specials kSpecials;

bool needs_quotes(std::string_view v) {
    for (unsigned char c : v)
        if (kSpecials.quote[c]) return true;
    return false;
}

}  // namespace

void CsvWriter::cell(std::string_view v) {
    if (!first_in_row_) buffer_ += ',';
    first_in_row_ = false;
    // A spreadsheet runs a cell that starts with = + - @ as a formula.
    const bool neutralise = !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@');
    const bool quote = neutralise || needs_quotes(v);
    if (!quote) {
        buffer_.append(v);
        return;
    }
    buffer_ += '"';
    if (neutralise) buffer_ += '\'';
    for (char c : v) {
        if (c == '"') buffer_ += '"';
        buffer_ += c;
    }
    buffer_ += '"';
}

void CsvWriter::cell(std::int64_t value, bool blank_zero) {
    if (!first_in_row_) buffer_ += ',';
    first_in_row_ = false;
    if (blank_zero && value == 0) return;
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    // A negative number is a number, not a formula: no quoting.
    buffer_.append(digits, end);
}

void CsvWriter::cell_time(std::int64_t ms) {
    if (!first_in_row_) buffer_ += ',';
    first_in_row_ = false;
    const std::size_t at = buffer_.size();
    buffer_.resize(at + kIsoLength);
    format_iso_to(buffer_.data() + at, ms);
}

void CsvWriter::end_row() {
    buffer_ += "\r\n";
    first_in_row_ = true;
    if (buffer_.size() >= kChunk) flush();
}

void CsvWriter::flush() {
    if (buffer_.empty()) return;
    sink_(buffer_);
    buffer_.clear();
}

}  // namespace switchboard::detail
