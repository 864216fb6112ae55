// Internal: an RFC 4180 CSV writer that hands its text to a CsvSink in
// pieces of about 64 KiB, so memory stays bounded whatever the row count.
#pragma once

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
