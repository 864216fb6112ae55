// Internal: an RFC 4180 CSV writer that hands its text to a CsvSink in
// pieces of about 64 KiB, so memory stays bounded whatever the row count.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/list.hpp"

namespace switchboard::detail {

class CsvWriter {
public:
    explicit CsvWriter(const CsvSink& sink) : sink_(sink) { buffer_.reserve(kChunk + 4096); }
    ~CsvWriter() = default;

    void cell(std::string_view value);
    // A whole number; with blank_zero, 0 (an id that is not set) is an empty cell.
    void cell(std::int64_t value, bool blank_zero = false);
    // A time in Unix milliseconds, as ISO-8601 UTC.
    void cell_time(std::int64_t ms);
    void end_row();
    // Hands what is buffered to the sink (also done every ~64 KiB).
    void flush();

private:
    static constexpr std::size_t kChunk = 64 * 1024;
    const CsvSink& sink_;
    std::string buffer_;
    bool first_in_row_ = true;
};

}  // namespace switchboard::detail
