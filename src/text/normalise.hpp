// The text as the phrase matcher reads it: every run of separators (white
// space and punctuation, utf8.hpp) becomes one space, with one space before
// the first word and after the last, and ASCII letters are lower-cased. A phrase's words joined by single
// spaces, with a space before and after (" call you back "), then occur in
// it exactly where the phrase occurs in the text, on word boundaries,
// whatever separators the text had.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::text {

struct NormalText {
    // The normal form so far is `size` bytes; the buffer holds those from
    // offset `origin` on (all of them unless Normaliser::slide() dropped the
    // ones before): byte i of the normal form is buffer[i - origin]. The
    // buffer is reused from text to text and is not zero-filled.
    std::unique_ptr<char[]> buffer;
    std::size_t capacity = 0;
    std::size_t size = 0;
    std::size_t origin = 0;
    // The bytes the buffer holds: [origin, size) of the normal form.
    std::string_view text() const noexcept { return {buffer.get(), size - origin}; }
    // The normal form's context hash (context_hash.hpp), laid out as the
    // buffer, written by normalise() with the normal form.
    std::unique_ptr<char[]> hashed;
    // Room for `bytes` in both buffers, keeping their first `keep` bytes.
    void reserve(std::size_t bytes, std::size_t keep = 0);
    // The index from normal form to text, a 64-byte block of the text an
    // entry, held from block `first_block` on (slide() drops the blocks
    // before the one that holds the normal form's byte `origin`). Bit i % 64
    // of kept[i / 64 - first_block]: byte i of the original is in the normal
    // form (the other bytes are the second and later bytes of a separator
    // run); rank[w - first_block]: kept bytes before byte 64 * w.
    std::vector<std::uint64_t> kept;
    std::vector<std::uint32_t> rank;
    std::size_t first_block = 0;

    // The original offset of the normal form's byte `pos` (origin <= pos <
    // size, and pos >= 1: byte 0 is the leading space, which has none).
    std::size_t to_original(std::size_t pos) const noexcept;
};

// Builds `out` (the normal form and its context hash) from s part by part,
// reusing its buffers, and checks that s is UTF-8 on the way. A long text
// is scanned a part at a time while that part's normal form is still in
// the cache, and slide() drops what the scan no longer reads, so the
// buffers hold one part and a little more however long the text is.
// `path` chooses the implementation for tests: 0 the best the CPU has,
// 1 scalar, 2 SSSE3, 3 AVX-512 (each when the CPU has it, else scalar);
// every path, and every way of cutting the text into parts, gives the same
// bytes.
class Normaliser {
public:
    Normaliser(std::string_view s, NormalText& out, int path = 0);
    // Takes the text up to byte `end` (a multiple of 64 below s.size(), or
    // s.size(), which finishes the normal form with its last space).
    // out.size is then the normal form's length so far, hashed in full.
    void advance(std::size_t end);
    // Drops the normal form before offset `from` (origin <= from <= size,
    // and at least two bytes before size, which hash the next bytes) from
    // the buffers, and the index blocks before the one that holds it:
    // out.origin becomes `from`.
    void slide(std::size_t from);
    // The offset of the first byte taken so far that is not UTF-8, or npos.
    std::size_t invalid() const noexcept { return state_.invalid; }

    struct State {
        std::uint64_t carry = 1;  // the byte before was a separator (the leading space counts as one)
        std::size_t pending = 0;  // continuation bytes of a character begun in the previous block
        bool pending_sep = false;
        std::uint32_t kept = 0;                        // bytes kept so far
        std::size_t invalid = std::string_view::npos;  // offset of the first byte that is not UTF-8
        std::size_t hashed = 0;                        // bytes in the buffers whose context hash is written
    };

private:
    std::string_view s_;
    NormalText& out_;
    int path_;
    std::size_t done_ = 0;  // input bytes taken
    std::size_t on_ = 0;    // output bytes in the buffers (the normal form's [origin, origin + on_))
    bool finished_ = false;
    State state_;
};

// The whole text at once: returns the offset of the first byte that is not
// UTF-8, or npos.
std::size_t normalise(std::string_view s, NormalText& out, int path = 0);

// The literal the matcher looks for: " w1 w2 ... wn", and a space after it
// when it is short (kShortLiteral bytes or less), so that " um" does not
// fire on every "umbrella". Longer literals leave the space that must
// follow them to a check on each hit: literals that all end in the most
// common byte make Hyperscan's literal matcher filter poorly.
inline constexpr std::size_t kShortLiteral = 5;
std::string padded_literal(const std::vector<std::string>& words);

}  // namespace switchboard::text
