#include "core/csv.hpp"

namespace switchboard::detail {

void CsvWriter::cell(std::string_view v) {
    if (!first_in_row_) buffer_ += ',';
    first_in_row_ = false;
    // A spreadsheet runs a cell that starts with = + - @ as a formula.
    const bool neutralise = !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@');
    const bool quote = neutralise || v.find_first_of(",\"\r\n") != std::string_view::npos;
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
